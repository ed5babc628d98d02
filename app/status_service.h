#pragma once
// The daemon's HTTP endpoints over the state database:
//   /             the status page (status_page.h; query: q, state, page, per, span)
//   /status.json  schema 1, the builder of `status --json`
//   /metrics      what `status --prometheus` prints, then the daemon's own counters
// Statuses are computed from the database (a reader, which never waits for the writer)
// at most every `max_age` (or twice the time the last computation took, if that is
// longer: ten thousand zones take seconds), so many scrapes and page views cost one.

#include <memory>
#include <mutex>
#include <string_view>

#include "app/daemon_metrics.h"
#include "app/http_server.h"
#include "app/status_report.h"
#include "base/clock.h"

namespace zw::app {

class StatusService {
  public:
    StatusService(std::shared_ptr<const Config> config, const DaemonMetrics* metrics,
                  const Clock& clock, Seconds max_age = Seconds{5});

    // After SIGHUP: the next snapshot is taken with the new configuration.
    void set_config(std::shared_ptr<const Config> config);

    [[nodiscard]] HttpReply handle(std::string_view path, std::string_view query);

  private:
    struct Snapshot {
        Instant at{};
        std::chrono::steady_clock::duration took{};
        std::shared_ptr<const Config> config;
        std::vector<ZoneStatus> zones;
    };
    [[nodiscard]] Result<std::shared_ptr<const Snapshot>> snapshot();

    std::mutex mu_;
    std::shared_ptr<const Config> config_;
    std::shared_ptr<const Snapshot> snapshot_;
    const DaemonMetrics* metrics_;
    const Clock& clock_;
    Seconds max_age_;
};

}  // namespace zw::app
