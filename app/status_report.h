#pragma once
// What `status` and `keys` show: per zone its condition, its keys with their record
// states, what it waits for (recomputed purely from the stored state at `now`, enriched
// with the last live check's per-server detail), the next event, the earliest signature
// expiry and the last check. Renders as text, JSON (docs/operations.md, schema 1) or
// Prometheus text.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "rollover/engine.h"
#include "store/store.h"

namespace zw::app {

struct ZoneStatus {
    store::ZoneInfo info;
    std::string condition;  // unsigned, securing, secure, rolling, offboarding, insecure, stuck
    rollover::ZoneState state;
    std::vector<rollover::Wait> waiting;
    std::optional<rollover::Stuck> stuck;  // no record can move without an outside change
    std::optional<Instant> next_event;
    std::optional<store::Publication> publication;
    std::optional<store::CheckRecord> last_check;
    std::string error;  // when the zone's status could not be computed (bad policy name, ...)
};

[[nodiscard]] Result<ZoneStatus> zone_status(const Config& config, store::Store& store,
                                             const store::ZoneInfo& zone, Instant now);

// An observation wait says which servers are behind: appends the last check's per-server
// detail to each such wait's `why`.
void explain_waits(store::Store& store, const std::string& zone,
                   std::vector<rollover::Wait>& waits);

// A stuck zone's waits as an operator names them: "DS 24802 at parent -> DS 60657 at
// parent -> DS 24802 at parent" (the cycle closes on its first record; a chain without a
// cycle ends on a record that stays where it is).
[[nodiscard]] std::string stuck_path(const rollover::ZoneState& state,
                                     const rollover::Stuck& stuck);
// The same, one line per wait with its gate and reason.
[[nodiscard]] std::vector<std::string> stuck_lines(const rollover::ZoneState& state,
                                                   const rollover::Stuck& stuck);

[[nodiscard]] std::string condition_of(const rollover::ZoneState& state,
                                       const std::optional<store::Publication>& pub);

[[nodiscard]] std::string status_text(const std::vector<ZoneStatus>& zones, Instant now);
[[nodiscard]] std::string keys_text(const ZoneStatus& zone, const rollover::Policy& policy,
                                    Instant now);
[[nodiscard]] nlohmann::json status_json(const std::vector<ZoneStatus>& zones, Instant now);
[[nodiscard]] std::string status_prometheus(const std::vector<ZoneStatus>& zones, Instant now);

}  // namespace zw::app
