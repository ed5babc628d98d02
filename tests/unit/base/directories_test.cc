// Directories zonewarden makes are never wider than asked or than the umask allows.
#include "base/directories.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "../../testutil/temp_dir.h"

namespace zw {
namespace {

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

// Restores the umask however the test ends.
struct Umask {
    explicit Umask(mode_t m) : old(::umask(m)) {}
    ~Umask() { ::umask(old); }
    mode_t old;
};

TEST(Directories, EveryMissingPartGetsTheModeEvenUnderUmask000) {
    testutil::TempDir dir;
    Umask open(0);
    ASSERT_TRUE(make_directories(dir.file("var/lib/zw/keys"), key_directory_mode));
    EXPECT_EQ(mode_of(dir.file("var")), 0700u);
    EXPECT_EQ(mode_of(dir.file("var/lib/zw")), 0700u);
    EXPECT_EQ(mode_of(dir.file("var/lib/zw/keys")), 0700u);
    ASSERT_TRUE(make_directories(dir.file("state/db"), state_directory_mode));
    EXPECT_EQ(mode_of(dir.file("state/db")), 0750u);
    ASSERT_TRUE(make_directories(dir.file("out"), output_directory_mode));
    EXPECT_EQ(mode_of(dir.file("out")), 0755u);
}

TEST(Directories, TheUmaskNarrowsFurtherAndOthersNeverWrite) {
    testutil::TempDir dir;
    Umask strict(027);
    ASSERT_TRUE(make_directories(dir.file("out"), output_directory_mode));
    EXPECT_EQ(mode_of(dir.file("out")), 0750u);
    Umask open(0);
    ASSERT_TRUE(make_directories(dir.file("wide"), 0777));
    EXPECT_EQ(mode_of(dir.file("wide")), 0775u);
}

TEST(Directories, ExistingOnesAreLeftAloneAndAFileInTheWayIsAnError) {
    testutil::TempDir dir;
    ASSERT_TRUE(make_directories(dir.file("a"), 0700));
    ::chmod(dir.file("a").c_str(), 0711);
    ASSERT_TRUE(make_directories(dir.file("a/b"), 0700));
    EXPECT_EQ(mode_of(dir.file("a")), 0711u);
    dir.write("file", "x");
    auto r = make_directories(dir.file("file/below"), 0700);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::outside);
}

}  // namespace
}  // namespace zw
