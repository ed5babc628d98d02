// zonewarden run: the tick pass as a daemon. It sleeps until the earliest time any zone
// asked to be looked at again (a time gate ending, signatures reaching their refresh
// point), and never longer than daemon.max-sleep, so live checks that wait on servers are
// retried. SIGTERM/SIGINT stop it between zones; SIGHUP reloads the configuration (a bad
// new one is reported and the old one kept). One daemon per state database.

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <memory>

#include "app/commands.h"
#include "app/operator_context.h"
#include "app/output.h"
#include "app/pass_guard.h"
#include "app/zone_pass.h"
#include "base/clock.h"

namespace zw::app {

namespace {

// Held for the daemon's lifetime; released by the kernel if it dies.
Result<int> take_daemon_lock(const Config& config) {
    std::string path = config.state + ".daemon.lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail(outside_error(fmt::format("cannot open {}", path)));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return fail(outside_error(fmt::format("another 'zonewarden run' is active for {} (lock {})", config.state, path)));
    }
    return fd;
}

class Daemon {
  public:
    Daemon(std::string config_path, Config config)
        : config_path_(std::move(config_path)), config_(std::move(config)), timer_(io_),
          signals_(io_, SIGTERM, SIGINT, SIGHUP) {}

    int run() {
        wait_for_signal();
        schedule(Seconds{0});
        io_.run();
        fmt::print("zonewarden: stopped\n");
        // A zone's errors were reported as they happened; the daemon itself ran fine.
        return 0;
    }

  private:
    void wait_for_signal() {
        signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            if (signal == SIGHUP) {
                reload();
                wait_for_signal();
                schedule(Seconds{0});
                return;
            }
            fmt::print("zonewarden: signal {}, stopping\n", signal);
            stopping_ = true;
            timer_.cancel();
            signals_.cancel();
        });
    }

    void reload() {
        auto fresh = load_config(config_path_);
        if (!fresh) {
            print_error(fresh.error());
            fmt::print(stderr, "zonewarden: keeping the previous configuration\n");
            return;
        }
        if (fresh->state != config_.state) {
            fmt::print(stderr, "zonewarden: 'state' cannot change while running; keeping {}\n", config_.state);
            fresh->state = config_.state;
        }
        config_ = std::move(*fresh);
        fmt::print("zonewarden: configuration reloaded\n");
    }

    void schedule(Seconds delay) {
        if (stopping_) return;
        timer_.expires_after(delay);
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (ec || stopping_) return;
            // Each zone's pass is guarded on its own; this catches what escapes the rest of
            // a wake, so the daemon lives on.
            schedule(guard_wake([this] { return pass(); }, Seconds{10}));
        });
    }

    // One pass over every zone; returns how long to sleep.
    Seconds pass() {
        SystemClock clock;
        Instant next = clock.now() + config_.max_sleep;
        auto store = open_writer(config_, Seconds{60});
        if (!store) {
            print_error(store.error());
            return Seconds{10};
        }
        auto journal = registrar::Journal::open(config_.state);
        if (!journal) {
            print_error(journal.error());
            return Seconds{10};
        }
        auto zones = store->zones();
        if (!zones) {
            print_error(zones.error());
            return Seconds{10};
        }
        PassEnv env{config_, *store, *journal, log_, clock};
        for (const auto& z : *zones) {
            // A pending signal is handled between zones, never in the middle of one.
            io_.poll();
            if (stopping_) break;
            PassResult r = guarded_zone_pass(env, z);
            for (const auto& line : r.lines) fmt::print("{} {}: {}\n", format_instant(clock.now()), r.zone, line);
            if (r.wake_at) next = std::min(next, *r.wake_at);
        }
        std::fflush(stdout);
        Seconds delay = next - clock.now();
        return std::clamp(delay, Seconds{1}, config_.max_sleep);
    }

    std::string config_path_;
    Config config_;
    boost::asio::io_context io_;
    boost::asio::steady_timer timer_;
    boost::asio::signal_set signals_;
    StderrLog log_;
    bool stopping_ = false;
};

int run_daemon(const std::string& config_path) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    auto lock = take_daemon_lock(*config);
    if (!lock) return report_failure(lock.error());
    fmt::print("zonewarden: running with {} (state {})\n", config_path, config->state);
    std::fflush(stdout);
    Daemon daemon(config_path, std::move(*config));
    int code = daemon.run();
    ::close(*lock);
    return code;
}

}  // namespace

void register_run_command(CLI::App& app, const std::string& config_path, int& exit_code) {
    const std::string* cfg = &config_path;
    CLI::App* c = app.add_subcommand("run", "Run the passes as a daemon until SIGTERM; SIGHUP reloads the configuration");
    c->footer("Wakes at the earliest time a zone asks for, at least every daemon.max-sleep. "
              "A second instance for the same state database refuses to start (exit 3).");
    c->callback([cfg, &exit_code] { exit_code = run_daemon(*cfg); });
}

}  // namespace zw::app
