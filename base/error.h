#pragma once
// Errors as values: every fallible call returns Result<T>. The kind decides the exit code
// and whether a retry can help; the location, when there is one, is what an operator needs
// to fix the input.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>

namespace zw {

enum class ErrorKind {
    bad_input,  // a zone file, key file or argument that is wrong: fix the input
    config,     // the configuration is wrong
    outside,    // a server, registrar, file system or other outside party failed
    internal,   // a bug or a broken invariant (a signature that does not verify)
};

struct SourceLocation {
    std::string file;
    std::uint64_t line = 0;
    std::uint64_t column = 0;  // 0: the line alone is known
};

struct Error {
    ErrorKind kind = ErrorKind::internal;
    std::string message;
    std::optional<SourceLocation> where;

    // "file:line:column: message" (or "file:line: message") when the error has a place, else the
    // message alone.
    [[nodiscard]] std::string describe() const;
};

template <typename T>
using Result = std::expected<T, Error>;

// Shorthands that read well at the failure site: `return fail(bad_input("..."));`
[[nodiscard]] inline Error bad_input(std::string message,
                                     std::optional<SourceLocation> where = std::nullopt) {
    return Error{ErrorKind::bad_input, std::move(message), std::move(where)};
}
[[nodiscard]] inline Error config_error(std::string message,
                                        std::optional<SourceLocation> where = std::nullopt) {
    return Error{ErrorKind::config, std::move(message), std::move(where)};
}
[[nodiscard]] inline Error outside_error(std::string message) {
    return Error{ErrorKind::outside, std::move(message), std::nullopt};
}
[[nodiscard]] inline Error internal_error(std::string message) {
    return Error{ErrorKind::internal, std::move(message), std::nullopt};
}
[[nodiscard]] inline std::unexpected<Error> fail(Error e) { return std::unexpected(std::move(e)); }

// The process exit code of an error (docs/operations.md, "Commands"): 2 bad input or
// configuration, 3 an outside failure, 4 an internal one such as a failed self-check.
[[nodiscard]] int exit_code_for(ErrorKind kind);

}  // namespace zw
