#include "app/zone_timeline.h"

#include <algorithm>
#include <map>

#include "store/history.h"

namespace zw::app {

namespace {

using rollover::Cause;
using rollover::Record;
using rollover::RecordState;
using rollover::Transition;

// Bounds on the projection: engine calls per instant, and instants.
constexpr int max_calls_per_instant = 50;
constexpr int max_instants = 400;

// Walks one record of one key from `start` (in `state`, maybe pending) through its
// transitions up to `end`, appending a stretch for every change.
struct Walk {
    RecordState state;
    bool pending;
    Instant at;
    bool projected;
    std::vector<TimelineStretch>& out;

    void until(Instant t) {
        if (t <= at) return;
        if (!out.empty() && out.back().to == at && out.back().state == state &&
            out.back().pending == pending && out.back().projected == projected)
            out.back().to = t;
        else
            out.push_back(TimelineStretch{at, t, state, pending, projected});
        at = t;
    }
    void apply(const Transition& t) {
        until(t.at);
        if (t.cause == Cause::decided) {
            // A decided move changes what the servers are told to serve (the "view");
            // it is pending while that differs from what the checks confirmed.
            pending = t.to != state;
        } else {
            state = t.to;
            pending = false;
        }
    }
};

std::map<std::uint32_t, std::vector<Transition>> by_key(std::span<const Transition> ts) {
    std::map<std::uint32_t, std::vector<Transition>> out;
    for (const auto& t : ts) out[t.key].push_back(t);
    return out;
}

std::vector<Transition> of_record(const std::vector<Transition>* ts, Record r) {
    std::vector<Transition> out;
    if (ts)
        for (const auto& t : *ts)
            if (t.record == r) out.push_back(t);
    return out;
}

// The state a record was in at the start of its history: before its first confirmed or
// waited move, or (none in the window) the state it has now.
std::pair<RecordState, bool> initial(const std::vector<Transition>& ts, RecordState now_state,
                                     bool now_pending) {
    bool decided_first = false;
    for (const auto& t : ts) {
        if (t.cause == Cause::decided) {
            decided_first = true;
            continue;
        }
        // Confirmed with no decision seen before it: the decision came before the window.
        return {t.from, t.cause == Cause::confirmed && !decided_first};
    }
    return {now_state, now_pending && !decided_first};
}

struct Projection {
    std::vector<Transition> transitions;
    std::vector<rollover::KeyState> new_keys;       // created by the planner after now
    std::map<std::uint32_t, Instant> gone;          // keys that left the state, and when
    std::map<std::uint32_t, rollover::Goal> goals;  // at the end of the projection
};

// The engine from `now` to `to`, every probe confirmed the moment it is asked for and
// every key generated at once (app/'s pass loop with a perfect world).
Projection project(const rollover::Policy& policy, rollover::ZoneState state, Instant now,
                   Instant to) {
    Projection p;
    std::vector<rollover::Observation> seen;
    Instant t = now;
    const std::optional<Seconds> ds_ttl =
        policy.parent.ds_ttl ? policy.parent.ds_ttl : state.observed_ds_ttl;
    auto known = [&](std::uint32_t id) {
        return std::ranges::any_of(state.keys,
                                   [&](const rollover::KeyState& k) { return k.key.id == id; });
    };
    for (int instant = 0; instant < max_instants; ++instant) {
        rollover::Decision d;
        for (int call = 0; call < max_calls_per_instant; ++call) {
            d = rollover::advance(policy, state, seen, t);
            p.transitions.insert(p.transitions.end(), d.transitions.begin(), d.transitions.end());
            for (const auto& k : state.keys)
                if (std::ranges::none_of(d.next.keys,
                                         [&](const auto& n) { return n.key.id == k.key.id; }))
                    p.gone.emplace(k.key.id, t);
            for (const auto& k : d.next.keys)
                if (!known(k.key.id) && !std::ranges::any_of(p.new_keys, [&](const auto& n) {
                        return n.key.id == k.key.id;
                    }))
                    p.new_keys.push_back(k);
            state = d.next;
            bool acted = false;
            for (const auto& a : d.actions) {
                if (const auto* g = std::get_if<rollover::GenerateKey>(&a)) {
                    for (auto& k : state.keys)
                        if (k.key.id == g->key.id && !k.key.tag) {
                            // A stand-in: the engine needs a tag, the page never shows it.
                            k.key.tag = static_cast<std::uint16_t>(0xffff - (k.key.id & 0x7fff));
                            acted = true;
                        }
                } else if (const auto* pr = std::get_if<rollover::Probe>(&a)) {
                    bool already = std::ranges::any_of(seen, [&](const rollover::Observation& o) {
                        return o.key == pr->key.id && o.record == pr->record &&
                               o.expect == pr->expect && o.at == t;
                    });
                    if (already) continue;
                    seen.push_back(rollover::Observation{
                        pr->key.id, pr->record, pr->expect, t, rollover::Verdict::confirmed,
                        pr->record == Record::ds ? ds_ttl : std::nullopt, "projected"});
                    acted = true;
                }
            }
            if (d.transitions.empty() && !acted) break;
        }
        if (!d.wake_at || *d.wake_at > to) break;
        t = std::max(*d.wake_at, t + Seconds{1});
    }
    for (const auto& k : state.keys) p.goals[k.key.id] = k.goal;
    return p;
}

int role_order(rollover::Role r) {
    switch (r) {
        case rollover::Role::ksk:
            return 0;
        case rollover::Role::csk:
            return 1;
        case rollover::Role::zsk:
            return 2;
    }
    return 3;
}

}  // namespace

ZoneTimeline build_timeline(const TimelineInput& in) {
    ZoneTimeline tl;
    tl.now = in.now;
    tl.from = in.now - in.back;
    tl.to = in.now + in.ahead;

    std::vector<Transition> past;
    for (const auto& e : in.audit)
        if (auto t = store::transition_of(e); t && t->at >= tl.from && t->at <= in.now)
            past.push_back(*t);
    auto past_by_key = by_key(past);

    std::optional<Projection> projection;
    if (in.policy && in.ahead > Seconds{0})
        projection = project(*in.policy, in.status.state, in.now, tl.to);
    std::map<std::uint32_t, std::vector<Transition>> future_by_key;
    if (projection) future_by_key = by_key(projection->transitions);

    auto future_of = [&](TimelineKey& key, std::uint32_t id, Instant start,
                         std::vector<std::pair<RecordState, bool>> at_start) {
        if (!projection) return;
        auto it = future_by_key.find(id);
        Instant end = tl.to;
        if (auto g = projection->gone.find(id); g != projection->gone.end()) end = g->second;
        for (std::size_t i = 0; i < key.bands.size(); ++i) {
            auto ts =
                of_record(it == future_by_key.end() ? nullptr : &it->second, key.bands[i].record);
            Walk w{at_start[i].first, at_start[i].second, start, true, key.bands[i].stretches};
            for (const auto& t : ts) w.apply(t);
            w.until(end);
        }
    };

    for (const auto& k : in.status.state.keys) {
        TimelineKey key{k.key, TimelineKeyKind::current, k.goal, {}};
        auto ts = past_by_key.find(k.key.id);
        std::vector<std::pair<RecordState, bool>> now_states;
        for (Record r : rollover::all_records) {
            if (!rollover::applies(k.key.role, r)) continue;
            const auto& st = k.at(r);
            TimelineBand band{r, {}};
            auto mine = of_record(ts == past_by_key.end() ? nullptr : &ts->second, r);
            auto [state, pending] = initial(mine, st.state, rollover::pending(st));
            Walk w{state, pending, std::max(tl.from, k.created), false, band.stretches};
            for (const auto& t : mine) w.apply(t);
            // The stored state is the truth at `now`, whatever the log showed before it.
            w.until(in.now);
            now_states.emplace_back(st.state, rollover::pending(st));
            key.bands.push_back(std::move(band));
        }
        if (projection)
            if (auto g = projection->goals.find(k.key.id); g != projection->goals.end())
                key.goal = g->second;
        future_of(key, k.key.id, in.now, now_states);
        tl.keys.push_back(std::move(key));
    }
    for (const auto& rk : in.removed) {
        if (rk.removed < tl.from) continue;
        TimelineKey key{rk.key, TimelineKeyKind::removed, std::nullopt, {}};
        auto ts = past_by_key.find(rk.key.id);
        for (Record r : rollover::all_records) {
            if (!rollover::applies(rk.key.role, r)) continue;
            TimelineBand band{r, {}};
            auto mine = of_record(ts == past_by_key.end() ? nullptr : &ts->second, r);
            auto [state, pending] = initial(mine, RecordState::hidden, false);
            Walk w{state, pending, std::max(tl.from, rk.created), false, band.stretches};
            for (const auto& t : mine) w.apply(t);
            w.until(std::min(rk.removed, in.now));
            key.bands.push_back(std::move(band));
        }
        tl.keys.push_back(std::move(key));
    }
    if (projection) {
        for (const auto& k : projection->new_keys) {
            TimelineKey key{k.key, TimelineKeyKind::projected, k.goal, {}};
            if (auto g = projection->goals.find(k.key.id); g != projection->goals.end())
                key.goal = g->second;
            key.key.tag.reset();
            std::vector<std::pair<RecordState, bool>> start;
            for (Record r : rollover::all_records) {
                if (!rollover::applies(k.key.role, r)) continue;
                key.bands.push_back(TimelineBand{r, {}});
                start.emplace_back(RecordState::hidden, false);
            }
            future_of(key, k.key.id, std::max(in.now, k.created), start);
            tl.keys.push_back(std::move(key));
        }
    }
    std::ranges::stable_sort(tl.keys, [](const TimelineKey& a, const TimelineKey& b) {
        return std::pair{role_order(a.key.role), a.key.id} <
               std::pair{role_order(b.key.role), b.key.id};
    });
    return tl;
}

Result<ZoneTimeline> zone_timeline(const Config& config, store::Store& store,
                                   const ZoneStatus& status, Instant now, Seconds back,
                                   Seconds ahead) {
    auto audit = store.audit(status.info.name, now - back);
    if (!audit) return fail(audit.error());
    auto removed = store.removed_keys(status.info.name, now - back);
    if (!removed) return fail(removed.error());
    auto policy = config.policy(status.info.policy);
    return build_timeline(
        TimelineInput{status, *audit, *removed, policy ? *policy : nullptr, now, back, ahead});
}

}  // namespace zw::app
