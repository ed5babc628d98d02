#include "zones/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <utility>

#include "base/c_handle.h"

namespace zw::zones {

namespace {

Error io_error(std::string_view what, const std::string& path, int err) {
    return outside_error(fmt::format("{} {}: {}", what, path, std::strerror(err)));
}

Error copy_error(int err) {
    return outside_error(
        err == 0 ? "copying text failed: the file being copied from is shorter than it was"
                 : fmt::format("copying text failed: {}", std::strerror(err)));
}

std::filesystem::path directory_of(const std::string& path) {
    std::filesystem::path target(path);
    return target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
}

// ".<name>.tmp-<pid>-<6 random letters>": the writer's process id lets a later run tell a
// file left by a killed run from one being written now (remove_stale_temporaries).
constexpr std::string_view temporary_marker = ".tmp-";
constexpr std::size_t random_letters = 6;

std::string temporary_name(const std::string& target_name, pid_t pid) {
    static thread_local std::mt19937_64 random{std::random_device{}() ^
                                               static_cast<std::uint64_t>(pid)};
    static constexpr char letters[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string name = fmt::format(".{}{}{}-", target_name, temporary_marker, pid);
    for (std::size_t i = 0; i < random_letters; ++i)
        name += letters[random() % (sizeof letters - 1)];
    return name;
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

bool every_char(std::string_view text, int (*is)(int)) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
        return is(static_cast<unsigned char>(c)) != 0;
    });
}

// The writer's process id if `name` is one of our temporary names (0 for those made before
// names carried it: ".<name>.tmp-XXXXXX"), nullopt for any other file.
std::optional<pid_t> temporary_writer(std::string_view name) {
    const auto marker = name.rfind(temporary_marker);
    if (name.size() < 2 || name[0] != '.' || marker == std::string_view::npos || marker == 0)
        return std::nullopt;
    std::string_view tail = name.substr(marker + temporary_marker.size());
    const auto dash = tail.find('-');
    if (dash == std::string_view::npos) {
        if (tail.size() == random_letters && every_char(tail, ::isalnum)) return pid_t{0};
        return std::nullopt;
    }
    std::string_view pid = tail.substr(0, dash), letters = tail.substr(dash + 1);
    if (pid.size() > 9 || !every_char(pid, ::isdigit) || letters.size() != random_letters ||
        !every_char(letters, ::isalnum))
        return std::nullopt;
    return static_cast<pid_t>(std::stol(std::string(pid)));
}

bool running(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

// A pass over many zones scans each output directory once, not once per zone.
void remove_stale_temporaries_once(const std::string& dir) {
    static std::mutex lock;
    static std::set<std::string> done;
    {
        std::lock_guard guard(lock);
        if (!done.insert(dir).second) return;
    }
    (void)remove_stale_temporaries(dir);
}

}  // namespace

std::size_t remove_stale_temporaries(const std::string& dir) {
    std::unique_ptr<DIR, Free<::closedir>> d(::opendir(dir.c_str()));
    if (!d) return 0;
    const auto now = std::chrono::system_clock::now();
    std::size_t removed = 0;
    while (const dirent* entry = ::readdir(d.get())) {
        const auto writer = temporary_writer(entry->d_name);
        if (!writer) continue;
        struct ::stat st {};
        if (::fstatat(::dirfd(d.get()), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        const auto modified =
            std::chrono::system_clock::time_point{std::chrono::seconds{st.st_mtim.tv_sec}};
        const bool old = now - modified > stale_temporary_age;
        if (!old && (*writer == 0 || running(*writer))) continue;
        if (::unlinkat(::dirfd(d.get()), entry->d_name, 0) == 0) ++removed;
    }
    return removed;
}

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
    if (error_ != 0)
        return fail(outside_error(fmt::format("write failed: {}", std::strerror(error_))));
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
        if (n < 0 &&
            (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL) &&
            left == length) {
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
    if (error_ != 0)
        return fail(outside_error(fmt::format("write failed: {}", std::strerror(error_))));
    return {};
}

void BufferedWriter::written(std::uint64_t bytes) {
    written_ += bytes;
#ifdef SYNC_FILE_RANGE_WRITE
    // Start writing each few megabytes to disk now, so the fsync at the end waits for the
    // last blocks only instead of the whole file. A hint: where it is not supported, the
    // fsync does all the work as before.
    if (error_ == 0 && written_ - started_ >= capacity) {
        (void)::sync_file_range(fd_, static_cast<off_t>(started_),
                                static_cast<off_t>(written_ - started_), SYNC_FILE_RANGE_WRITE);
        started_ = written_;
    }
#endif
}

Result<StagedFile> StagedFile::write(const std::string& path, mode_t mode, const Fill& fill) {
    const std::filesystem::path dir = directory_of(path);
    const std::string name = std::filesystem::path(path).filename().string();
    remove_stale_temporaries_once(dir.string());
    struct ::stat target {};
    const bool replaces = ::stat(path.c_str(), &target) == 0 && S_ISREG(target.st_mode);
    TempFile tmp;
    // A new file gets `mode` less the umask, as open(2) makes it; one that replaces a file
    // gets that file's mode, owner and group below, before any byte is in it.
    for (int attempt = 0; attempt < 16 && tmp.fd < 0; ++attempt) {
        tmp.path = (dir / temporary_name(name, ::getpid())).string();
        tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        replaces ? 0600 : mode);
        if (tmp.fd < 0 && errno != EEXIST) {
            const int err = errno;
            tmp.path.clear();
            return fail(io_error("cannot create a temporary file in", dir.string(), err));
        }
    }
    if (tmp.fd < 0) {
        tmp.path.clear();
        return fail(io_error("cannot create a temporary file in", dir.string(), EEXIST));
    }
    if (replaces) {
        // Owner and group as they were (a name server's group that reads the zone); an
        // unprivileged run keeps at least the group, or says it cannot.
        if (::fchown(tmp.fd, target.st_uid, target.st_gid) != 0 &&
            ::fchown(tmp.fd, static_cast<uid_t>(-1), target.st_gid) != 0)
            return fail(
                io_error(fmt::format("cannot give the group {} of {} to", target.st_gid, path),
                         tmp.path, errno));
        if (::fchmod(tmp.fd, target.st_mode & 0777) != 0)
            return fail(io_error("cannot set the mode of", tmp.path, errno));
    }

    BufferedWriter writer(tmp.fd);
    if (auto filled = fill(writer); !filled) return fail(filled.error());
    if (auto flushed = writer.flush(); !flushed)
        return fail(outside_error(fmt::format("{}: {}", tmp.path, flushed.error().message)));
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
    if (temporary_.empty())
        return fail(internal_error(fmt::format("{} was committed already", target_)));
    if (::rename(temporary_.c_str(), target_.c_str()) != 0)
        return fail(io_error("cannot rename into", target_, errno));
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

mode_t mode_no_wider_than(const std::string& input, mode_t mode) {
    struct ::stat st {};
    if (::stat(input.c_str(), &st) != 0) return mode;
    return mode & st.st_mode & 0777;
}

Result<void> write_file_atomically(const std::string& path, mode_t mode,
                                   const StagedFile::Fill& fill) {
    return commit(StagedFile::write(path, mode, fill));
}

}  // namespace zw::zones
