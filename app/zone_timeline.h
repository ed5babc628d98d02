#pragma once
// A zone's keys over a window of time, for the status page: for each key and each record
// it puts into the world (DNSKEY, RRSIG over the DNSKEY RRset, RRSIGs over the zone, DS),
// the stretches it spent hidden, rumoured, omnipresent or unretentive.
//   past    the audit log's transitions: confirmed and waited moves change the state; a
//           decided one (published or withdrawn) starts a stretch that is "pending" until
//           the live checks confirm that every server follows;
//   now     the stored state;
//   future  the rollover engine (a pure function) run forward from now as if every live
//           check it asks for passed the moment it is asked: the earliest the schedule
//           allows, marked projected.

#include <optional>
#include <span>
#include <vector>

#include "app/status_report.h"

namespace zw::app {

struct TimelineStretch {
    Instant from{}, to{};
    rollover::RecordState state = rollover::RecordState::hidden;
    bool pending = false;    // published or withdrawn, not yet confirmed at every server
    bool projected = false;  // after now: what the engine would do
};

struct TimelineBand {
    rollover::Record record = rollover::Record::dnskey;
    std::vector<TimelineStretch> stretches;
};

enum class TimelineKeyKind { current, removed, projected };

struct TimelineKey {
    rollover::KeyRef key;
    TimelineKeyKind kind = TimelineKeyKind::current;
    std::optional<rollover::Goal> goal;  // current keys only
    std::vector<TimelineBand> bands;     // only the records the key's role has
};

struct ZoneTimeline {
    Instant from{}, now{}, to{};
    std::vector<TimelineKey> keys;  // KSKs and CSKs first, then ZSKs, each by id
};

struct TimelineInput {
    const ZoneStatus& status;
    std::span<const store::AuditEntry> audit;    // the zone's rows from `from` on
    std::span<const store::RemovedKey> removed;  // keys removed since `from`
    const rollover::Policy* policy;              // null: no projection
    Instant now;
    Seconds back, ahead;
};

[[nodiscard]] ZoneTimeline build_timeline(const TimelineInput& in);

// Reads the audit rows and removed keys build_timeline needs.
[[nodiscard]] Result<ZoneTimeline> zone_timeline(const Config& config, store::Store& store,
                                                 const ZoneStatus& status, Instant now,
                                                 Seconds back, Seconds ahead);

}  // namespace zw::app
