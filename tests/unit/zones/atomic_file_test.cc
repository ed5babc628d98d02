#include "zones/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../../testutil/temp_dir.h"

namespace zw::zones {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t entries(const std::string& dir) {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(AtomicFile, WritesWholeFileWithTheMode) {
    testutil::TempDir dir;
    std::string path = dir.file("out.zone");
    ASSERT_TRUE(write_file_atomically(path, 0640, [](BufferedWriter& w) -> Result<void> {
        w.write("hello\n");
        return {};
    }));
    EXPECT_EQ(slurp(path), "hello\n");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, SmallAndLargeWritesLandInOrder) {
    testutil::TempDir dir;
    std::string path = dir.file("out.zone");
    // Small pieces are buffered, large ones written directly, and some fill the buffer:
    // the file must still be the pieces in the order they were given.
    std::string expected;
    ASSERT_TRUE(write_file_atomically(path, 0644, [&](BufferedWriter& w) -> Result<void> {
        for (std::size_t size :
             {5u, 100000u, 7u, 3000000u, 2000000u, 11u, 65536u, 65535u, 9000000u, 3u}) {
            std::string piece(size, static_cast<char>('a' + expected.size() % 26));
            piece.back() = '\n';
            w.write(piece);
            expected += piece;
        }
        return {};
    }));
    EXPECT_EQ(slurp(path), expected);
}

TEST(AtomicFile, AFailedFillLeavesTheOldFileAndNoTemporary) {
    testutil::TempDir dir;
    std::string path = dir.write("out.zone", "old\n");
    auto r = write_file_atomically(path, 0644, [](BufferedWriter& w) -> Result<void> {
        w.write("half of a new zone");
        return fail(bad_input("stop"));
    });
    EXPECT_FALSE(r);
    EXPECT_EQ(slurp(path), "old\n");
    EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, UnwritableDirectoryIsAnOutsideError) {
    auto r = write_file_atomically("/nonexistent-dir/out.zone", 0644,
                                   [](BufferedWriter&) -> Result<void> { return {}; });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::outside);
}

TEST(StagedFile, StaysOutOfPlaceUntilCommitted) {
    testutil::TempDir dir;
    std::string path = dir.write("out.zone", "old\n");
    struct stat old_st {};
    ASSERT_EQ(::stat(path.c_str(), &old_st), 0);
    auto staged = StagedFile::write(path, 0640, [](BufferedWriter& w) -> Result<void> {
        w.write("new\n");
        return {};
    });
    ASSERT_TRUE(staged);
    EXPECT_EQ(slurp(path), "old\n");
    EXPECT_EQ(entries(dir.path()), 2u);  // the target and the staged temporary
    StagedFile moved(std::move(*staged));
    ASSERT_TRUE(moved.commit());
    EXPECT_EQ(slurp(path), "new\n");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, old_st.st_mode & 0777);  // the mode of the file it replaced
    EXPECT_EQ(entries(dir.path()), 1u);
    auto again = moved.commit();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::internal);
    EXPECT_EQ(slurp(path), "new\n");
}

// Text copied from another file lands between what is written around it, in order, and
// the staged file's status is the committed file's (its identity survives the rename).
TEST(StagedFile, CopiesRangesOfAnotherFileInPlaceAndKeepsItsIdentityThroughCommit) {
    testutil::TempDir dir;
    std::string source = dir.write("old.zone", "0123456789abcdefghij");
    std::string path = dir.file("out.zone");
    int from = ::open(source.c_str(), O_RDONLY);
    ASSERT_GE(from, 0);
    Result<void> short_copy;
    auto staged = StagedFile::write(path, 0644, [&](BufferedWriter& w) -> Result<void> {
        w.write("<");
        if (auto ok = w.copy(from, 10, 6); !ok) return ok;  // "abcdef"
        w.write("|");
        if (auto ok = w.copy(from, 0, 3); !ok) return ok;  // "012"
        w.write(">");
        short_copy = w.copy(from, 15, 10);  // five bytes short
        return {};
    });
    ::close(from);
    ASSERT_TRUE(staged) << staged.error().message;
    ASSERT_FALSE(short_copy);
    EXPECT_NE(short_copy.error().message.find("shorter"), std::string::npos)
        << short_copy.error().message;
    auto before = staged->status();
    ASSERT_TRUE(before);
    ASSERT_TRUE(staged->commit());
    EXPECT_EQ(slurp(path).substr(0, 12), "<abcdef|012>");
    struct stat after {};
    ASSERT_EQ(::stat(path.c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before->st_ino);
    EXPECT_EQ(after.st_size, before->st_size);
    EXPECT_EQ(after.st_mtim.tv_nsec, before->st_mtim.tv_nsec);
}

TEST(StagedFile, OneNeverCommittedIsRemovedAndTheOldFileStays) {
    testutil::TempDir dir;
    std::string path = dir.write("out.zone", "old\n");
    {
        auto staged = StagedFile::write(path, 0644, [](BufferedWriter& w) -> Result<void> {
            w.write("a zone whose check failed\n");
            return {};
        });
        ASSERT_TRUE(staged);
        StagedFile moved(std::move(*staged));  // the moved-from one must not remove it
        EXPECT_EQ(entries(dir.path()), 2u);
    }
    EXPECT_EQ(slurp(path), "old\n");
    EXPECT_EQ(entries(dir.path()), 1u);
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

Result<void> write_hello(const std::string& path, mode_t mode) {
    return write_file_atomically(path, mode, [](BufferedWriter& w) -> Result<void> {
        w.write("hello\n");
        return {};
    });
}

// Restores the umask however the test ends.
struct Umask {
    explicit Umask(mode_t m) : old(::umask(m)) {}
    ~Umask() { ::umask(old); }
    mode_t old;
};

// An output an operator made 0640 with a name server's group stays so: replacing it used
// to make it 0644 root:root.
TEST(AtomicFile, AFileItReplacesKeepsItsModeOwnerAndGroup) {
    testutil::TempDir dir;
    std::string path = dir.write("out.zone", "old\n");
    ::chmod(path.c_str(), 0640);
    const gid_t group = ::geteuid() == 0 ? 65534 : ::getegid();  // nogroup, where we may
    ASSERT_EQ(::chown(path.c_str(), static_cast<uid_t>(-1), group), 0);
    ASSERT_TRUE(write_hello(path, 0644));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_EQ(st.st_gid, group);
    EXPECT_EQ(slurp(path), "hello\n");
    ::chmod(path.c_str(), 0600);
    ASSERT_TRUE(write_hello(path, 0644));
    EXPECT_EQ(mode_of(path), 0600u);
}

// A new file: the mode asked for, less the umask; never wider than asked.
TEST(AtomicFile, ANewFileGetsTheModeLessTheUmask) {
    testutil::TempDir dir;
    {
        Umask open(0);
        ASSERT_TRUE(write_hello(dir.file("a.zone"), 0644));
        EXPECT_EQ(mode_of(dir.file("a.zone")), 0644u);
        ASSERT_TRUE(write_hello(dir.file("a.private"), 0600));
        EXPECT_EQ(mode_of(dir.file("a.private")), 0600u);
    }
    Umask strict(027);
    ASSERT_TRUE(write_hello(dir.file("b.zone"), 0644));
    EXPECT_EQ(mode_of(dir.file("b.zone")), 0640u);
}

TEST(AtomicFile, WhatIsMadeFromAnInputIsNeverWiderThanIt) {
    testutil::TempDir dir;
    std::string input = dir.write("tenant.zone", "x");
    ::chmod(input.c_str(), 0600);
    EXPECT_EQ(mode_no_wider_than(input, 0644), 0600u);
    ::chmod(input.c_str(), 0666);
    EXPECT_EQ(mode_no_wider_than(input, 0644), 0644u);
    ::chmod(input.c_str(), 0640);
    EXPECT_EQ(mode_no_wider_than(input, 0644), 0640u);
    EXPECT_EQ(mode_no_wider_than(dir.file("missing"), 0644), 0644u);
}

// The process id of a child that has exited and been reaped: a writer that is gone.
pid_t dead_pid() {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}

void age(const std::string& path, std::chrono::hours by) {
    auto then = std::chrono::system_clock::now() - by;
    timespec times[2];
    times[0].tv_sec = times[1].tv_sec = std::chrono::system_clock::to_time_t(then);
    times[0].tv_nsec = times[1].tv_nsec = 0;
    ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

// What a SIGKILLed run leaves (216 MB after two kills on a 200k zone) is removed by the
// next write into the directory: our temporary names only, and only when the writer is
// gone or the file is older than a day; a run in progress keeps its file.
TEST(StagedFile, TemporariesOfKilledRunsAreRemovedByTheNextWrite) {
    testutil::TempDir dir;
    const pid_t gone = dead_pid();
    const std::string killed =
        dir.write(fmt::format(".out.zone.tmp-{}-aB3dE9", gone), "half a zone");
    const std::string running =
        dir.write(fmt::format(".out.zone.tmp-{}-Zz0000", ::getpid()), "being written");
    const std::string stuck =
        dir.write(fmt::format(".out.zone.tmp-{}-Zz0001", ::getpid()), "alive but old");
    age(stuck, std::chrono::hours(25));
    const std::string old_style_fresh = dir.write(".out.zone.tmp-AbCdEf", "no pid, fresh");
    const std::string old_style_old = dir.write(".other.zone.tmp-XyZ123", "no pid, old");
    age(old_style_old, std::chrono::hours(25));
    std::vector<std::string> not_ours;
    for (const char* name : {"out.zone.tmp-1-abcdef", ".out.zone.tmp-1-abc",
                             ".out.zone.tmp-x1-abcdef", ".notes", "out.zone"}) {
        not_ours.push_back(dir.write(name, "someone else's"));
        age(not_ours.back(), std::chrono::hours(48));
    }
    ASSERT_TRUE(write_hello(dir.file("out.zone"), 0644));
    EXPECT_FALSE(std::filesystem::exists(killed));
    EXPECT_FALSE(std::filesystem::exists(stuck));
    EXPECT_FALSE(std::filesystem::exists(old_style_old));
    EXPECT_TRUE(std::filesystem::exists(running));
    EXPECT_TRUE(std::filesystem::exists(old_style_fresh));
    for (const auto& f : not_ours) EXPECT_TRUE(std::filesystem::exists(f)) << f;
    // A second scan of the same directory finds nothing more to do.
    EXPECT_EQ(remove_stale_temporaries(dir.path()), 0u);
}

}  // namespace
}  // namespace zw::zones
