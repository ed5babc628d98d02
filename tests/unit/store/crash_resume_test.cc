// A decision is committed with its actions before any is executed; a crash right after
// the commit, or after executing but before marking an action done, must resume to the
// same end state as a run that never crashed.
#include <algorithm>
#include <optional>

#include "rollover/engine.h"
#include "store_fixture.h"

namespace zw::store::testing {
namespace {

using namespace zw::rollover;
using namespace std::chrono_literals;

enum class Crash { never, after_commit, after_execute };

Policy policy() {
    Policy p;
    p.dnskey_ttl = 600s;
    p.max_zone_ttl = 1200s;
    p.propagation_delay = 60s;
    p.parent.ds_ttl = 1800s;
    p.parent.propagation_delay = 120s;
    p.publish_safety = p.retire_safety = 30s;
    p.zsk_lifetime = Seconds{2 * 86400};
    p.ksk_lifetime = Seconds{4 * 86400};
    return p;
}

struct Executor {
    Executor(std::string p, Crash c) : path(std::move(p)), crash(c) {}
    std::string path;
    Crash crash;
    std::optional<Store> store;
    int crashes = 0;
    int pending_at_crash = 0;
    int executions = 0;
    std::vector<std::uint32_t> purged;  // key material deleted, in order

    void open() { store.emplace(must(Store::open(path, Store::Mode::create))); }
    // The process dies: the Store (and its lock) goes away; a new process starts.
    void restart() {
        store.reset();
        open();
        ++crashes;
    }

    // A perfect executor: keys are generated at once, every probe is confirmed. Each
    // action is idempotent, so running one twice changes nothing.
    bool execute(const PendingAction& pa, Instant now, bool mark) {
        ++executions;
        bool progress = false;
        EXPECT_TRUE(pa.action) << "this store has no rows of retired kinds";
        if (!pa.action) return false;
        if (auto* g = std::get_if<GenerateKey>(&*pa.action)) {
            must(store->set_key_tag("example.org", g->key.id,
                                    static_cast<std::uint16_t>(50000 + g->key.id), now));
            progress = true;
        } else if (auto* k = std::get_if<PurgeKey>(&*pa.action)) {
            // Deleting a file that is already gone is fine: record each key once.
            if (std::ranges::find(purged, k->key.id) == purged.end()) purged.push_back(k->key.id);
        } else if (auto* p = std::get_if<Probe>(&*pa.action)) {
            must(store->record_observation(
                "example.org", Observation{p->key.id, p->record, p->expect, now, Verdict::confirmed,
                                           1800s, "all servers"}));
            progress = true;
        }
        if (mark) must(store->mark_done(pa.id, now, "ok"));
        return progress;
    }

    ZoneState go(Instant end) {
        open();
        must(store->add_zone("example.org", "assoc", "default", t0));
        Instant now = t0;
        int decisions = 0;
        while (now <= end) {
            bool progress = false;
            // A restarted process first finishes what was decided before the crash.
            for (const auto& pa : must(store->pending_actions("example.org")))
                progress = execute(pa, now, true) || progress;
            ZoneState z = must(store->load_zone("example.org"));
            auto obs = must(store->observations("example.org", now - Seconds{86400}));
            Decision d = advance(policy(), z, obs, now);
            must(store->commit_decision("example.org", now, d));
            ++decisions;
            // PurgeKey is decided once (the key leaves the state): only the stored pending
            // action makes sure a crash right after that decision still deletes the key.
            bool purges = std::ranges::any_of(
                d.actions, [](const Action& a) { return std::holds_alternative<PurgeKey>(a); });
            if (crash == Crash::after_commit &&
                (purges || (decisions % 2 == 0 && !d.actions.empty()))) {
                pending_at_crash +=
                    static_cast<int>(must(store->pending_actions("example.org")).size());
                restart();
                continue;  // same instant: the new process resumes at once
            }
            auto pending = must(store->pending_actions("example.org"));
            bool die = crash == Crash::after_execute && decisions % 4 == 0 && !pending.empty();
            for (const auto& pa : pending) progress = execute(pa, now, !die) || progress;
            if (die) {
                pending_at_crash += static_cast<int>(pending.size());
                restart();
                continue;
            }
            if (progress || !d.transitions.empty()) continue;
            if (!d.wake_at || *d.wake_at > end) break;
            now = *d.wake_at;
        }
        return must(store->load_zone("example.org"));
    }
};

// First signing, then a ZSK and a KSK rollover on schedule.
std::unique_ptr<Executor> run(const TempDir& dir, const std::string& name, Crash crash,
                              ZoneState& end) {
    auto e = std::make_unique<Executor>(dir.file(name), crash);
    end = e->go(t0 + Seconds{6 * 86400});
    return e;
}

TEST(CrashResume, CrashAfterCommitBeforeExecutionResumesToTheSameEndState) {
    TempDir dir;
    ZoneState clean, crashed;
    auto c = run(dir, "clean.db", Crash::never, clean);
    auto r = run(dir, "crash.db", Crash::after_commit, crashed);
    EXPECT_GT(r->crashes, 3);
    EXPECT_FALSE(c->purged.empty());
    EXPECT_EQ(r->purged, c->purged);
    EXPECT_GT(r->pending_at_crash, 3);  // the crashes really left work undone
    EXPECT_EQ(crashed, clean);
    // The scenario did roll keys: the first KSK (1) and ZSK (2) are gone.
    EXPECT_GT(clean.next_key_id, 4u);
    for (const auto& k : clean.keys) EXPECT_GT(k.key.id, 2u);
}

TEST(CrashResume, ActionsExecutedTwiceAreHarmless) {
    TempDir dir;
    ZoneState clean, crashed;
    auto c = run(dir, "clean.db", Crash::never, clean);
    auto r = run(dir, "crash.db", Crash::after_execute, crashed);
    EXPECT_GT(r->crashes, 3);
    EXPECT_EQ(r->purged, c->purged);
    EXPECT_EQ(crashed, clean);
}

TEST(CrashResume, EveryDecisionAndActionIsInTheAuditLog) {
    TempDir dir;
    ZoneState end;
    auto r = run(dir, "a.db", Crash::never, end);
    auto log = must(r->store->audit("example.org"));
    int actions = 0, transitions = 0, generated = 0;
    for (const auto& e : log) {
        actions += e.event == "action";
        transitions += e.event == "transition";
        generated += e.event == "key-generated";
    }
    EXPECT_EQ(generated, static_cast<int>(end.next_key_id) - 1);  // each key exactly once
    EXPECT_GT(actions, 10);
    EXPECT_GT(transitions, 20);
    EXPECT_TRUE(must(r->store->pending_actions("example.org")).empty());
}

}  // namespace
}  // namespace zw::store::testing
