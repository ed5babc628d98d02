#pragma once
// Typed registrar errors. The kind tells the executor what to do next:
//   transient       retry after backoff (network, 5xx, 429, timeouts, a concurrent change)
//   in_progress     the registrar is still working on an earlier request: poll, do not resend
//   invalid         the registrar refused the data (bad key, entry limit): fix the input
//   authentication  credentials missing, wrong or not allowed: fix the configuration
//   not_found       the domain is not at this registrar / in this account
//   unsupported     the registrar cannot do this (algorithm, digest type, operation)
//   bad_answer      the registrar answered something its published API does not allow (a
//                   field null, missing or of the wrong type, an unknown enum value): the
//                   message names the field and the HTTP exchange; retrying the same request
//                   cannot help, so the operator is told

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "base/duration.h"
#include "base/error.h"

namespace zw::registrar {

enum class ErrorKind {
    transient,
    in_progress,
    invalid,
    authentication,
    not_found,
    unsupported,
    bad_answer
};

[[nodiscard]] std::string_view to_text(ErrorKind k);

struct RegistrarError {
    ErrorKind kind = ErrorKind::transient;
    std::string message;
    std::optional<Seconds> retry_after;  // from a Retry-After header or the API's own hint
    int http_status = 0;                 // 0 when not HTTP
    // The request may have reached the registrar and been committed (a timeout or a dropped
    // connection after sending): the journal keeps it open and the next pass lists first.
    bool maybe_committed = false;

    [[nodiscard]] std::string describe() const;
    // For exit codes (base/error.h): transient, in_progress and bad_answer are outside failures;
    // the others need the operator to change configuration or input.
    [[nodiscard]] Error to_error() const;
};

template <typename T>
using RResult = std::expected<T, RegistrarError>;

[[nodiscard]] inline std::unexpected<RegistrarError> reg_fail(ErrorKind k, std::string message,
                                                              int http_status = 0) {
    return std::unexpected(RegistrarError{k, std::move(message), std::nullopt, http_status});
}

// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
// Jitter"): a delay drawn uniformly from [base, min(cap, base * 2^attempt)], never below a
// server's Retry-After. `unit_random` in [0, 1) is passed in so the function stays pure.
[[nodiscard]] Seconds backoff_delay(int attempt, Seconds base, Seconds cap, double unit_random,
                                    std::optional<Seconds> retry_after = std::nullopt);

}  // namespace zw::registrar
