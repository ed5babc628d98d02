#include "sim_zone.h"

#include <fmt/format.h>

#include <algorithm>

namespace zw::rollover::sim {

namespace {

Ids ids_of(const std::vector<KeyRef>& keys) {
    Ids out;
    for (const auto& k : keys) out.push_back(k.id);
    std::ranges::sort(out);
    return out;
}

}  // namespace

Seconds pick(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
    return Seconds{std::uniform_int_distribution<std::int64_t>(lo, hi)(rng)};
}

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

void SimZone::randomize(std::mt19937_64& rng) {
    policy.dnskey_ttl = pick(rng, 10, 120);
    policy.max_zone_ttl = pick(rng, 10, 300);
    policy.propagation_delay = pick(rng, 0, 30);
    policy.parent.propagation_delay = pick(rng, 0, 60);
    policy.parent.ds_ttl = pick(rng, 10, 300);
    policy.publish_safety = pick(rng, 0, 10);
    policy.retire_safety = pick(rng, 0, 10);
    policy.sign_delay = Seconds{0};
    policy.ksk_lifetime = policy.zsk_lifetime = policy.csk_lifetime = Seconds{365 * 86400};
    std::uniform_int_distribution<int> coin(0, 2);
    policy.ksk_method = static_cast<KskMethod>(coin(rng));
    policy.zsk_method = static_cast<ZskMethod>(coin(rng) % 2);
    wp.child_servers = static_cast<std::size_t>(pick(rng, 1, 4).count());
    wp.parent_servers = static_cast<std::size_t>(pick(rng, 1, 3).count());
    wp.max_dprp_child = pick(rng, 0, 40);
    wp.max_dprp_parent = pick(rng, 0, 90);
    wp.max_dreg = pick(rng, 0, 600);
    probe_interval = pick(rng, 5, 60);
}

void SimZone::start(std::uint64_t world_seed) {
    wp.data_ttl = policy.max_zone_ttl;
    world.emplace(wp, policy.dnskey_ttl, *policy.parent.ds_ttl, world_seed);
}

void SimZone::pass(Instant t) {
    for (int i = 0; i < 100; ++i) {
        last = advance(policy, zone, observations, t, hooks);
        zone = last.next;
        moves += last.transitions.size();
        for (const auto& tr : last.transitions)
            engine_log.emplace_back(
                tr.at, fmt::format("engine: key {} {} {} -> {} ({})", tr.key, name(tr.record),
                                   name(tr.from), name(tr.to), name(tr.cause)));
        bool acted = false;
        std::optional<ParentVersion> parent;
        for (const auto& a : last.actions) {
            if (auto* g = std::get_if<GenerateKey>(&a)) {
                for (auto& k : zone.keys)
                    if (k.key.id == g->key.id && !k.key.tag) {
                        k.key.tag = static_cast<std::uint16_t>(k.key.id);
                        acted = true;
                    }
            } else if (auto* d = std::get_if<SubmitDsSet>(&a)) {
                parent = ParentVersion{ids_of(d->keys)};
            }
        }
        // Like app/, the signer publishes what the key states say on every pass; the
        // world takes an unchanged version as no news.
        world->publish(t, ChildVersion{ids_of(published_keys(zone, Record::dnskey)),
                                       ids_of(published_keys(zone, Record::krrsig)),
                                       ids_of(published_keys(zone, Record::zrrsig))});
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
    std::erase_if(observations, [&](const Observation& o) { return o.at + Seconds{86400} < t; });
}

std::optional<Instant> SimZone::next_wake(Instant t) const {
    std::optional<Instant> next = last.wake_at;
    bool probing = std::ranges::any_of(
        last.actions, [](const Action& a) { return std::holds_alternative<Probe>(a); });
    if (probing && (!next || t + probe_interval < *next)) next = t + probe_interval;
    return next;
}

std::string SimZone::timeline(Instant start, Instant upto) const {
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

std::string SimZone::setup_text() const {
    return fmt::format(
        "policy: {} alg {} TTLkey={} TTLsig={} TTLds={} Dprp={} DprpP={} safety={}/{} "
        "ksk-method={} zsk-method={}\nworld: {} child, {} parent servers, max delay child {} "
        "parent {}, max Dreg {}, probe every {}",
        name(policy.roles), policy.algorithm, format_duration(policy.dnskey_ttl),
        format_duration(policy.max_zone_ttl), format_duration(*policy.parent.ds_ttl),
        format_duration(policy.propagation_delay), format_duration(policy.parent.propagation_delay),
        format_duration(policy.publish_safety), format_duration(policy.retire_safety),
        name(policy.ksk_method), name(policy.zsk_method), wp.child_servers, wp.parent_servers,
        format_duration(wp.max_dprp_child), format_duration(wp.max_dprp_parent),
        format_duration(wp.max_dreg), format_duration(probe_interval));
}

std::string SimZone::waits_text() const {
    std::string out;
    for (const auto& k : zone.keys) {
        out += fmt::format("  key {} {} alg {} goal {}:", k.key.id, name(k.key.role),
                           k.key.algorithm, name(k.goal));
        for (Record r : all_records)
            if (applies(k.key.role, r))
                out += fmt::format(" {} {}{}", name(r), name(k.at(r).state),
                                   pending(k.at(r)) ? (k.at(r).published ? "(+)" : "(-)") : "");
        out += "\n";
    }
    for (const auto& w : last.waiting_on)
        out += fmt::format("  waits: key {} {}: {}: {}\n", w.key,
                           w.record ? std::string(name(*w.record)) : "-", name(w.gate), w.why);
    if (last.stuck) {
        out += fmt::format("  the engine says stuck ({}):",
                           last.stuck->cycle ? "a cycle" : "a dead end");
        for (const auto& w : last.stuck->waits)
            out += fmt::format(" key {} {} ->", w.key, w.record ? name(*w.record) : "-");
        out += last.stuck->cycle ? " back to the first\n" : " a record that stays\n";
    }
    return out;
}

}  // namespace zw::rollover::sim
