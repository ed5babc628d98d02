#include "base/regular_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace zw {

namespace {

std::string_view kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

}  // namespace

Result<RegularFile> open_regular_file(const std::string& path, std::string_view what,
                                      std::uint64_t max_bytes) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (!fd)
        return fail(
            bad_input(fmt::format("cannot read the {} {}: {}", what, path, std::strerror(errno))));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return fail(
            bad_input(fmt::format("cannot read the {} {}: {}", what, path, std::strerror(errno))));
    if (!S_ISREG(st.st_mode))
        return fail(bad_input(fmt::format("the {} {} is {}: only regular files are read", what,
                                          path, kind_of(st.st_mode))));
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > max_bytes)
        return fail(bad_input(fmt::format("the {} {} has {} bytes, more than the {} a {} may have",
                                          what, path, size, max_bytes, what)));
    // Reads of a regular file never block; clearing the flag keeps later readers simple.
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    return RegularFile{std::move(fd), size};
}

Result<std::string> read_regular_file(const std::string& path, std::string_view what,
                                      std::uint64_t max_bytes) {
    auto file = open_regular_file(path, what, max_bytes);
    if (!file) return fail(file.error());
    return read_regular_file(*file, path, what, max_bytes);
}

Result<std::string> read_regular_file(RegularFile& file, const std::string& path,
                                      std::string_view what, std::uint64_t max_bytes) {
    std::string text;
    text.resize(static_cast<std::size_t>(file.size) + 1);
    std::size_t have = 0;
    for (;;) {
        if (have == text.size()) {
            if (text.size() > max_bytes) break;
            text.resize(std::min<std::uint64_t>(text.size() * 2, max_bytes + 1));
        }
        ssize_t n = ::read(file.fd.get(), text.data() + have, text.size() - have);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return fail(bad_input(
                fmt::format("cannot read the {} {}: {}", what, path, std::strerror(errno))));
        if (n == 0) break;
        have += static_cast<std::size_t>(n);
    }
    if (have > max_bytes)
        return fail(bad_input(
            fmt::format("the {} {} grew past the {} bytes a {} may have while it was read", what,
                        path, max_bytes, what)));
    text.resize(have);
    return text;
}

}  // namespace zw
