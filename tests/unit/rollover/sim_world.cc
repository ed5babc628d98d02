#include "sim_world.h"

#include <fmt/format.h>

#include <algorithm>

namespace zw::rollover::sim {

namespace {
bool has(const Ids& v, std::uint32_t id) { return std::ranges::find(v, id) != v.end(); }
}  // namespace

std::string ids(const Ids& v) {
    std::string s;
    for (auto id : v) s += (s.empty() ? "" : ",") + fmt::format("{}", id);
    return "{" + s + "}";
}

World::World(WorldParams p, Seconds dnskey_ttl, Seconds ds_ttl, std::uint64_t seed)
    : p_(p), dnskey_ttl_(dnskey_ttl), ds_ttl_(ds_ttl), rng_(seed) {}

Seconds World::uniform(Seconds max) {
    std::uniform_int_distribution<std::int64_t> d(0, max.count());
    return Seconds{d(rng_)};
}

void World::publish(Instant t, const ChildVersion& v) {
    // The world starts unsigned: an unsigned first version is no news.
    if (child_.entries.empty() && v == ChildVersion{}) return;
    if (!child_.entries.empty() && child_.entries.back().v == v) return;
    History<ChildVersion>::Entry e{v, {}};
    for (std::size_t s = 0; s < p_.child_servers; ++s) {
        Instant a = t + uniform(p_.max_dprp_child);
        // A server takes up versions in order (zone transfers are serial-ordered).
        if (!child_.entries.empty()) a = std::max(a, child_.entries.back().adopt[s]);
        e.adopt.push_back(a);
    }
    events.emplace_back(t, fmt::format("signer publishes DNSKEY {} KRRSIG {} ZRRSIG {}",
                                       ids(v.dnskeys), ids(v.krrsig), ids(v.zrrsig)));
    for (std::size_t s = 0; s < e.adopt.size(); ++s)
        events.emplace_back(e.adopt[s], fmt::format("  child ns{} serves it", s + 1));
    child_.entries.push_back(std::move(e));
}

void World::submit(Instant t, const ParentVersion& v) {
    if (!parent_.entries.empty() && parent_.entries.back().v == v) return;
    Instant applied = t + uniform(p_.max_dreg);  // Dreg
    if (last_parent_apply_) applied = std::max(applied, *last_parent_apply_);
    last_parent_apply_ = applied;
    History<ParentVersion>::Entry e{v, {}};
    for (std::size_t s = 0; s < p_.parent_servers; ++s) {
        Instant a = applied + uniform(p_.max_dprp_parent);
        if (!parent_.entries.empty()) a = std::max(a, parent_.entries.back().adopt[s]);
        e.adopt.push_back(a);
    }
    events.emplace_back(t, fmt::format("registrar gets DS {}; parent applies it at +{}s", ids(v.ds),
                                       (applied - t).count()));
    for (std::size_t s = 0; s < e.adopt.size(); ++s)
        events.emplace_back(e.adopt[s],
                            fmt::format("  parent ns{} serves DS {}", s + 1, ids(v.ds)));
    parent_.entries.push_back(std::move(e));
}

Observation World::probe(const Probe& pr, Instant t) {
    Observation o{pr.key.id, pr.record, pr.expect, t, Verdict::refuted, std::nullopt, ""};
    std::bernoulli_distribution silent(p_.unreachable);
    if (silent(rng_)) {
        ++silent_probes;
        o.verdict = Verdict::unreachable;
        o.detail = "a server timed out";
        return o;
    }
    bool all = true, none = true;
    auto count = [&](bool present) {
        all = all && present;
        none = none && !present;
    };
    if (pr.record == Record::ds) {
        for (std::size_t s = 0; s < p_.parent_servers; ++s) {
            const ParentVersion* v = parent_.served(s, t);
            count(v && has(v->ds, pr.key.id));
        }
        o.ttl = ds_ttl_;
    } else {
        for (std::size_t s = 0; s < p_.child_servers; ++s) {
            const ChildVersion* v = child_.served(s, t);
            const Ids* set = nullptr;
            if (v) {
                switch (pr.record) {
                    case Record::dnskey:
                        set = &v->dnskeys;
                        break;
                    case Record::krrsig:
                        set = &v->krrsig;
                        break;
                    case Record::zrrsig:
                        set = &v->zrrsig;
                        break;
                    case Record::ds:
                        break;
                }
            }
            count(set && has(*set, pr.key.id));
        }
    }
    bool ok = pr.expect == Expect::present ? all : none;
    o.verdict = ok ? Verdict::confirmed : Verdict::refuted;
    o.detail = ok ? "every server agrees" : "some server disagrees";
    return o;
}

std::optional<std::string> World::check(Instant t) {
    parent_.cacheable(t, ds_ttl_, c_ds_);
    child_.cacheable(t, dnskey_ttl_, c_key_);
    child_.cacheable(t, p_.data_ttl, c_data_);
    // The verdict depends only on which versions are cacheable: reuse it while they stay.
    if (have_prev_ && c_ds_ == prev_ds_ && c_key_ == prev_key_ && c_data_ == prev_data_)
        return prev_result_;
    have_prev_ = true;
    prev_ds_ = c_ds_;
    prev_key_ = c_key_;
    prev_data_ = c_data_;
    prev_result_.reset();

    static const ParentVersion no_ds{};
    std::vector<const ParentVersion*> ds_sets;
    for (auto i : c_ds_) ds_sets.push_back(&parent_.entries[i].v);
    if (ds_sets.empty()) ds_sets.push_back(&no_ds);  // never delegated securely yet
    for (const ParentVersion* ds : ds_sets) {
        // RFC 4035 §5.2: no DS (for a supported algorithm) means an insecure delegation.
        if (ds->ds.empty()) continue;
        for (auto ki : c_key_) {
            const ChildVersion& k = child_.entries[ki].v;
            // The DNSKEY RRset validates through a key that has a DS, is in the set and
            // signed the set.
            bool trusted = std::ranges::any_of(
                ds->ds, [&](std::uint32_t id) { return has(k.dnskeys, id) && has(k.krrsig, id); });
            if (!trusted) {
                prev_result_ = fmt::format(
                    "cached DS {} with cached DNSKEY {} (signed by {}): "
                    "no DS matches a key that signed the DNSKEY RRset",
                    ids(ds->ds), ids(k.dnskeys), ids(k.krrsig));
                return prev_result_;
            }
            for (auto di : c_data_) {
                const ChildVersion& d = child_.entries[di].v;
                bool ok = std::ranges::any_of(d.zrrsig,
                                              [&](std::uint32_t id) { return has(k.dnskeys, id); });
                if (!ok) {
                    prev_result_ = fmt::format(
                        "cached DS {}, cached DNSKEY {}, cached data signed by {}: no signature "
                        "by a key in the DNSKEY RRset",
                        ids(ds->ds), ids(k.dnskeys), ids(d.zrrsig));
                    return prev_result_;
                }
            }
        }
    }
    return std::nullopt;
}

template <typename V>
void World::change_points(const History<V>& h, Seconds ttl, Instant from, Instant to,
                          std::vector<Instant>& out) const {
    for (std::size_t i = 0; i < h.entries.size(); ++i)
        for (std::size_t s = 0; s < h.entries[i].adopt.size(); ++s) {
            Instant a = h.entries[i].adopt[s];
            if (a > from && a < to) out.push_back(a);
            if (i + 1 < h.entries.size()) {
                Instant gone = h.entries[i + 1].adopt[s] + ttl;  // last cached copy expires
                if (gone > from && gone < to) out.push_back(gone);
            }
        }
}

std::optional<std::pair<Instant, std::string>> World::check_range(Instant from, Instant to) {
    std::vector<Instant> points{from};
    change_points(child_, dnskey_ttl_, from, to, points);
    change_points(child_, p_.data_ttl, from, to, points);
    change_points(parent_, ds_ttl_, from, to, points);
    std::ranges::sort(points);
    for (Instant t : points)
        if (auto bad = check(t)) return std::pair{t, *bad};
    return std::nullopt;
}

}  // namespace zw::rollover::sim
