#pragma once
// The rollover engine: a pure function from (policy, persisted key states, live
// observations, now) to a Decision — the next states, the actions app/ must execute, what
// each key waits on, and when to call again. No clock, socket, file or database here.
//
// What the zone publishes (its DNSKEY RRset, who signs what, its CDS) is no action: it is
// the `published` flags of the next states, which app/ turns into a signed zone on every
// pass (published_keys in key_state.h), so a lost publication heals by itself.
//
// Gates, asked in order for every record of every key (BIND keymgr's order, plus the
// live check): policy (the rollover method), DNSSEC safety (safety.h), observation (the
// live checks confirmed every server), time (TTL + propagation delay since confirmation).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/duration.h"
#include "rollover/key_state.h"
#include "rollover/policy.h"

namespace zw::rollover {

// ---- observations (from the live checks of app/) ----

enum class Expect { present, absent };
// Only `confirmed` moves a record: a server that did not answer or answered otherwise
// never counts as a pass (docs/live-checks.md, "Check semantics").
enum class Verdict { confirmed, refuted, unreachable };

struct Observation {
    std::uint32_t key = 0;
    Record record = Record::dnskey;
    Expect expect = Expect::present;
    Instant at{};  // when the check finished (every server answered)
    Verdict verdict = Verdict::refuted;
    std::optional<Seconds> ttl;  // TTL served, for DS: the parent's TTLds
    std::string detail;          // per-server summary for status
};

// ---- actions (for the executor in app/) ----
// What the next states cannot say by themselves: material to make or delete, a request to
// the registrar, a live check. SubmitDsSet carries the whole desired set, so executing it
// twice is harmless.

struct GenerateKey {
    KeyRef key;  // tag empty: the executor generates material and records the tag
    std::optional<std::uint32_t> predecessor;
};
struct SubmitDsSet {
    std::vector<KeyRef> keys;  // the complete DS set wanted at the parent
};
struct Probe {
    KeyRef key;
    Record record = Record::dnskey;
    Expect expect = Expect::present;  // DS: at every parent server; others: every child server
};
struct PurgeKey {
    KeyRef key;  // every record hidden: delete the key material
};
using Action = std::variant<GenerateKey, SubmitDsSet, Probe, PurgeKey>;

[[nodiscard]] std::string describe(const Action& a);

// ---- the decision ----

enum class Gate { policy, safety, observation, time };
[[nodiscard]] std::string_view name(Gate g);

struct Wait {
    std::uint32_t key = 0;
    std::optional<Record> record;  // empty: the key as a whole (e.g. its next rollover)
    Gate gate = Gate::policy;
    Instant since{};
    std::optional<Instant> until;  // known only for the time gate
    std::string why;
    std::vector<RecordRef> on = {};  // policy and safety gates: the records whose move lifts it
};

// A zone that cannot move again without an outside change: some record waits on a policy
// or safety gate, and no record waits on time or on a live check, so no later pass decides
// anything else. It means a bug or an impossible policy; the waits say why.
struct Stuck {
    // The waits that hold each other up, in order, each on the record of the next one;
    // the last waits on the first when `cycle`, else on a record that stays where it is.
    std::vector<Wait> waits;
    bool cycle = false;
};

// Why a record moved: we decided to publish/withdraw it (the view changes at once), a
// live check confirmed the servers follow, or its TTL wait ran out.
enum class Cause { decided, confirmed, waited };
[[nodiscard]] std::string_view name(Cause c);

struct Transition {
    std::uint32_t key = 0;
    Record record = Record::dnskey;
    RecordState from = RecordState::hidden;  // view state before (decided, waited) or state
    RecordState to = RecordState::hidden;    // view state after / confirmed state
    Cause cause = Cause::decided;
    Instant at{};
};

struct Decision {
    ZoneState next;
    std::vector<Action> actions;
    std::vector<Wait> waiting_on;
    std::vector<Transition> transitions;
    std::optional<Instant> wake_at;        // call again then (or when an observation arrives)
    std::optional<Seconds> measured_dreg;  // a DS submission was confirmed this pass
    std::optional<Stuck> stuck;
};

// Only for the property tests: prove that they can fail.
struct TestHooks {
    bool skip_ds_removal_wait = false;  // ignore TTLds + DprpP before a DS counts hidden
    // A record caught half-way by a change of its key's goal turns back at once (rumoured
    // -> unretentive, unretentive -> rumoured) instead of finishing its move first: the
    // deadlock of a KSK rollover asked for while the zone is being secured.
    bool turn_back_midway = false;
};

[[nodiscard]] Decision advance(const Policy& policy, const ZoneState& state,
                               std::span<const Observation> observations, Instant now,
                               const TestHooks& hooks = {});

// The waits in which nothing can move any more (stuck.cc), if that is where they are.
[[nodiscard]] std::optional<Stuck> find_stuck(std::span<const Wait> waits);

// The rollover planner (planner.cc): creates first keys, successors when a lifetime runs
// out or an operator asks, and replacements when the policy's algorithm or roles change.
void plan(const Policy& policy, ZoneState& zone, Instant now, Decision& out);

}  // namespace zw::rollover
