#include "zones/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

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
