#pragma once
// What `zonewarden run` counts while it runs, for /metrics beside the status metrics:
// passes and their duration, live-check answers and errors per server address, registrar
// submissions and errors per registrar. Counters start at zero when the daemon starts
// (Prometheus handles the reset). Passes write from the main thread, the HTTP thread reads.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "base/duration.h"
#include "live/zone_survey.h"

namespace zw::app {

class DaemonMetrics {
  public:
    explicit DaemonMetrics(Instant started) : started_(started) {}

    // One pass over every zone: how long it took, how many zones, how many failed (2/3/4).
    void pass_done(Instant at, double seconds, std::size_t zones, std::size_t failed);
    // One look at a zone: every parent and child server address it asked.
    void live_check_done(const live::ZoneReport& report);
    // A registrar could not be looked at (servers not found): counted against the zone.
    void live_check_failed();
    void registrar_submission(std::string_view registrar, bool error);

    [[nodiscard]] std::string prometheus() const;

  private:
    struct ServerCount {
        std::uint64_t checks = 0;
        std::map<std::string, std::uint64_t, std::less<>> errors;  // by fault
    };
    struct RegistrarCount {
        std::uint64_t submissions = 0, errors = 0;
    };
    void count_server(const std::string& server, live::ServerFault fault);

    mutable std::mutex mu_;
    Instant started_;
    std::uint64_t passes_ = 0, zone_failures_ = 0, failed_looks_ = 0;
    double pass_seconds_sum_ = 0, last_pass_seconds_ = 0;
    std::size_t last_pass_zones_ = 0;
    std::optional<Instant> last_pass_at_;
    std::map<std::string, ServerCount, std::less<>> servers_;
    std::map<std::string, RegistrarCount, std::less<>> registrars_;
};

}  // namespace zw::app
