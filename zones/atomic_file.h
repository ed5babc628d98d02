#pragma once
// Files that appear whole or not at all: written under a temporary name in the same
// directory, fsynced, renamed over the target, and the directory fsynced, so a crash or a
// failed run never leaves a half-written zone where a name server would load it.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/error.h"

namespace zw::zones {

// A large buffered writer over a file descriptor; flushes in big blocks, and writes
// blocks that are big already without copying them.
class BufferedWriter {
public:
    explicit BufferedWriter(int fd) : fd_(fd) { buffer_.reserve(capacity); }
    void write(std::string_view text);
    // Appends `length` bytes of the file `from` at offset `at`, copied inside the kernel
    // (no pass through this process). Fails if `from` has fewer bytes there.
    [[nodiscard]] Result<void> copy(int from, std::uint64_t at, std::uint64_t length);
    [[nodiscard]] Result<void> flush();
    [[nodiscard]] bool failed() const { return error_ != 0; }

private:
    void put(std::string_view text);  // to the file, unbuffered
    void written(std::uint64_t bytes);  // after bytes went to the file
    [[nodiscard]] Result<void> copy_through_memory(int from, std::uint64_t at, std::uint64_t length);

    static constexpr std::size_t capacity = 4 << 20;
    static constexpr std::size_t direct_write = 64 << 10;
    int fd_;
    int error_ = 0;
    std::uint64_t written_ = 0;
    std::uint64_t started_ = 0;  // written_ up to which disk writeback has been started
    std::string buffer_;
};

// A file written and fsynced under a temporary name beside its target, not yet in place:
// commit() renames it over the target; a staged file never committed is removed. Staging
// lets the slow part of writing overlap a check that decides whether to publish at all.
class StagedFile {
public:
    using Fill = std::function<Result<void>(BufferedWriter&)>;
    // Calls fill(writer) into a new temporary file with `mode` and makes it durable.
    [[nodiscard]] static Result<StagedFile> write(const std::string& path, mode_t mode, const Fill& fill);

    StagedFile(StagedFile&& other) noexcept;
    StagedFile& operator=(StagedFile&&) = delete;
    StagedFile(const StagedFile&) = delete;
    ~StagedFile();

    // Moves the file into place and makes the rename durable; once only.
    [[nodiscard]] Result<void> commit();
    // The staged file's status (its inode, size and modification time stay the same
    // through commit()'s rename).
    [[nodiscard]] Result<struct ::stat> status() const;

private:
    StagedFile(std::string target, std::string temporary);
    std::string target_;
    std::string temporary_;  // empty once committed or moved from
};

// Commits a staged file, or passes on the error that kept it from being staged.
[[nodiscard]] Result<void> commit(Result<StagedFile> staged);

// Calls fill(writer) and, if it succeeds, moves the result into place with `mode`.
[[nodiscard]] Result<void> write_file_atomically(const std::string& path, mode_t mode,
                                                 const StagedFile::Fill& fill);

}  // namespace zw::zones
