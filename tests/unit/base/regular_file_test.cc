// Only regular files are read, within their limit, and errors never quote the contents.
#include "base/regular_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>

#include "../../testutil/temp_dir.h"

namespace zw {
namespace {

TEST(RegularFile, ReadsARegularFileWhole) {
    testutil::TempDir dir;
    auto path = dir.write("a.txt", "line one\nline two\n");
    auto text = read_regular_file(path, "test file", 100);
    ASSERT_TRUE(text) << text.error().describe();
    EXPECT_EQ(*text, "line one\nline two\n");
}

// A FIFO would block the open (no writer) and then the read (a writer that never ends).
TEST(RegularFile, RefusesAFifoWithoutBlocking) {
    testutil::TempDir dir;
    const auto fifo = dir.file("fifo");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto start = std::chrono::steady_clock::now();
    auto text = read_regular_file(fifo, "trust anchor file", 100);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().kind, ErrorKind::bad_input);
    EXPECT_NE(text.error().message.find("a FIFO"), std::string::npos) << text.error().message;
}

TEST(RegularFile, RefusesDevicesAndDirectories) {
    testutil::TempDir dir;
    for (const std::string path : {"/dev/zero", "/dev/null"}) {
        auto text = read_regular_file(path, "configuration file", max_config_file_bytes);
        ASSERT_FALSE(text) << path;
        EXPECT_NE(text.error().message.find("character device"), std::string::npos)
            << text.error().message;
    }
    auto d = read_regular_file(dir.path(), "configuration file", 100);
    ASSERT_FALSE(d);
    EXPECT_NE(d.error().message.find("a directory"), std::string::npos);
}

TEST(RegularFile, RefusesAFileOverItsLimitWithoutReadingIt) {
    testutil::TempDir dir;
    auto path = dir.write("big", std::string(101, 'x'));
    auto text = read_regular_file(path, "key file", 100);
    ASSERT_FALSE(text);
    EXPECT_NE(text.error().message.find("101 bytes"), std::string::npos) << text.error().message;
    EXPECT_TRUE(read_regular_file(path, "key file", 101));
}

TEST(RegularFile, ErrorsNeverQuoteTheContents) {
    testutil::TempDir dir;
    auto path = dir.write("shadow", "root:$y$j9T$secretsecret:19000:0:99999:7:::\n");
    auto text = read_regular_file(path, "trust anchor file", 10);
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().message.find("$y$"), std::string::npos);
    EXPECT_EQ(text.error().message.find("root:"), std::string::npos);
}

TEST(RegularFile, MissingFileIsBadInputNamingIt) {
    auto text = read_regular_file("/nonexistent/zw/anchor", "trust anchor file", 100);
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().kind, ErrorKind::bad_input);
    EXPECT_NE(text.error().message.find("/nonexistent/zw/anchor"), std::string::npos);
}

}  // namespace
}  // namespace zw
