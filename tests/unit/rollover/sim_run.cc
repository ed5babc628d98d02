#include "sim_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "rollover/timeline.h"
#include "sim_zone.h"

namespace zw::rollover::sim {

std::string_view name(Kind k) {
    switch (k) {
        case Kind::first_signing:
            return "first-signing";
        case Kind::zsk_pre_publication:
            return "zsk-pre-publication";
        case Kind::zsk_double_signature:
            return "zsk-double-signature";
        case Kind::ksk_double_ksk:
            return "ksk-double-ksk";
        case Kind::ksk_double_ds:
            return "ksk-double-ds";
        case Kind::ksk_double_rrset:
            return "ksk-double-rrset";
        case Kind::csk:
            return "csk";
        case Kind::algorithm:
            return "algorithm";
        case Kind::going_insecure:
            return "going-insecure";
        case Kind::emergency:
            return "emergency";
        case Kind::lifetimes:
            return "lifetimes";
        case Kind::emergency_mid_rollover:
            return "emergency-mid-rollover";
    }
    return "?";
}

namespace {

struct Runner {
    Kind kind;
    std::uint64_t seed;
    std::mt19937_64 rng;
    SimZone sim;
    std::vector<std::uint32_t> must_go;  // keys the rollover must retire

    Runner(Kind k, std::uint64_t s, const TestHooks& hooks)
        : kind(k), seed(s), rng(s * 1000003 + static_cast<std::uint64_t>(k)), sim(hooks) {}

    Seconds pick(std::int64_t lo, std::int64_t hi) { return sim::pick(rng, lo, hi); }

    void setup() {
        sim.randomize(rng);
        Policy& policy = sim.policy;
        switch (kind) {
            case Kind::zsk_pre_publication:
                policy.zsk_method = ZskMethod::pre_publication;
                break;
            case Kind::zsk_double_signature:
                policy.zsk_method = ZskMethod::double_signature;
                break;
            case Kind::ksk_double_ksk:
                policy.ksk_method = KskMethod::double_ksk;
                break;
            case Kind::ksk_double_ds:
                policy.ksk_method = KskMethod::double_ds;
                break;
            case Kind::ksk_double_rrset:
                policy.ksk_method = KskMethod::double_rrset;
                break;
            case Kind::csk:
                policy.roles = Roles::csk;
                break;
            case Kind::algorithm:
                policy.algorithm = 8;
                break;
            case Kind::first_signing:
            case Kind::going_insecure:
            case Kind::emergency:
            case Kind::emergency_mid_rollover:
                break;
            case Kind::lifetimes: {
                // Just above the lead time, so rollovers of both roles follow each other
                // closely and overlap.
                Timeline tl{policy, Seconds{600}, policy.parent.ds_ttl};
                policy.zsk_lifetime = tl.successor_lead(Role::zsk) + pick(1, 2000);
                policy.ksk_lifetime = tl.successor_lead(Role::ksk) + pick(1, 2000);
                break;
            }
        }
        sim.start(rng());
    }

    void trigger(Instant t) {
        ZoneState& zone = sim.zone;
        auto request = [&](Role role, RolloverRequest r) {
            for (auto& k : zone.keys)
                if (k.key.role == role) {
                    k.request = r;
                    must_go.push_back(k.key.id);
                }
        };
        sim.engine_log.emplace_back(t, fmt::format("operator: start {}", name(kind)));
        switch (kind) {
            case Kind::first_signing:
                break;
            case Kind::zsk_pre_publication:
            case Kind::zsk_double_signature:
                request(Role::zsk, RolloverRequest::scheduled);
                break;
            case Kind::ksk_double_ksk:
            case Kind::ksk_double_ds:
            case Kind::ksk_double_rrset:
                request(Role::ksk, RolloverRequest::scheduled);
                break;
            case Kind::csk:
                request(Role::csk, RolloverRequest::scheduled);
                break;
            case Kind::algorithm:
                for (const auto& k : zone.keys) must_go.push_back(k.key.id);
                sim.policy.algorithm = 13;
                break;
            case Kind::going_insecure:
                for (const auto& k : zone.keys) must_go.push_back(k.key.id);
                zone.going_insecure = true;
                break;
            case Kind::emergency:
                request(Role::ksk, RolloverRequest::emergency);
                request(Role::zsk, RolloverRequest::emergency);
                break;
            case Kind::lifetimes:
                break;
            case Kind::emergency_mid_rollover:
                request(Role::ksk, RolloverRequest::scheduled);
                request(Role::zsk, RolloverRequest::scheduled);
                break;
        }
    }

    // The successors, somewhere in their introduction, are compromised.
    void compromise_successors(Instant t) {
        for (Role role : {Role::ksk, Role::zsk}) {
            KeyState* newest = nullptr;
            for (auto& k : sim.zone.keys)
                if (k.key.role == role && k.goal == Goal::omnipresent) newest = &k;
            if (newest) {
                newest->request = RolloverRequest::emergency;
                must_go.push_back(newest->key.id);
            }
        }
        sim.engine_log.emplace_back(t, "operator: emergency on the successors");
    }

    bool finished() const {
        const ZoneState& zone = sim.zone;
        for (auto id : must_go)
            if (std::ranges::any_of(zone.keys, [&](const KeyState& k) { return k.key.id == id; }))
                return false;
        if (kind == Kind::going_insecure) return zone.keys.empty();
        // Two scheduled successors of each role beyond the first KSK and ZSK.
        if (kind == Kind::lifetimes) return zone.next_key_id > 7;
        return settled(zone);
    }

    RunResult go() {
        setup();
        const Instant start{Seconds{1'900'000'000}};
        const Instant limit = start + Seconds{400'000};
        Instant t = start;
        bool triggered = kind == Kind::first_signing || kind == Kind::lifetimes;
        std::optional<Instant> trigger_at;
        std::optional<Instant> finished_at;
        std::optional<Instant> second_at;
        bool second_done = false;
        for (;;) {
            if (!triggered && trigger_at && t >= *trigger_at) {
                trigger(t);
                triggered = true;
            }
            if (kind == Kind::emergency_mid_rollover && triggered && !second_at)
                second_at = t + pick(0, 600);
            if (second_at && !second_done && t >= *second_at) {
                compromise_successors(t);
                second_done = true;
            }
            if (!finished_at) sim.pass(t);
            if (!triggered && !trigger_at && settled(sim.zone)) trigger_at = t + pick(0, 100);
            if (!finished_at && triggered && finished() &&
                (kind != Kind::emergency_mid_rollover || second_done))
                finished_at = t;

            std::optional<Instant> next = sim.next_wake(t);
            if (trigger_at && !triggered && (!next || *trigger_at < *next)) next = trigger_at;
            if (second_at && !second_done && (!next || *second_at < *next)) next = second_at;
            if (!next || *next <= t) next = t + Seconds{1};
            if (finished_at) {
                // Keep checking until every cached copy made before the end has expired.
                const Policy& p = sim.policy;
                next = *finished_at + p.max_zone_ttl + p.dnskey_ttl + *p.parent.ds_ttl + Seconds{1};
            }
            if (auto bad = sim.world->check_range(t, *next)) {
                RunResult r;
                r.safe = false;
                r.report = fmt::format(
                    "seed {} kind {}: at t+{}s a resolver cache fails to validate:\n  {}\n{}\n"
                    "timeline (engine and world):\n{}",
                    seed, name(kind), (bad->first - start).count(), bad->second, sim.setup_text(),
                    sim.timeline(start, bad->first));
                return r;
            }
            if (finished_at) return RunResult{};
            if (*next > limit) {
                RunResult r;
                r.completed = false;
                r.report = fmt::format(
                    "seed {} kind {}: not finished after {}s; waiting on:\n{}"
                    "timeline:\n{}",
                    seed, name(kind), (limit - start).count(), sim.waits_text(),
                    sim.timeline(start, t));
                return r;
            }
            t = *next;
        }
    }
};

}  // namespace

RunResult run(Kind kind, std::uint64_t seed, const TestHooks& hooks) {
    Runner r{kind, seed, hooks};
    return r.go();
}

}  // namespace zw::rollover::sim
