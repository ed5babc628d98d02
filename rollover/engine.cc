#include "rollover/engine.h"

#include <fmt/format.h>

#include <algorithm>

#include "rollover/safety.h"
#include "rollover/timeline.h"

namespace zw::rollover {

namespace {

using S = RecordState;

// The edges of the model: a key that wants to be everywhere moves each record towards
// omnipresent, one that wants to leave moves each record towards hidden.
S desired(Goal goal, S v) {
    switch (goal) {
        case Goal::omnipresent:
            switch (v) {
                case S::hidden:
                case S::unretentive:
                    return S::rumoured;
                case S::rumoured:
                case S::omnipresent:
                    return S::omnipresent;
            }
            break;
        case Goal::hidden:
            switch (v) {
                case S::rumoured:
                case S::omnipresent:
                    return S::unretentive;
                case S::hidden:
                case S::unretentive:
                    return S::hidden;
            }
            break;
    }
    return v;
}

std::string key_name(const KeyRef& k) {
    return fmt::format("{} {}{}", name(k.role), k.id,
                       k.tag ? fmt::format(" (tag {})", *k.tag) : std::string{});
}

const KeyState* find(const ZoneState& z, std::optional<std::uint32_t> id) {
    if (!id) return nullptr;
    for (const auto& k : z.keys)
        if (k.key.id == *id) return &k;
    return nullptr;
}

// Gate 1: the rollover method (RFC 7583 §3.2/§3.3) and the algorithm rollover order
// (RFC 6781 §4.1.4) on top of what safety alone would allow.
std::optional<std::string> policy_blocks(const Policy& p, const ZoneState& z, const KeyState& k,
                                         Record r, S next) {
    auto v = [](const KeyState& key, Record rec) { return view(key.at(rec)); };
    const Role role = k.key.role;
    const std::uint8_t alg = k.key.algorithm;
    auto others = [&](auto pred) {
        return std::ranges::any_of(
            z.keys, [&](const KeyState& o) { return o.key.id != k.key.id && pred(o); });
    };
    // The zone is signed with another algorithm and this one is still unknown to it.
    bool new_algorithm = !others([&](const KeyState& o) {
        return o.key.algorithm == alg && v(o, Record::dnskey) != S::hidden;
    }) && others([&](const KeyState& o) {
        return o.key.algorithm != alg && v(o, Record::dnskey) == S::omnipresent;
    });
    const KeyState* pred = find(z, k.predecessor);
    bool rolls_same_alg = pred && pred->key.algorithm == alg;

    if (next == S::rumoured) {
        switch (r) {
            case Record::dnskey:
                if (new_algorithm) {
                    // §4.1.4: signatures with the new algorithm first, then its DNSKEY.
                    bool signed_new = role == Role::ksk ? others([&](const KeyState& o) {
                        return o.key.algorithm == alg && v(o, Record::zrrsig) == S::omnipresent;
                    })
                                                        : v(k, Record::zrrsig) == S::omnipresent;
                    if (!signed_new)
                        return "RFC 6781 §4.1.4: the zone must carry signatures of the new "
                               "algorithm everywhere before its DNSKEY";
                }
                if (role != Role::zsk && rolls_same_alg && p.ksk_method == KskMethod::double_ds &&
                    v(k, Record::ds) != S::omnipresent)
                    return "double-DS (RFC 7583 §3.3.2): the new DNSKEY waits for its DS to be "
                           "in every cache";
                return std::nullopt;
            case Record::krrsig:
                if (v(k, Record::dnskey) == S::hidden) return "the DNSKEY goes out first";
                return std::nullopt;
            case Record::zrrsig: {
                bool already_signed = others([&](const KeyState& o) {
                    return o.key.algorithm == alg && v(o, Record::zrrsig) == S::omnipresent;
                });
                if (new_algorithm || !already_signed) return std::nullopt;
                if (role == Role::zsk && p.zsk_method == ZskMethod::double_signature) {
                    if (v(k, Record::dnskey) == S::hidden) return "the DNSKEY goes out first";
                    return std::nullopt;
                }
                if (v(k, Record::dnskey) != S::omnipresent)
                    return "pre-publication (RFC 7583 §3.2.1): signs only once its DNSKEY is "
                           "in every cache";
                return std::nullopt;
            }
            case Record::ds:
                if (rolls_same_alg) {
                    switch (p.ksk_method) {
                        case KskMethod::double_ds:
                            return std::nullopt;  // §3.3.2: the DS goes first
                        case KskMethod::double_rrset:
                            if (v(k, Record::dnskey) == S::hidden)
                                return "double-RRset (RFC 7583 §3.3.3): DS with the DNSKEY";
                            return std::nullopt;
                        case KskMethod::double_ksk:
                            break;
                    }
                }
                if (v(k, Record::dnskey) != S::omnipresent ||
                    v(k, Record::krrsig) != S::omnipresent)
                    return "the DS is submitted once the DNSKEY and its signature are in every "
                           "cache (RFC 7583 §3.3.1)";
                return std::nullopt;
        }
    }
    if (next == S::unretentive) {
        // The swap equations (3c, 3d, 3g, 3h) assume every published version holds the old
        // record or the new one: so the new one must be out before the old one goes, even
        // where no DS makes it matter yet (caches outlive the moment a DS appears).
        const KeyState* succ = find(z, k.successor);
        if (succ && succ->key.algorithm == alg && applies(succ->key.role, r) &&
            v(*succ, r) == S::hidden)
            return fmt::format("its successor's {} goes out first", name(r));
    }
    if (next == S::unretentive && r == Record::zrrsig && role == Role::zsk &&
        p.zsk_method == ZskMethod::double_signature) {
        const KeyState* succ = find(z, k.successor);
        if (succ && succ->key.algorithm == alg && v(*succ, Record::zrrsig) != S::omnipresent)
            return "double-signature (RFC 7583 §3.2.2): the old signatures stay until the new "
                   "ones are in every cache";
    }
    if (next == S::unretentive && r == Record::ds && p.ksk_method != KskMethod::double_ksk) {
        // Double-DS and double-RRset keep both DS until the new one is in every cache;
        // only double-KSK swaps the DS RRset in one step (RFC 7583 §3.3).
        const KeyState* succ = find(z, k.successor);
        if (succ && succ->key.algorithm == alg && v(*succ, Record::ds) != S::omnipresent)
            return fmt::format(
                "{} (RFC 7583 §3.3): the old DS stays until the new one is in "
                "every cache",
                name(p.ksk_method));
    }
    if (next == S::unretentive && r == Record::zrrsig) {
        bool algorithm_leaves = !others([&](const KeyState& o) {
            return o.key.algorithm == alg && o.goal == Goal::omnipresent;
        });
        if (algorithm_leaves && v(k, Record::dnskey) != S::hidden)
            return "RFC 6781 §4.1.4: signatures of a leaving algorithm stay until its DNSKEY "
                   "is gone from every cache";
    }
    return std::nullopt;
}

struct Pass {
    const Policy& policy;
    const Timeline& timeline;
    std::span<const Observation> observations;
    Instant now;
    const TestHooks& hooks;
    Decision& d;

    void wait(const KeyState& k, Record r, Gate g, Instant since, std::optional<Instant> until,
              std::string why) {
        d.waiting_on.push_back(Wait{k.key.id, r, g, since, until, std::move(why)});
        if (until && (!d.wake_at || *until < *d.wake_at)) d.wake_at = until;
    }

    // Gate 3: the earliest check, made after the change was requested, that confirmed
    // every server agrees.
    const Observation* confirmation(const KeyState& k, Record r, Expect e, Instant requested) {
        const Observation* best = nullptr;
        for (const auto& o : observations) {
            if (o.key != k.key.id || o.record != r || o.expect != e) continue;
            if (o.verdict != Verdict::confirmed || o.at < requested || o.at > now) continue;
            if (!best || o.at < best->at) best = &o;
        }
        return best;
    }
    const Observation* latest_failure(const KeyState& k, Record r, Expect e, Instant requested) {
        const Observation* best = nullptr;
        for (const auto& o : observations)
            if (o.key == k.key.id && o.record == r && o.expect == e &&
                o.verdict != Verdict::confirmed && o.at >= requested && (!best || o.at > best->at))
                best = &o;
        return best;
    }

    bool step(ZoneState& z, std::size_t ki, Record r) {
        KeyState& k = z.keys[ki];
        RecordStatus& st = k.at(r);
        if (pending(st)) {
            Expect e = st.published ? Expect::present : Expect::absent;
            Instant req = st.requested_at.value_or(st.since);
            const Observation* o = confirmation(k, r, e, req);
            if (!o) {
                std::string where = r == Record::ds ? "parent" : "child";
                std::string why = fmt::format(
                    "waiting for every {} server to {} the {} of {}", where,
                    e == Expect::present ? "serve" : "stop serving", name(r), key_name(k.key));
                if (auto f = latest_failure(k, r, e, req))
                    why += fmt::format("; last check {}: {}", format_instant(f->at), f->detail);
                wait(k, r, Gate::observation, req, std::nullopt, std::move(why));
                return false;
            }
            const S before = st.state;
            st.state = st.published ? S::rumoured : S::unretentive;
            st.since = o->at;
            d.transitions.push_back(
                Transition{k.key.id, r, before, st.state, Cause::confirmed, o->at});
            if (r == Record::ds && e == Expect::present) {
                d.measured_dreg = o->at - req;  // RFC 7583 Dreg: submission → seen
                z.observed_dreg = d.measured_dreg;
                if (o->ttl) z.observed_ds_ttl = o->ttl;
            }
            activate(k, o->at);
            return true;
        }
        S v = view(st);
        S next = desired(k.goal, v);
        if (next == v) return false;
        Instant since = std::max(st.since, st.requested_at.value_or(st.since));
        if (auto why = policy_blocks(policy, z, k, r, next)) {
            wait(k, r, Gate::policy, since, std::nullopt, *why);
            return false;
        }
        auto vs = views(z.keys);
        if (auto why = unsafe(vs, k.key.id, r, next, z.going_insecure)) {
            wait(
                k, r, Gate::safety, since, std::nullopt,
                fmt::format("{} {} -> {} would be unsafe: {}", name(r), name(v), name(next), *why));
            return false;
        }
        switch (next) {
            case S::rumoured:
            case S::unretentive:
                st.published = next == S::rumoured;
                st.requested_at = now;
                d.transitions.push_back(Transition{k.key.id, r, v, next, Cause::decided, now});
                return true;
            case S::omnipresent:
            case S::hidden: {
                auto w = timeline.wait(r, next == S::omnipresent);
                if (!w) {
                    wait(k, r, Gate::observation, since, std::nullopt,
                         "TTLds unknown: set parent.ds-ttl or wait for a DS check to report it");
                    return false;
                }
                if (hooks.skip_ds_removal_wait && r == Record::ds && next == S::hidden)
                    w = Seconds{0};
                Instant until = st.since + *w;
                if (now < until) {
                    wait(k, r, Gate::time, st.since, until,
                         fmt::format("{} {} -> {} after {} since {}", name(r), name(v), name(next),
                                     format_duration(*w), format_instant(st.since)));
                    return false;
                }
                st.state = next;
                st.since = now;
                d.transitions.push_back(Transition{k.key.id, r, v, next, Cause::waited, now});
                return true;
            }
        }
        return false;
    }

    // Tact: the moment the last of the key's records was confirmed at every server.
    static void activate(KeyState& k, Instant at) {
        if (k.active_since || k.goal != Goal::omnipresent) return;
        for (Record r : all_records) {
            if (!applies(k.key.role, r)) continue;
            S s = k.at(r).state;
            if (s != S::rumoured && s != S::omnipresent) return;
        }
        k.active_since = at;
    }
};

std::vector<KeyRef> published(const ZoneState& z, Record r) {
    std::vector<KeyRef> out;
    for (const auto& k : z.keys)
        if (k.at(r).published) out.push_back(k.key);
    return out;
}

bool changed_or_pending(const ZoneState& before, const ZoneState& after,
                        std::initializer_list<Record> records) {
    for (const auto& k : after.keys) {
        const KeyState* old = find(before, k.key.id);
        for (Record r : records) {
            if (pending(k.at(r))) return true;
            if ((old ? old->at(r).published : false) != k.at(r).published) return true;
        }
    }
    for (const auto& k : before.keys)
        if (!find(after, k.key.id))
            for (Record r : records)
                if (k.at(r).published) return true;
    return false;
}

}  // namespace

Decision advance(const Policy& policy, const ZoneState& state,
                 std::span<const Observation> observations, Instant now, const TestHooks& hooks) {
    Decision d;
    d.next = state;
    ZoneState& z = d.next;
    for (const auto& o : observations)
        if (o.record == Record::ds && o.verdict == Verdict::confirmed && o.ttl && o.at <= now)
            z.observed_ds_ttl = o.ttl;

    plan(policy, z, now, d);
    Timeline tl{policy, z.observed_dreg, z.observed_ds_ttl};
    Pass pass{policy, tl, observations, now, hooks, d};

    // Like BIND's keymgr_update: repeat until nothing moves, since one move (a successor's
    // DS going out) can be what allows another (the predecessor's DS to be withdrawn).
    std::vector<Wait> planner_waits = d.waiting_on;
    std::optional<Instant> planner_wake = d.wake_at;
    for (bool changed = true; changed;) {
        changed = false;
        d.waiting_on = planner_waits;
        d.wake_at = planner_wake;
        for (std::size_t i = 0; i < z.keys.size(); ++i) {
            const KeyState& k = z.keys[i];
            if (!k.key.tag) {
                d.waiting_on.push_back(Wait{k.key.id, std::nullopt, Gate::policy, k.created,
                                            std::nullopt, "key material not generated yet"});
                continue;
            }
            for (Record r : all_records)
                if (applies(k.key.role, r) && pass.step(z, i, r)) changed = true;
        }
    }

    // Actions: the desired sets whenever they changed or are not yet confirmed, so a
    // crash before execution heals on the next pass; probes for every pending record.
    if (changed_or_pending(state, z, {Record::dnskey, Record::krrsig, Record::zrrsig})) {
        d.actions.push_back(PublishDnskeySet{published(z, Record::dnskey)});
        d.actions.push_back(SignWith{published(z, Record::krrsig), published(z, Record::zrrsig)});
    }
    if (changed_or_pending(state, z, {Record::ds})) {
        auto ds = published(z, Record::ds);
        d.actions.push_back(PublishCdsSet{ds, z.going_insecure && ds.empty()});
        d.actions.push_back(SubmitDsSet{ds});
    }
    for (const auto& k : z.keys) {
        if (!k.key.tag) {
            bool queued = std::ranges::any_of(d.actions, [&](const Action& a) {
                auto* g = std::get_if<GenerateKey>(&a);
                return g && g->key.id == k.key.id;
            });
            if (!queued) d.actions.push_back(GenerateKey{k.key, k.predecessor});
        }
        for (Record r : all_records)
            if (pending(k.at(r)))
                d.actions.push_back(
                    Probe{k.key, r, k.at(r).published ? Expect::present : Expect::absent});
    }
    // Keys with nothing left in any cache are deleted.
    std::erase_if(z.keys, [&](const KeyState& k) {
        if (k.goal != Goal::hidden || !k.key.tag) return false;
        for (const auto& r : k.records)
            if (r.state != S::hidden || r.published) return false;
        d.actions.push_back(PurgeKey{k.key});
        return true;
    });
    return d;
}

}  // namespace zw::rollover
