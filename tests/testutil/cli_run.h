#pragma once
// Runs the zonewarden binary (ZW_BINARY, set by the test's CMakeLists) through the shell
// and collects its exit code and everything it printed. Under `timeout`, so a command
// that would block (a FIFO read, a flood of queries) fails the test instead of hanging it.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace zw::testutil {

struct CliRun {
    int code;
    std::string output;
};

// `prefix` goes before the binary ("umask 000;").
inline CliRun run_zonewarden(const std::string& args, const std::string& prefix = "") {
    std::string cmd = prefix + " timeout 60 " + std::string(ZW_BINARY) + " " + args + " 2>&1";
    CliRun r{-1, {}};
    FILE* p = ::popen(cmd.c_str(), "r");
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), p)) r.output += buf.data();
    int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// 'it'\''s': one shell word whatever the text holds.
inline std::string shell_word(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace zw::testutil
