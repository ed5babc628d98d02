// `zonewarden run` as a process: one instance per state database, SIGHUP reloads (a broken
// configuration is refused and the old one kept), SIGTERM stops it cleanly. No zones are
// onboarded, so nothing here needs a name server.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "../../testutil/temp_dir.h"

namespace {

const char* const config_text =
    "state: state.db\nkey-dir: keys\nzones-in: in\nzones-out: out\n"
    "daemon: { max-sleep: 2s }\npolicies: { default: {} }\nregistrars: { by-hand: { type: manual } "
    "}\n";

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

pid_t spawn(const std::string& config, const std::string& log) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    std::string bin = ZW_BINARY, opt = "--config", cfg = config, cmd = "run";
    char* argv[] = {bin.data(), opt.data(), cfg.data(), cmd.data(), nullptr};
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

bool wait_for(const std::string& log, const std::string& text, int count = 1) {
    for (int i = 0; i < 200; ++i) {  // 10 s at most
        std::string s = slurp(log);
        int seen = 0;
        for (auto pos = s.find(text); pos != std::string::npos; pos = s.find(text, pos + 1)) ++seen;
        if (seen >= count) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

int wait_exit(pid_t pid) {
    for (int i = 0; i < 200; ++i) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return -1;
}

TEST(Daemon, OneInstanceReloadOnHupStopOnTerm) {
    zw::testutil::TempDir dir;
    std::string config = dir.write("zw.yaml", config_text);
    std::string log = dir.file("daemon.log"), second_log = dir.file("second.log");
    pid_t daemon = spawn(config, log);
    ASSERT_TRUE(wait_for(log, "running with")) << slurp(log);

    pid_t second = spawn(config, second_log);
    EXPECT_EQ(wait_exit(second), 3);
    EXPECT_NE(slurp(second_log).find("another 'zonewarden run' is active"), std::string::npos)
        << slurp(second_log);

    dir.write("zw.yaml", std::string(config_text) + "unknown-field: 1\n");
    kill(daemon, SIGHUP);
    EXPECT_TRUE(wait_for(log, "keeping the previous configuration")) << slurp(log);
    EXPECT_NE(slurp(log).find("zw.yaml:8:1: unknown-field: unknown field"), std::string::npos)
        << slurp(log);

    dir.write("zw.yaml", config_text);
    kill(daemon, SIGHUP);
    EXPECT_TRUE(wait_for(log, "configuration reloaded")) << slurp(log);

    kill(daemon, SIGTERM);
    EXPECT_EQ(wait_exit(daemon), 0);
    EXPECT_NE(slurp(log).find("stopped"), std::string::npos);
}

}  // namespace
