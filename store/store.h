#pragma once
// zonewarden's state: SQLite in WAL mode, so `status` readers never wait for a writer.
// One writer at a time: a writer holds an exclusive lock on "<db>.lock" for its lifetime.
//
// Crash safety: commit_decision() stores a decision's next key states and its actions
// (pending) in one transaction *before* anything is executed; the executor marks each
// action done after executing it. After a crash, pending_actions() returns what was
// decided but maybe not executed; every action is idempotent (set-valued, or keyed by id),
// so executing it again is harmless.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/duration.h"
#include "base/error.h"
#include "rollover/engine.h"

namespace zw::store {

namespace sql {
class Db;
}

struct PendingAction {
    std::int64_t id = 0;
    std::int64_t decision_id = 0;
    // nullopt: a kind an older version journaled and nothing executes any more; marking
    // it done is all there is to do.
    std::optional<rollover::Action> action;
};

struct AuditEntry {
    std::int64_t id = 0;
    Instant at{};
    std::string zone;
    std::string event;
    std::string detail;
};

// A key that left the zone's state; its row is kept for the audit trail.
struct RemovedKey {
    rollover::KeyRef key;
    Instant created{};
    Instant removed{};
};

// What `status` shows: the last decision, when the zone wakes next, what blocks each key
// (one line per Wait: "key 3 ds [observation] since ...: why").
struct DecisionRecord {
    std::int64_t id = 0;
    Instant at{};
    std::optional<Instant> wake_at;
    std::string waiting_on;
};

struct ZoneInfo {
    std::string name;
    std::string tenant;
    std::string policy;
    std::string registrar = {};  // configured registrar name; empty: none chosen
    std::string zone_file = {};  // unsigned input; empty: the configured zones-in default
};

// What the executor last wrote for a zone: the serial the live checks must see, the key
// tags it published, and when the signatures need renewing.
struct Publication {
    Instant at{};
    std::uint32_t serial = 0;
    std::vector<std::uint16_t> dnskey, ds, cds;
    bool is_signed = false;
    std::optional<Instant> earliest_expiry;
    std::optional<Instant> refresh_at;  // re-sign by then
    std::string input_hash;             // of the unsigned input and the publication inputs
};

// The last live check of a zone, for status; failures counts consecutive failed checks.
struct CheckRecord {
    Instant at{};
    bool ok = false;
    std::int64_t failures = 0;
    std::string detail;
};

class Store {
  public:
    // What may be at the path. Every mode refuses another program's database (or a file
    // that is not SQLite); only `initialise` takes an empty one (zero bytes, or SQLite's
    // header alone): an empty file where the state should be means the state was lost,
    // and starting afresh there would make new keys for zones the parents know by old ones.
    enum class Mode {
        reader,      // an existing zonewarden database at the latest schema, read-only
        writer,      // an existing zonewarden database, migrated to the latest schema
        create,      // as writer, or a new database where there is no file
        initialise,  // as create, or a new database in an empty file (`zonewarden init`)
    };

    // A writer holds the writer lock (mode create and initialise too). `schema_target`
    // exists for migration tests only.
    [[nodiscard]] static Result<Store> open(const std::string& path, Mode mode,
                                            std::optional<int> schema_target = std::nullopt);
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    [[nodiscard]] Result<int> schema_version();

    [[nodiscard]] Result<std::int64_t> add_zone(std::string_view zone, std::string_view tenant,
                                                std::string_view policy, Instant now);
    [[nodiscard]] Result<std::int64_t> add_zone(const ZoneInfo& zone, Instant now);
    [[nodiscard]] Result<std::vector<ZoneInfo>> zones();
    [[nodiscard]] Result<std::optional<ZoneInfo>> zone(std::string_view zone);

    [[nodiscard]] Result<void> record_publication(std::string_view zone, const Publication& p);
    [[nodiscard]] Result<std::optional<Publication>> last_publication(std::string_view zone);
    [[nodiscard]] Result<void> record_check(std::string_view zone, const CheckRecord& c);
    [[nodiscard]] Result<std::optional<CheckRecord>> last_check(std::string_view zone);
    // True the first time (zone, event, subject) is seen: the hook should fire. clear()
    // forgets an event once its situation is over, so a later one fires again.
    [[nodiscard]] Result<bool> first_notification(std::string_view zone, std::string_view event,
                                                  std::string_view subject, Instant now);
    [[nodiscard]] Result<void> clear_notifications(std::string_view zone, std::string_view event);
    [[nodiscard]] Result<rollover::ZoneState> load_zone(std::string_view zone);

    [[nodiscard]] Result<void> record_observation(std::string_view zone,
                                                  const rollover::Observation& o);
    [[nodiscard]] Result<std::vector<rollover::Observation>> observations(std::string_view zone,
                                                                          Instant since);

    // One transaction: the next states, the decision, its actions as pending, audit rows
    // for every transition and action. Returns the decision id.
    [[nodiscard]] Result<std::int64_t> commit_decision(std::string_view zone, Instant now,
                                                       const rollover::Decision& d);
    [[nodiscard]] Result<std::vector<PendingAction>> pending_actions(std::string_view zone);
    [[nodiscard]] Result<std::optional<DecisionRecord>> last_decision(std::string_view zone);
    [[nodiscard]] Result<void> mark_done(std::int64_t action_id, Instant at,
                                         std::string_view outcome);

    // Executor and operator inputs between decisions.
    [[nodiscard]] Result<void> set_key_tag(std::string_view zone, std::uint32_t key,
                                           std::uint16_t tag, Instant now);
    [[nodiscard]] Result<void> request_rollover(std::string_view zone, std::uint32_t key,
                                                rollover::RolloverRequest r, Instant now);
    [[nodiscard]] Result<void> set_going_insecure(std::string_view zone, Instant now);
    [[nodiscard]] Result<void> record_submission(std::string_view zone, Instant at,
                                                 std::string_view registrar,
                                                 std::string_view ds_set, std::string_view result);

    // Every row of the zone, or those from `since` on (history.cc); the keys removed since.
    [[nodiscard]] Result<std::vector<AuditEntry>> audit(std::string_view zone);
    [[nodiscard]] Result<std::vector<AuditEntry>> audit(std::string_view zone, Instant since);
    [[nodiscard]] Result<std::vector<RemovedKey>> removed_keys(std::string_view zone,
                                                               Instant since);

  private:
    struct Impl;
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace zw::store
