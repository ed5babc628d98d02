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

}  // namespace
}  // namespace zw::zones
