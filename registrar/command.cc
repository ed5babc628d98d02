#include "registrar/command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/unique_fd.h"
#include "dns/encoding.h"
#include "registrar/plan.h"
#include "registrar/submit_journal.h"

namespace zw::registrar {

std::string command_input(const DesiredSet& desired, const std::vector<Entry>& ds,
                          std::int64_t request_id) {
    nlohmann::json j{{"zone", desired.zone.to_text()},
                     {"go_insecure", desired.go_insecure},
                     {"request_id", request_id},
                     {"ds", nlohmann::json::array()},
                     {"dnskeys", nlohmann::json::array()}};
    for (const auto& e : ds)
        j["ds"].push_back({{"key_tag", e.key_tag},
                           {"algorithm", e.algorithm},
                           {"digest_type", *e.digest_type},
                           {"digest", dns::hex_encode(e.digest)}});
    for (const auto& k : desired.keys)
        j["dnskeys"].push_back({{"flags", k.flags},
                                {"protocol", k.protocol},
                                {"algorithm", k.algorithm},
                                {"public_key", dns::base64_encode(k.public_key)}});
    return j.dump();
}

namespace {

struct RunResult {
    int exit_status = -1;  // -1: killed or did not exit normally
    bool timed_out = false;
    std::string output;
};

// Runs program with input on stdin; stdout and stderr are captured together (bounded).
RResult<RunResult> run_program(const std::string& program, const std::string& input,
                               Seconds timeout) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return reg_fail(ErrorKind::transient, "pipe failed");
    UniqueFd in_r(in[0]), in_w(in[1]);
    if (::pipe2(out, O_CLOEXEC) != 0) return reg_fail(ErrorKind::transient, "pipe failed");
    UniqueFd out_r(out[0]), out_w(out[1]);
    pid_t pid = ::fork();
    if (pid < 0)
        return reg_fail(ErrorKind::transient, fmt::format("fork failed: {}", std::strerror(errno)));
    if (pid == 0) {
        ::setpgid(0, 0);  // its own group, so a timeout kills whatever it started too
        ::dup2(in_r.get(), 0);
        ::dup2(out_w.get(), 1);
        ::dup2(out_w.get(), 2);
        char* const argv[] = {const_cast<char*>(program.c_str()), nullptr};
        ::execv(program.c_str(), argv);
        ::_exit(127);
    }
    ::setpgid(pid, pid);
    in_r.reset();
    out_w.reset();
    // A program that exits without reading its input must not kill us with SIGPIPE. The
    // signal is blocked in this thread only, and a pending one is consumed before unblocking,
    // so the process-wide disposition stays the caller's.
    sigset_t pipe_set, old_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    std::size_t written = 0;
    while (written < input.size()) {
        auto n = ::write(in_w.get(), input.data() + written, input.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    in_w.reset();
    timespec zero{0, 0};
    while (::sigtimedwait(&pipe_set, nullptr, &zero) == SIGPIPE) {
    }
    ::pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
    RunResult res;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            res.timed_out = true;
            break;
        }
        pollfd p{out_r.get(), POLLIN, 0};
        int pr = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) continue;
        auto n = ::read(out_r.get(), buf, sizeof buf);
        if (n <= 0) break;  // EOF: the program (and its children) closed the output
        if (res.output.size() < 16384) res.output.append(buf, static_cast<std::size_t>(n));
    }
    if (res.timed_out) ::kill(-pid, SIGKILL);
    int status = 0;
    // Bounded: after EOF or the kill, the child exits promptly; give it at most 5 s more.
    for (int i = 0; i < 500; ++i) {
        pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            if (WIFEXITED(status)) res.exit_status = WEXITSTATUS(status);
            return res;
        }
        if (i == 250) ::kill(-pid, SIGKILL);
        ::usleep(10000);
    }
    return reg_fail(ErrorKind::transient, fmt::format("{} (pid {}) did not exit", program, pid));
}

std::string last_line(const std::string& text) {
    auto end = text.find_last_not_of(" \t\r\n");
    if (end == std::string::npos) return "";
    auto start = text.rfind('\n', end);
    start = start == std::string::npos ? 0 : start + 1;
    return text.substr(start, std::min<std::size_t>(end - start + 1, 300));
}

class CommandRegistrar final : public Registrar {
  public:
    CommandRegistrar(std::string name, CommandConfig c, Journal& j, LogSink& log)
        : name_(std::move(name)), c_(std::move(c)), journal_(&j), log_(&log) {}
    const std::string& name() const override { return name_; }
    // DS and DNSKEY are both handed over.
    Capabilities capabilities() const override { return handover_capabilities(); }
    RResult<std::vector<Entry>> list(const dns::Name&) override {
        return reg_fail(ErrorKind::unsupported, "command: the operator's program does not list");
    }

    RResult<Receipt> apply(const DesiredSet& desired, Instant now) override {
        auto entries = expand(desired, EntryView::ds);
        if (!entries) return reg_fail(ErrorKind::invalid, entries.error().message);
        auto zone = desired.zone.to_text();
        Receipt r;
        r.registrar = name_;
        r.zone = zone;
        auto last = last_submit_of(*journal_, zone, name_, *entries);
        if (!last) return journal_failure(last.error());
        if (*last && (*last)->state == JournalState::done) {
            r.state = ReceiptState::done;
            r.journal_id = (*last)->id;
            r.detail = fmt::format("the program took this set at {}",
                                   format_instant(*(*last)->answered_at));
            return r;
        }
        // An earlier run that never answered (a crash) is closed; the program gets the whole
        // set again, which its contract makes harmless.
        auto open = journal_->open_records(zone, name_);
        if (!open) return journal_failure(open.error());
        for (const auto& o : *open)
            if (auto a = journal_->answered(o.id, JournalState::failed, "",
                                            "superseded by a new run", now);
                !a)
                return journal_failure(a.error());
        auto id = journal_->sent(zone, name_, Operation::submit, *entries, now);
        if (!id) return journal_failure(id.error());
        r.journal_id = *id;
        log_->event(LogLevel::info, "registrar.command",
                    {{"registrar", name_},
                     {"zone", zone},
                     {"program", c_.program},
                     {"journal_id", std::to_string(*id)}});
        auto run = run_program(c_.program, command_input(desired, *entries, *id), c_.timeout);
        if (!run) return std::unexpected(run.error());
        auto detail = last_line(run->output);
        auto close = [&](JournalState s) { return journal_->answered(*id, s, "", detail, now); };
        if (run->timed_out || run->exit_status < 0) {
            (void)close(JournalState::failed);
            RegistrarError e{ErrorKind::transient,
                             fmt::format("{} {}: {}", c_.program,
                                         run->timed_out ? "timed out" : "was killed", detail),
                             std::nullopt, 0};
            return std::unexpected(e);
        }
        std::optional<ErrorKind> kind;
        switch (run->exit_status) {
            case 0:
                if (auto a = close(JournalState::done); !a) return journal_failure(a.error());
                r.state = ReceiptState::done;
                r.detail = detail;
                return r;
            case 10:
                if (auto a = close(JournalState::accepted); !a) return journal_failure(a.error());
                r.state = ReceiptState::in_progress;
                r.detail = detail;
                return r;
            case 65:
                kind = ErrorKind::invalid;
                break;
            case 67:
                kind = ErrorKind::not_found;
                break;
            case 77:
                kind = ErrorKind::authentication;
                break;
            case 78:
                kind = ErrorKind::unsupported;
                break;
            case 127:
                kind = ErrorKind::unsupported, detail = "cannot execute " + c_.program;
                break;
            default:
                kind = ErrorKind::transient;
                break;
        }
        if (auto a = close(JournalState::failed); !a) return journal_failure(a.error());
        return reg_fail(*kind,
                        fmt::format("{} exited {}: {}", c_.program, run->exit_status, detail));
    }

  private:
    std::string name_;
    CommandConfig c_;
    Journal* journal_;
    LogSink* log_;
};

}  // namespace

std::unique_ptr<Registrar> make_command_registrar(std::string name, CommandConfig config,
                                                  Journal& journal, LogSink& log) {
    return std::make_unique<CommandRegistrar>(std::move(name), std::move(config), journal, log);
}

}  // namespace zw::registrar
