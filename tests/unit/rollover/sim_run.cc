#include "sim_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "rollover/timeline.h"
#include "sim_world.h"

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

Ids ids_of(const std::vector<KeyRef>& keys) {
    Ids out;
    for (const auto& k : keys) out.push_back(k.id);
    std::ranges::sort(out);
    return out;
}

// Every key wanted is everywhere, nothing is leaving, nothing awaits a check.
bool settled(const ZoneState& z) {
    for (const auto& k : z.keys) {
        if (k.goal != Goal::omnipresent || !k.key.tag) return false;
        for (Record r : all_records) {
            if (!applies(k.key.role, r)) continue;
            if (k.at(r).state != RecordState::omnipresent || !k.at(r).published) return false;
        }
    }
    return !z.keys.empty();
}

struct Runner {
    Kind kind;
    std::uint64_t seed;
    const TestHooks& hooks;
    std::mt19937_64 rng;
    Policy policy;
    WorldParams wp;
    std::optional<World> world;
    ZoneState zone;
    std::vector<Observation> observations;
    std::vector<std::pair<Instant, std::string>> engine_log;
    std::vector<std::uint32_t> must_go;  // keys the rollover must retire
    Decision last;

    Seconds pick(std::int64_t lo, std::int64_t hi) {
        return Seconds{std::uniform_int_distribution<std::int64_t>(lo, hi)(rng)};
    }

    void setup() {
        // The engine's DprpC/DprpP are drawn independently of the world's real delays:
        // safety must come from confirmations, not from a well-guessed delay.
        policy.dnskey_ttl = pick(10, 120);
        policy.max_zone_ttl = pick(10, 300);
        policy.propagation_delay = pick(0, 30);
        policy.parent.propagation_delay = pick(0, 60);
        policy.parent.ds_ttl = pick(10, 300);
        policy.publish_safety = pick(0, 10);
        policy.retire_safety = pick(0, 10);
        policy.sign_delay = Seconds{0};
        policy.ksk_lifetime = policy.zsk_lifetime = policy.csk_lifetime = Seconds{365 * 86400};
        std::uniform_int_distribution<int> coin(0, 2);
        policy.ksk_method = static_cast<KskMethod>(coin(rng));
        policy.zsk_method = static_cast<ZskMethod>(coin(rng) % 2);
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
        wp.child_servers = static_cast<std::size_t>(pick(1, 4).count());
        wp.parent_servers = static_cast<std::size_t>(pick(1, 3).count());
        wp.max_dprp_child = pick(0, 40);
        wp.max_dprp_parent = pick(0, 90);
        wp.max_dreg = pick(0, 600);
        wp.data_ttl = policy.max_zone_ttl;
        world.emplace(wp, policy.dnskey_ttl, *policy.parent.ds_ttl, rng());
    }

    // One pass of app/: advance, execute, repeat at the same instant until quiet.
    void pass(Instant t) {
        for (int i = 0; i < 100; ++i) {
            last = advance(policy, zone, observations, t, hooks);
            zone = last.next;
            for (const auto& tr : last.transitions)
                engine_log.emplace_back(
                    tr.at, fmt::format("engine: key {} {} {} -> {} ({})", tr.key, name(tr.record),
                                       name(tr.from), name(tr.to), name(tr.cause)));
            bool acted = false;
            std::optional<ChildVersion> child;
            std::optional<ParentVersion> parent;
            for (const auto& a : last.actions) {
                if (auto* g = std::get_if<GenerateKey>(&a)) {
                    for (auto& k : zone.keys)
                        if (k.key.id == g->key.id && !k.key.tag) {
                            k.key.tag = static_cast<std::uint16_t>(k.key.id);
                            acted = true;
                        }
                } else if (auto* p = std::get_if<PublishDnskeySet>(&a)) {
                    if (!child) child.emplace();
                    child->dnskeys = ids_of(p->keys);
                } else if (auto* s = std::get_if<SignWith>(&a)) {
                    if (!child) child.emplace();
                    child->krrsig = ids_of(s->dnskey_signers);
                    child->zrrsig = ids_of(s->zone_signers);
                } else if (auto* d = std::get_if<SubmitDsSet>(&a)) {
                    parent = ParentVersion{ids_of(d->keys)};
                }
            }
            if (child) world->publish(t, *child);
            if (parent) world->submit(t, *parent);
            for (const auto& a : last.actions) {
                auto* p = std::get_if<Probe>(&a);
                if (!p) continue;
                bool done = std::ranges::any_of(observations, [&](const Observation& o) {
                    return o.key == p->key.id && o.record == p->record && o.expect == p->expect &&
                           o.at == t;
                });
                if (done) continue;
                observations.push_back(world->probe(*p, t));
                acted = acted || observations.back().verdict == Verdict::confirmed;
            }
            if (last.transitions.empty() && !acted) break;
        }
        std::erase_if(observations,
                      [&](const Observation& o) { return o.at + Seconds{86400} < t; });
    }

    void trigger(Instant t) {
        auto request = [&](Role role, RolloverRequest r) {
            for (auto& k : zone.keys)
                if (k.key.role == role) {
                    k.request = r;
                    must_go.push_back(k.key.id);
                }
        };
        engine_log.emplace_back(t, fmt::format("operator: start {}", name(kind)));
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
                policy.algorithm = 13;
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

    bool finished() const {
        for (auto id : must_go)
            if (std::ranges::any_of(zone.keys, [&](const KeyState& k) { return k.key.id == id; }))
                return false;
        if (kind == Kind::going_insecure) return zone.keys.empty();
        // Two scheduled successors of each role beyond the first KSK and ZSK.
        if (kind == Kind::lifetimes) return zone.next_key_id > 7;
        return settled(zone);
    }

    std::string timeline(Instant start, Instant upto) const {
        std::vector<std::pair<Instant, std::string>> all = engine_log;
        all.insert(all.end(), world->events.begin(), world->events.end());
        std::ranges::stable_sort(all, {}, &std::pair<Instant, std::string>::first);
        std::vector<std::string> lines;
        for (const auto& [t, what] : all)
            if (t <= upto) lines.push_back(fmt::format("  t+{:>6}s {}", (t - start).count(), what));
        std::size_t from = lines.size() > 80 ? lines.size() - 80 : 0;
        std::string out;
        for (std::size_t i = from; i < lines.size(); ++i) out += lines[i] + "\n";
        return out;
    }

    RunResult go() {
        setup();
        const Instant start{Seconds{1'900'000'000}};
        const Instant limit = start + Seconds{400'000};
        std::uniform_int_distribution<std::int64_t> probe_every(5, 60);
        const Seconds probe_interval{probe_every(rng)};
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
                // The successors, somewhere in their introduction, are compromised.
                for (Role role : {Role::ksk, Role::zsk}) {
                    KeyState* newest = nullptr;
                    for (auto& k : zone.keys)
                        if (k.key.role == role && k.goal == Goal::omnipresent) newest = &k;
                    if (newest) {
                        newest->request = RolloverRequest::emergency;
                        must_go.push_back(newest->key.id);
                    }
                }
                engine_log.emplace_back(t, "operator: emergency on the successors");
                second_done = true;
            }
            if (!finished_at) pass(t);
            if (!triggered && !trigger_at && settled(zone)) trigger_at = t + pick(0, 100);
            if (!finished_at && triggered && finished() &&
                (kind != Kind::emergency_mid_rollover || second_done))
                finished_at = t;

            std::optional<Instant> next = last.wake_at;
            bool probing = std::ranges::any_of(
                last.actions, [](const Action& a) { return std::holds_alternative<Probe>(a); });
            if (probing && (!next || t + probe_interval < *next)) next = t + probe_interval;
            if (trigger_at && !triggered && (!next || *trigger_at < *next)) next = trigger_at;
            if (second_at && !second_done && (!next || *second_at < *next)) next = second_at;
            if (!next || *next <= t) next = t + Seconds{1};
            if (finished_at) {
                // Keep checking until every cached copy made before the end has expired.
                next = *finished_at + policy.max_zone_ttl + policy.dnskey_ttl +
                       *policy.parent.ds_ttl + Seconds{1};
            }
            if (auto bad = world->check_range(t, *next)) {
                RunResult r;
                r.safe = false;
                r.report = fmt::format(
                    "seed {} kind {}: at t+{}s a resolver cache fails to validate:\n  {}\n"
                    "policy: TTLkey={} TTLsig={} TTLds={} Dprp={} DprpP={} safety={}/{} "
                    "ksk-method={} zsk-method={}\nworld: {} child, {} parent servers, "
                    "max delay child {} parent {}, max Dreg {}\ntimeline (engine and world):\n{}",
                    seed, name(kind), (bad->first - start).count(), bad->second,
                    format_duration(policy.dnskey_ttl), format_duration(policy.max_zone_ttl),
                    format_duration(*policy.parent.ds_ttl),
                    format_duration(policy.propagation_delay),
                    format_duration(policy.parent.propagation_delay),
                    format_duration(policy.publish_safety), format_duration(policy.retire_safety),
                    zw::rollover::name(policy.ksk_method), zw::rollover::name(policy.zsk_method),
                    wp.child_servers, wp.parent_servers, format_duration(wp.max_dprp_child),
                    format_duration(wp.max_dprp_parent), format_duration(wp.max_dreg),
                    timeline(start, bad->first));
                return r;
            }
            if (finished_at) return RunResult{};
            if (*next > limit) {
                RunResult r;
                r.completed = false;
                std::string waits;
                for (const auto& w : last.waiting_on)
                    waits +=
                        fmt::format("  key {} {}: {} gate: {}\n", w.key,
                                    w.record ? std::string(zw::rollover::name(*w.record)) : "-",
                                    zw::rollover::name(w.gate), w.why);
                r.report = fmt::format(
                    "seed {} kind {}: not finished after {}s; waiting on:\n{}"
                    "timeline:\n{}",
                    seed, name(kind), (limit - start).count(), waits, timeline(start, t));
                return r;
            }
            t = *next;
        }
    }
};

}  // namespace

RunResult run(Kind kind, std::uint64_t seed, const TestHooks& hooks) {
    Runner r{kind,         seed,
             hooks,        std::mt19937_64{seed * 1000003 + static_cast<std::uint64_t>(kind)},
             {},           {},
             std::nullopt, {},
             {},           {},
             {},           {}};
    return r.go();
}

}  // namespace zw::rollover::sim
