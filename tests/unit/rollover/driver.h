#pragma once
// A perfect world for exact-time tests: the executor generates keys at once and every
// probe is confirmed the instant it is asked (unless `world` says otherwise). Time jumps
// from one wake_at to the next, like app/'s daemon loop with a fake clock.

#include <algorithm>
#include <functional>
#include <optional>
#include <stdexcept>
#include <vector>

#include "base/clock.h"
#include "rollover/engine.h"

namespace zw::rollover::testing {

struct Driver {
    Policy policy;
    ZoneState zone;
    FakeClock clock{Instant{Seconds{1'800'000'000}}};
    std::vector<Observation> observations;
    std::vector<Transition> log;
    std::vector<Action> actions;
    Decision last;
    // Whether a probe is confirmed; default: always, instantly.
    std::function<bool(const Probe&, Instant)> world = [](const Probe&, Instant) { return true; };
    std::optional<Seconds> ds_ttl_served;
    Seconds probe_interval{60};  // how often app/ re-runs checks that are still pending
    TestHooks hooks;

    Instant now() const { return clock.now(); }

    // One scheduled pass, repeated at the same instant until nothing more moves.
    void pass() {
        for (int i = 0; i < 100; ++i) {
            last = advance(policy, zone, observations, now(), hooks);
            zone = last.next;
            log.insert(log.end(), last.transitions.begin(), last.transitions.end());
            bool acted = false;
            for (const auto& a : last.actions) {
                actions.push_back(a);
                if (auto* g = std::get_if<GenerateKey>(&a)) {
                    for (auto& k : zone.keys)
                        if (k.key.id == g->key.id && !k.key.tag) {
                            k.key.tag = static_cast<std::uint16_t>(40000 + k.key.id);
                            acted = true;
                        }
                } else if (auto* p = std::get_if<Probe>(&a)) {
                    bool ok = world(*p, now());
                    if (already_observed(*p)) continue;
                    observations.push_back(
                        Observation{p->key.id, p->record, p->expect, now(),
                                    ok ? Verdict::confirmed : Verdict::refuted,
                                    p->record == Record::ds ? ds_ttl_served : std::nullopt,
                                    ok ? "all servers agree" : "ns2: not served"});
                    acted = acted || ok;
                }
            }
            if (last.transitions.empty() && !acted) return;
        }
        throw std::runtime_error("engine did not settle");
    }

    bool already_observed(const Probe& p) const {
        for (const auto& o : observations)
            if (o.key == p.key.id && o.record == p.record && o.expect == p.expect && o.at == now())
                return true;
        return false;
    }

    // Run passes from wake to wake until `end` (inclusive).
    void run_until(Instant end) {
        for (;;) {
            pass();
            std::optional<Instant> next = last.wake_at;
            bool probing = std::ranges::any_of(
                last.actions, [](const Action& a) { return std::holds_alternative<Probe>(a); });
            if (probing && (!next || now() + probe_interval < *next)) next = now() + probe_interval;
            if (!next || *next > end) break;
            clock.set(std::max(*next, now()));
        }
        if (now() < end) {
            clock.set(end);
            pass();
        }
    }
    void run_for(Seconds d) { run_until(now() + d); }

    // When a record of a key first reached `to` (publication decisions or confirmed/timed
    // moves, as asked).
    std::optional<Instant> when(std::uint32_t key, Record r, RecordState to,
                                bool publication = false) const {
        for (const auto& t : log)
            if (t.key == key && t.record == r && t.to == to &&
                (t.cause == Cause::decided) == publication)
                return t.at;
        return std::nullopt;
    }
    const KeyState* key(std::uint32_t id) const {
        for (const auto& k : zone.keys)
            if (k.key.id == id) return &k;
        return nullptr;
    }
    std::optional<std::uint32_t> first_key(Role role) const {
        for (const auto& k : zone.keys)
            if (k.key.role == role) return k.key.id;
        return std::nullopt;
    }
    bool purged(std::uint32_t id) const {
        for (const auto& a : actions)
            if (auto* p = std::get_if<PurgeKey>(&a); p && p->key.id == id) return true;
        return false;
    }
};

}  // namespace zw::rollover::testing
