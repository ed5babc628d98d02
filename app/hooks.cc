#include "app/hooks.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

extern char** environ;

namespace zw::app {

std::string shell_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string expand_hook(std::string_view command, const std::map<std::string, std::string>& vars) {
    std::string out(command);
    for (const auto& [name, value] : vars) {
        std::string token = "{" + name + "}";
        std::string quoted = shell_quote(value);
        for (auto pos = out.find(token); pos != std::string::npos;
             pos = out.find(token, pos + quoted.size()))
            out.replace(pos, token.size(), quoted);
    }
    return out;
}

Result<void> run_hook(const HookRun& run) {
    int in[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return fail(outside_error("hook: cannot create a pipe"));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        std::string_view kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string_view::npos && run.env.contains(std::string(kv.substr(0, eq))))
            continue;
        env_strings.emplace_back(kv);
    }
    for (const auto& [k, v] : run.env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string sh = "/bin/sh", dash_c = "-c", cmd = run.command;
    char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
    // Its own process group, so a timeout kills everything the hook started, not only the
    // shell (an orphaned child would hold our stdout open and outlive the pass).
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    if (rc != 0) {
        ::close(in[1]);
        return fail(
            outside_error(fmt::format("hook: cannot start /bin/sh: {}", std::strerror(rc))));
    }
    // A hook that does not read its stdin must not block us: the pipe is non-blocking, a
    // closed reader (EPIPE) ends the writing, and the time limit covers it.
    auto deadline = std::chrono::steady_clock::now() + run.limit;
    struct sigaction ignore {
    }, old{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &old);
    ::fcntl(in[1], F_SETFL, O_NONBLOCK);
    std::string_view rest = run.input;
    while (!rest.empty() && std::chrono::steady_clock::now() < deadline) {
        ssize_t n = ::write(in[1], rest.data(), rest.size());
        if (n > 0) {
            rest.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EAGAIN) {
            pollfd p{in[1], POLLOUT, 0};
            ::poll(&p, 1, 50);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    ::close(in[1]);
    ::sigaction(SIGPIPE, &old, nullptr);

    int status = 0;
    for (;;) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR)
            return fail(outside_error("hook: lost track of the process"));
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return fail(outside_error(fmt::format("hook '{}' ran longer than {} and was killed",
                                                  run.command, format_duration(run.limit))));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    if (WIFEXITED(status))
        return fail(outside_error(
            fmt::format("hook '{}' exited with status {}", run.command, WEXITSTATUS(status))));
    return fail(outside_error(
        fmt::format("hook '{}' was killed by signal {}", run.command, WTERMSIG(status))));
}

}  // namespace zw::app
