#include "zones/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace zw::zones {

namespace {

Error io_error(std::string_view what, const std::string& path, int err) {
    return outside_error(fmt::format("{} {}: {}", what, path, std::strerror(err)));
}

Error copy_error(int err) {
    return outside_error(err == 0 ? "copying text failed: the file being copied from is shorter than it was"
                                  : fmt::format("copying text failed: {}", std::strerror(err)));
}

std::filesystem::path directory_of(const std::string& path) {
    std::filesystem::path target(path);
    return target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
}

// Closes the descriptor and removes the temporary file unless released.
struct TempFile {
    std::string path;
    int fd = -1;
    bool keep = false;
    ~TempFile() {
        if (fd >= 0) ::close(fd);
        if (!keep && !path.empty()) ::unlink(path.c_str());
    }
};

}  // namespace

void BufferedWriter::write(std::string_view text) {
    // A large block goes to the file as it is, after what is buffered: copying hundreds of
    // megabytes of zone text into the buffer first would only add a copy.
    if (text.size() >= direct_write || buffer_.size() + text.size() > capacity) {
        if (!buffer_.empty()) (void)flush();
        if (text.size() >= direct_write) {
            put(text);
            return;
        }
    }
    buffer_.append(text);
    if (buffer_.size() >= capacity) (void)flush();
}

Result<void> BufferedWriter::flush() {
    put(buffer_);
    buffer_.clear();
    if (error_ != 0) return fail(outside_error(fmt::format("write failed: {}", std::strerror(error_))));
    return {};
}

void BufferedWriter::put(std::string_view text) {
    std::size_t done = 0;
    while (error_ == 0 && done < text.size()) {
        ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            error_ = errno;
        } else {
            done += static_cast<std::size_t>(n);
        }
    }
    written(done);
}

Result<void> BufferedWriter::copy(int from, std::uint64_t at, std::uint64_t length) {
    if (auto flushed = flush(); !flushed) return flushed;
    auto in = static_cast<loff_t>(at);
    std::uint64_t left = length;
    while (left > 0) {
        ssize_t n = ::copy_file_range(from, &in, fd_, nullptr, left, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL) && left == length) {
            return copy_through_memory(from, at, length);
        }
        if (n <= 0) return fail(copy_error(n < 0 ? errno : 0));
        left -= static_cast<std::uint64_t>(n);
        written(static_cast<std::uint64_t>(n));
    }
    return {};
}

Result<void> BufferedWriter::copy_through_memory(int from, std::uint64_t at, std::uint64_t length) {
    std::string block;
    for (std::uint64_t done = 0; done < length;) {
        block.resize(std::min<std::uint64_t>(length - done, capacity));
        ssize_t n = ::pread(from, block.data(), block.size(), static_cast<off_t>(at + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(copy_error(n < 0 ? errno : 0));
        put(std::string_view(block.data(), static_cast<std::size_t>(n)));
        done += static_cast<std::uint64_t>(n);
    }
    if (error_ != 0) return fail(outside_error(fmt::format("write failed: {}", std::strerror(error_))));
    return {};
}

void BufferedWriter::written(std::uint64_t bytes) {
    written_ += bytes;
#ifdef SYNC_FILE_RANGE_WRITE
    // Start writing each few megabytes to disk now, so the fsync at the end waits for the
    // last blocks only instead of the whole file. A hint: where it is not supported, the
    // fsync does all the work as before.
    if (error_ == 0 && written_ - started_ >= capacity) {
        (void)::sync_file_range(fd_, static_cast<off_t>(started_), static_cast<off_t>(written_ - started_),
                                SYNC_FILE_RANGE_WRITE);
        started_ = written_;
    }
#endif
}

Result<StagedFile> StagedFile::write(const std::string& path, mode_t mode, const Fill& fill) {
    const std::filesystem::path dir = directory_of(path);
    TempFile tmp;
    std::string templ = (dir / ("." + std::filesystem::path(path).filename().string() + ".tmp-XXXXXX")).string();
    tmp.fd = ::mkstemp(templ.data());
    if (tmp.fd < 0) return fail(io_error("cannot create a temporary file in", dir.string(), errno));
    tmp.path = templ;
    if (::fchmod(tmp.fd, mode) != 0) return fail(io_error("cannot set the mode of", tmp.path, errno));

    BufferedWriter writer(tmp.fd);
    if (auto filled = fill(writer); !filled) return fail(filled.error());
    if (auto flushed = writer.flush(); !flushed) return fail(outside_error(fmt::format("{}: {}", tmp.path, flushed.error().message)));
    if (::fsync(tmp.fd) != 0) return fail(io_error("cannot fsync", tmp.path, errno));
    const int fd = std::exchange(tmp.fd, -1);
    if (::close(fd) != 0) return fail(io_error("cannot close", tmp.path, errno));
    tmp.keep = true;
    return StagedFile(path, tmp.path);
}

StagedFile::StagedFile(std::string target, std::string temporary)
    : target_(std::move(target)), temporary_(std::move(temporary)) {}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : target_(std::move(other.target_)), temporary_(std::exchange(other.temporary_, {})) {}

StagedFile::~StagedFile() {
    if (!temporary_.empty()) ::unlink(temporary_.c_str());
}

Result<void> StagedFile::commit() {
    if (temporary_.empty()) return fail(internal_error(fmt::format("{} was committed already", target_)));
    if (::rename(temporary_.c_str(), target_.c_str()) != 0) return fail(io_error("cannot rename into", target_, errno));
    temporary_.clear();
    // The rename is durable only once the directory entry is on disk.
    int dfd = ::open(directory_of(target_).c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

Result<struct ::stat> StagedFile::status() const {
    struct ::stat sb {};
    const std::string& path = temporary_.empty() ? target_ : temporary_;
    if (::stat(path.c_str(), &sb) != 0) return fail(io_error("cannot stat", path, errno));
    return sb;
}

Result<void> commit(Result<StagedFile> staged) {
    if (!staged) return fail(staged.error());
    return staged->commit();
}

Result<void> write_file_atomically(const std::string& path, mode_t mode, const StagedFile::Fill& fill) {
    return commit(StagedFile::write(path, mode, fill));
}

}  // namespace zw::zones
