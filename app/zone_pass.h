#pragma once
// One pass over one zone: ask the engine, commit its decision, execute the actions (key
// material, the DS set at the parent), publish the zone its next states describe, run the
// live checks it asks for, feed them back, and repeat while they move something. `tick`
// runs one pass per zone; `run` runs passes on timers; `onboard` ends with one. The jobs
// of a pass live in zone_pass_*.h: live checks, DS submission, notifications, scheduling.

#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "base/clock.h"
#include "base/log.h"
#include "registrar/journal.h"
#include "store/store.h"

namespace zw::app {

class DaemonMetrics;

struct PassEnv {
    const Config& config;
    store::Store& store;
    registrar::Journal& journal;
    LogSink& log;
    const Clock& clock;
    DaemonMetrics* metrics;  // the daemon's counters; null outside `run`
};

struct PassResult {
    std::string zone;
    // 0 settled or waiting on time; 1 waiting on a live check; 2/3/4 as an error's kind.
    int exit_code = 0;
    std::optional<Instant> wake_at;  // call again then at the latest
    std::vector<std::string> lines;  // what happened, one line each, for the operator
};

[[nodiscard]] PassResult run_zone_pass(PassEnv& env, const store::ZoneInfo& zone);

// The registrar settings a zone uses, or a config error naming what is missing.
[[nodiscard]] Result<const registrar::Settings*> zone_registrar(const Config& config,
                                                                const store::ZoneInfo& zone);

}  // namespace zw::app
