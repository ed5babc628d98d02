// zonewarden run: the tick pass as a daemon. It sleeps until the earliest time any zone
// asked to be looked at again (a time gate ending, signatures reaching their refresh
// point), and never longer than daemon.max-sleep, so live checks that wait on servers are
// retried. SIGTERM/SIGINT stop it between zones; SIGHUP reloads the configuration (a bad
// new one is reported and the old one kept). One daemon per state database. With an
// `http:` section it also serves the status page, /status.json and /metrics from a
// thread of its own (status_service.h), which reads the database and never waits for a pass.

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
#include "app/daemon_metrics.h"
#include "app/http_server.h"
#include "app/operator_context.h"
#include "app/output.h"
#include "app/pass_guard.h"
#include "app/status_service.h"
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
        return fail(outside_error(fmt::format("another 'zonewarden run' is active for {} (lock {})",
                                              config.state, path)));
    }
    return fd;
}

class Daemon {
  public:
    Daemon(std::string config_path, Config config)
        : config_path_(std::move(config_path)),
          config_(std::make_shared<const Config>(std::move(config))),
          timer_(io_),
          signals_(io_, SIGTERM, SIGINT, SIGHUP),
          metrics_(SystemClock{}.now()) {}

    // The HTTP endpoint, if configured; the daemon does not start without it.
    Result<void> start_http() {
        if (!config_->http) return {};
        service_ = std::make_unique<StatusService>(config_, &metrics_, clock_);
        auto server = HttpServer::start(
            config_->http->listen, config_->http->port,
            [this](std::string_view path, std::string_view query) {
                return service_->handle(path, query);
            },
            log_);
        if (!server) return fail(server.error());
        http_ = std::move(*server);
        fmt::print("zonewarden: http on {}:{} (/, /status.json, /metrics)\n",
                   config_->http->listen.find(':') == std::string::npos
                       ? config_->http->listen
                       : "[" + config_->http->listen + "]",
                   http_->port());
        return {};
    }

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
        if (fresh->state != config_->state) {
            fmt::print(stderr, "zonewarden: 'state' cannot change while running; keeping {}\n",
                       config_->state);
            fresh->state = config_->state;
        }
        auto same_http = [](const std::optional<HttpSettings>& a,
                            const std::optional<HttpSettings>& b) {
            return a.has_value() == b.has_value() &&
                   (!a || (a->listen == b->listen && a->port == b->port));
        };
        if (!same_http(fresh->http, config_->http)) {
            fmt::print(stderr,
                       "zonewarden: 'http' takes effect at the next start; keeping the current "
                       "endpoint\n");
            fresh->http = config_->http;
        }
        config_ = std::make_shared<const Config>(std::move(*fresh));
        if (service_) service_->set_config(config_);
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
        const SystemClock& clock = clock_;
        Stopwatch took;
        const Config& config = *config_;
        Instant next = clock.now() + config.max_sleep;
        auto store = open_writer(config, Seconds{60});
        if (!store) {
            print_error(store.error());
            return Seconds{10};
        }
        auto journal = registrar::Journal::open(config.state);
        if (!journal) {
            print_error(journal.error());
            return Seconds{10};
        }
        auto zones = store->zones();
        if (!zones) {
            print_error(zones.error());
            return Seconds{10};
        }
        PassEnv env{config, *store, *journal, log_, clock, &metrics_};
        std::size_t done = 0, failed = 0;
        for (const auto& z : *zones) {
            // A pending signal is handled between zones, never in the middle of one.
            io_.poll();
            if (stopping_) break;
            PassResult r = guarded_zone_pass(env, z);
            ++done;
            if (r.exit_code >= 2) ++failed;
            for (const auto& line : r.lines)
                fmt::print("{} {}: {}\n", format_instant(clock.now()), r.zone, line);
            if (r.wake_at) next = std::min(next, *r.wake_at);
        }
        metrics_.pass_done(clock.now(), took.seconds(), done, failed);
        std::fflush(stdout);
        Seconds delay = next - clock.now();
        return std::clamp(delay, Seconds{1}, config.max_sleep);
    }

    std::string config_path_;
    std::shared_ptr<const Config> config_;
    boost::asio::io_context io_;
    boost::asio::steady_timer timer_;
    boost::asio::signal_set signals_;
    StderrLog log_;
    SystemClock clock_;
    DaemonMetrics metrics_;
    std::unique_ptr<StatusService> service_;
    // Last: its thread calls into the service and the metrics, so it stops first.
    std::unique_ptr<HttpServer> http_;
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
    if (auto ok = daemon.start_http(); !ok) {
        ::close(*lock);
        return report_failure(ok.error());
    }
    std::fflush(stdout);
    int code = daemon.run();
    ::close(*lock);
    return code;
}

}  // namespace

void register_run_command(CLI::App& app, const std::string& config_path, int& exit_code) {
    const std::string* cfg = &config_path;
    CLI::App* c = app.add_subcommand(
        "run", "Run the passes as a daemon until SIGTERM; SIGHUP reloads the configuration");
    c->footer(
        "Wakes at the earliest time a zone asks for, at least every daemon.max-sleep. "
        "A second instance for the same state database refuses to start (exit 3). "
        "With an 'http:' section in the configuration (listen, port) it serves GET / (the status "
        "page, "
        "as 'report' writes it), /status.json (as 'status --json') and /metrics (Prometheus: as "
        "'status --prometheus', plus pass durations, live-check answers and errors per server, "
        "registrar "
        "submissions and errors); it does not start if it cannot listen there.");
    c->callback([cfg, &exit_code] { exit_code = run_daemon(*cfg); });
}

}  // namespace zw::app
