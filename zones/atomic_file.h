#pragma once
// Files that appear whole or not at all: written under a temporary name in the same
// directory, fsynced, renamed over the target, and the directory fsynced, so a crash or a
// failed run never leaves a half-written zone where a name server would load it.
//
// Modes: a file that replaces another keeps that file's mode, owner and group (an output
// an operator made 0640 root:nsd stays so); a new one gets the mode asked for less the
// umask, as open(2) makes it. Callers ask for no more than the file needs and, for what
// is made from a tenant's zone, no more than its input (mode_no_wider_than).
//
// A run that is killed leaves its temporary file (".<name>.tmp-<pid>-XXXXXX"); the next
// write into the same directory removes those whose writer no longer runs, or that are
// older than a day whoever wrote them (remove_stale_temporaries).

#include <sys/stat.h>
#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

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
    void put(std::string_view text);    // to the file, unbuffered
    void written(std::uint64_t bytes);  // after bytes went to the file
    [[nodiscard]] Result<void> copy_through_memory(int from, std::uint64_t at,
                                                   std::uint64_t length);

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
    // Calls fill(writer) into a new temporary file and makes it durable. Its mode is
    // `mode` less the umask, or the mode, owner and group of the file at path it replaces.
    [[nodiscard]] static Result<StagedFile> write(const std::string& path, mode_t mode,
                                                  const Fill& fill);

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

// Calls fill(writer) and, if it succeeds, moves the result into place (modes as above).
[[nodiscard]] Result<void> write_file_atomically(const std::string& path, mode_t mode,
                                                 const StagedFile::Fill& fill);

// `mode` without the permissions the file at `input` lacks: what is made from a tenant's
// zone file is never readable by more than the zone file is. `mode` when input cannot be read.
[[nodiscard]] mode_t mode_no_wider_than(const std::string& input, mode_t mode);

// A temporary file of a killed run is removed this long after it was last written even if
// its process id is in use again (or belongs to another PID namespace).
inline constexpr std::chrono::hours stale_temporary_age{24};

// Removes from dir the temporary files of StagedFile whose writing process no longer runs
// on this host, or which are older than stale_temporary_age; nothing else is touched.
// Returns how many were removed. StagedFile::write calls it once per directory and process.
std::size_t remove_stale_temporaries(const std::string& dir);

}  // namespace zw::zones
