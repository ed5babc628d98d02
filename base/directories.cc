#include "base/directories.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace zw {

Result<void> make_directories(const std::string& path, mode_t mode) {
    const mode_t wanted = mode & 0775;  // never writable by others
    std::filesystem::path made;
    for (const auto& part : std::filesystem::path(path).lexically_normal()) {
        made /= part;
        if (part.empty() || part == "/" || part == ".") continue;
        if (::mkdir(made.c_str(), wanted) == 0) continue;
        if (errno != EEXIST)
            return fail(outside_error(fmt::format("cannot create the directory {}: {}",
                                                  made.string(), std::strerror(errno))));
        struct stat st {};
        if (::stat(made.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            return fail(outside_error(
                fmt::format("{} is in the way of {}: it is not a directory", made.string(), path)));
    }
    return {};
}

}  // namespace zw
