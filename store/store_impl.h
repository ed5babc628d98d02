#pragma once
// Private to store/: the open database and its writer lock, shared by the files that
// implement Store's methods.

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <utility>

#include "store/sqlite.h"
#include "store/store.h"

namespace zw::store {

// The single-writer lock: an flock on "<db>.lock", released when the fd closes (also when
// the process dies, so a crash never leaves a stale lock).
struct WriterLock {
    int fd = -1;
    WriterLock() = default;
    WriterLock(WriterLock&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
    WriterLock& operator=(WriterLock&& o) noexcept {
        std::swap(fd, o.fd);
        return *this;
    }
    ~WriterLock() {
        if (fd >= 0) ::close(fd);
    }
    static Result<WriterLock> take(const std::string& path) {
        WriterLock l;
        std::string lock = path + ".lock";
        l.fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (l.fd < 0) return fail(outside_error(fmt::format("cannot open {}", lock)));
        if (::flock(l.fd, LOCK_EX | LOCK_NB) != 0)
            return fail(outside_error(fmt::format(
                "another zonewarden process is writing {} (lock {} is held)", path, lock)));
        return l;
    }
};

struct Store::Impl {
    sql::Db db;
    WriterLock lock;
    bool writer;
};

}  // namespace zw::store
