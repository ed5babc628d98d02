#include "zones/atomic_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

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
    struct stat st{};
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
        for (std::size_t size : {5u, 100000u, 7u, 3000000u, 2000000u, 11u, 65536u, 65535u, 9000000u, 3u}) {
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
    auto r = write_file_atomically("/nonexistent-dir/out.zone", 0644, [](BufferedWriter&) -> Result<void> { return {}; });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::outside);
}

TEST(StagedFile, StaysOutOfPlaceUntilCommitted) {
    testutil::TempDir dir;
    std::string path = dir.write("out.zone", "old\n");
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
    struct stat st{};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
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
    EXPECT_NE(short_copy.error().message.find("shorter"), std::string::npos) << short_copy.error().message;
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

}  // namespace
}  // namespace zw::zones
