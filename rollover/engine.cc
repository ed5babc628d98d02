#include "rollover/engine.h"

#include <fmt/format.h>

#include <algorithm>

#include "rollover/policy_gate.h"
#include "rollover/safety.h"
#include "rollover/timeline.h"

namespace zw::rollover {

namespace {

using S = RecordState;

// The edges of the model. A record moves round one cycle, hidden -> rumoured ->
// omnipresent -> unretentive -> hidden, and only its key's goal decides whether it leaves
// the two rest states: a record caught half-way by a change of goal finishes the move it
// was making first (rumoured -> omnipresent while its key now leaves, unretentive ->
// hidden while it now stays). Turning back half-way could deadlock (the way back waits on
// records that wait for this one to come to rest: a DS rumoured while securing, and a
// successor's DS that needs a DS in every cache to join) and would break the swap
// equations 3c/3d/3g/3h, which read "unretentive" as "was in every cache".
S desired(Goal goal, S v, bool turn_back_midway) {
    switch (v) {
        case S::hidden:
            return goal == Goal::omnipresent ? S::rumoured : S::hidden;
        case S::rumoured:
            return turn_back_midway && goal == Goal::hidden ? S::unretentive : S::omnipresent;
        case S::omnipresent:
            return goal == Goal::hidden ? S::unretentive : S::omnipresent;
        case S::unretentive:
            return turn_back_midway && goal == Goal::omnipresent ? S::rumoured : S::hidden;
    }
    return v;
}

std::string key_name(const KeyRef& k) {
    return fmt::format("{} {}{}", name(k.role), k.id,
                       k.tag ? fmt::format(" (tag {})", *k.tag) : std::string{});
}

struct Pass {
    const Policy& policy;
    const Timeline& timeline;
    std::span<const Observation> observations;
    Instant now;
    const TestHooks& hooks;
    Decision& d;

    void wait(const KeyState& k, Record r, Gate g, Instant since, std::optional<Instant> until,
              std::string why, std::vector<RecordRef> on = {}) {
        d.waiting_on.push_back(Wait{k.key.id, r, g, since, until, std::move(why), std::move(on)});
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

    bool confirm(ZoneState& z, KeyState& k, Record r) {
        RecordStatus& st = k.at(r);
        Expect e = st.published ? Expect::present : Expect::absent;
        Instant req = st.requested_at.value_or(st.since);
        const Observation* o = confirmation(k, r, e, req);
        if (!o) {
            std::string where = r == Record::ds ? "parent" : "child";
            std::string why = fmt::format("waiting for every {} server to {} the {} of {}", where,
                                          e == Expect::present ? "serve" : "stop serving", name(r),
                                          key_name(k.key));
            if (auto f = latest_failure(k, r, e, req))
                why += fmt::format("; last check {}: {}", format_instant(f->at), f->detail);
            wait(k, r, Gate::observation, req, std::nullopt, std::move(why));
            return false;
        }
        const S before = st.state;
        st.state = st.published ? S::rumoured : S::unretentive;
        st.since = o->at;
        d.transitions.push_back(Transition{k.key.id, r, before, st.state, Cause::confirmed, o->at});
        if (r == Record::ds && e == Expect::present) {
            d.measured_dreg = o->at - req;  // RFC 7583 Dreg: submission → seen
            z.observed_dreg = d.measured_dreg;
            if (o->ttl) z.observed_ds_ttl = o->ttl;
        }
        activate(k, o->at);
        return true;
    }

    // Gates 1 and 2 for a move of record r of key k to view state `next`.
    std::optional<Wait> gated(const ZoneState& z, const KeyState& k, Record r, S v, S next,
                              Instant since) {
        if (auto b = policy_blocks(policy, z, k, r, next))
            return Wait{k.key.id, r, Gate::policy, since, std::nullopt, b->why, b->on};
        auto vs = views(z.keys);
        if (auto u = unsafe(vs, k.key.id, r, next, z.going_insecure))
            return Wait{k.key.id,
                        r,
                        Gate::safety,
                        since,
                        std::nullopt,
                        fmt::format("{} {} -> {} would be unsafe: {}", name(r), name(v), name(next),
                                    u->why),
                        inputs(vs, k.key.id, r, u->rule)};
        return std::nullopt;
    }

    // Gate 4: a move to omnipresent or hidden once its RFC 7583 wait has passed since the
    // confirmation; `note` says why a record moves this way when its goal is the other.
    bool settle(KeyState& k, Record r, S v, S next, const std::string& note) {
        RecordStatus& st = k.at(r);
        Instant since = std::max(st.since, st.requested_at.value_or(st.since));
        auto w = timeline.wait(r, next == S::omnipresent);
        if (!w) {
            wait(k, r, Gate::observation, since, std::nullopt,
                 "TTLds unknown: set parent.ds-ttl or wait for a DS check to report it" + note);
            return false;
        }
        if (hooks.skip_ds_removal_wait && r == Record::ds && next == S::hidden) w = Seconds{0};
        Instant until = st.since + *w;
        if (now < until) {
            wait(k, r, Gate::time, st.since, until,
                 fmt::format("{} {} -> {} after {} since {}{}", name(r), name(v), name(next),
                             format_duration(*w), format_instant(st.since), note));
            return false;
        }
        st.state = next;
        st.since = now;
        d.transitions.push_back(Transition{k.key.id, r, v, next, Cause::waited, now});
        return true;
    }

    bool step(ZoneState& z, std::size_t ki, Record r) {
        KeyState& k = z.keys[ki];
        RecordStatus& st = k.at(r);
        if (pending(st)) return confirm(z, k, r);
        S v = view(st);
        S next = desired(k.goal, v, hooks.turn_back_midway);
        if (next == v) return false;
        Instant since = std::max(st.since, st.requested_at.value_or(st.since));
        if (auto blocked = gated(z, k, r, v, next, since)) {
            d.waiting_on.push_back(std::move(*blocked));
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
                bool midway = (next == S::omnipresent) != (k.goal == Goal::omnipresent);
                return settle(
                    k, r, v, next,
                    midway ? std::string(next == S::omnipresent
                                             ? " (its key leaves: it finishes arriving first)"
                                             : " (its key stays: it finishes leaving first)")
                           : std::string());
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

// Whether record r of some key changed its publication or waits on a live check.
bool changed_or_pending(const ZoneState& before, const ZoneState& after, Record r) {
    for (const auto& k : after.keys) {
        const KeyState* old = find_key(before, k.key.id);
        if (pending(k.at(r))) return true;
        if ((old ? old->at(r).published : false) != k.at(r).published) return true;
    }
    for (const auto& k : before.keys)
        if (!find_key(after, k.key.id) && k.at(r).published) return true;
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

    // Actions: the DS set whenever it changed or is not yet confirmed, so a crash before
    // the submission heals on the next pass; probes for every pending record.
    if (changed_or_pending(state, z, Record::ds))
        d.actions.push_back(SubmitDsSet{published_keys(z, Record::ds)});
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
    // Keys with nothing left in any cache are deleted. A chain of successors through one
    // of them is joined up: the keys before and after it become predecessor and successor,
    // so what the leaving key was to take over passes on (BIND's transitive successors).
    auto gone = [](const KeyState& k) {
        if (k.goal != Goal::hidden || !k.key.tag) return false;
        return std::ranges::all_of(
            k.records, [](const RecordStatus& r) { return r.state == S::hidden && !r.published; });
    };
    while (true) {
        auto it = std::ranges::find_if(z.keys, gone);
        if (it == z.keys.end()) break;
        const KeyState k = *it;
        z.keys.erase(it);
        d.actions.push_back(PurgeKey{k.key});
        for (auto& o : z.keys) {
            // A key with no successor of its own leaves the link dangling: the key before
            // it was replaced, and must not be taken back by a later onboarding.
            if (o.successor == k.key.id && k.successor) o.successor = k.successor;
            if (o.predecessor == k.key.id) o.predecessor = k.predecessor;
        }
    }
    d.stuck = find_stuck(d.waiting_on);
    return d;
}

}  // namespace zw::rollover
