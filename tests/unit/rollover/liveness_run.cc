#include "liveness_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <random>

#include "liveness_bound.h"
#include "sim_zone.h"

namespace zw::rollover::sim {

std::string_view name(Request r) {
    switch (r) {
        case Request::onboard:
            return "onboard";
        case Request::ksk:
            return "ksk";
        case Request::zsk:
            return "zsk";
        case Request::csk:
            return "csk";
        case Request::emergency:
            return "emergency";
        case Request::algorithm:
            return "algorithm";
        case Request::method:
            return "method";
        case Request::offboard:
            return "offboard";
        case Request::onboard_again:
            return "onboard-again";
    }
    return "?";
}

std::string_view name(Moment m) {
    switch (m) {
        case Moment::securing:
            return "securing";
        case Moment::mid_rollover:
            return "mid-rollover";
        case Moment::offboarding:
            return "offboarding";
        case Moment::twice:
            return "twice";
    }
    return "?";
}

namespace {

// A request the run will make: once `transitions` engine moves happened since the previous
// request (or the zone is quiet), `delay` later.
constexpr std::size_t quiet_only = std::size_t{1} << 40;  // wait until nothing is outstanding

struct Planned {
    Request kind;
    std::size_t transitions = 0;
    Seconds delay{0};
    bool under_test = false;
};

struct Issued {
    Request kind;
    std::string what;  // the request as the operator put it
    Instant at;
    Seconds bound{0};
    Instant deadline;
    std::vector<std::uint32_t> must_go;  // keys it retires
    std::optional<Instant> done_at;
    bool under_test = false;
};

struct LiveRunner {
    Request kind;
    std::uint64_t seed;
    std::mt19937_64 rng;
    SimZone sim;
    Moment moment = Moment::securing;
    std::deque<Planned> planned;
    std::vector<Issued> issued;
    std::optional<Instant> open_deadline;  // the latest deadline of an unfinished request
    std::size_t moves_at_request = 0;
    bool arrived_unsettled = false;  // a request under test found another one unfinished  //
                                     // sim.moves when the last request was made
    std::optional<Instant> trigger_at;
    Instant start{Seconds{1'900'000'000}};

    LiveRunner(Request k, std::uint64_t s, const TestHooks& hooks)
        : kind(k), seed(s), rng(s * 7919 + static_cast<std::uint64_t>(k) * 104729), sim(hooks) {}

    Seconds pick(std::int64_t lo, std::int64_t hi) { return sim::pick(rng, lo, hi); }
    int pick_int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
    bool coin(double p = 0.5) { return std::bernoulli_distribution(p)(rng); }

    WorldDelays delays() const {
        return WorldDelays{sim.wp.max_dprp_child + sim.probe_interval,
                           sim.wp.max_dreg + sim.wp.max_dprp_parent + sim.probe_interval};
    }

    void setup() {
        sim.randomize(rng);
        sim.policy.algorithm = coin() ? 13 : 8;
        bool csk =
            kind == Request::csk || (kind != Request::ksk && kind != Request::zsk && coin(0.25));
        sim.policy.roles = csk ? Roles::csk : Roles::ksk_zsk;
        sim.start(rng());
        // The plan: the request under test at a random moment of the chosen kind. Counting
        // engine moves lands requests in every phase of what runs before them.
        moment = all_moments[pick_int(0, 3)];
        auto at_random = [&](Request r, bool tested, int moves, std::int64_t max_delay) {
            planned.push_back(Planned{r, static_cast<std::size_t>(pick_int(0, moves)),
                                      pick(0, max_delay), tested});
        };
        auto when_quiet = [&](Request r, bool tested) {
            planned.push_back(Planned{r, quiet_only, Seconds{0}, tested});
        };
        const bool again = kind == Request::onboard_again;
        switch (moment) {
            case Moment::securing:
                if (again) at_random(Request::offboard, false, 10, 30);
                at_random(kind, true, again ? 8 : 10, 30);
                break;
            case Moment::mid_rollover: {
                // Another request first, once the zone is secure; this one in some phase of it.
                static constexpr Request others[] = {Request::ksk, Request::zsk, Request::emergency,
                                                     Request::algorithm, Request::method};
                when_quiet(others[pick_int(0, 4)], false);
                if (again) at_random(Request::offboard, false, 16, 120);
                at_random(kind, true, 16, 120);
                break;
            }
            case Moment::offboarding:
                when_quiet(Request::offboard, false);
                at_random(kind, true, again ? 14 : 8, 60);
                // A rollover asked while offboarding is refused; onboarding again brings the
                // zone back, and whatever was accepted must then finish.
                if (!again && kind != Request::offboard && coin())
                    at_random(Request::onboard_again, false, 8, 60);
                break;
            case Moment::twice:
                if (again) {
                    // Offboard, onboard again, offboard, onboard again.
                    if (coin())
                        when_quiet(Request::offboard, false);
                    else
                        at_random(Request::offboard, false, 10, 30);
                    at_random(kind, true, 10, 30);
                    at_random(Request::offboard, false, 16, 60);
                } else if (coin()) {
                    when_quiet(kind, true);  // twice once the zone is secure
                } else {
                    at_random(kind, true, 10, 30);  // twice while securing
                }
                at_random(kind, true, 16, 120);
                break;
        }
    }

    // Which keys `rollover ZONE --ksk|--zsk` asks to roll (app/operator_commands.cc).
    std::vector<std::uint32_t> request_rollover(bool ksk, RolloverRequest how) {
        std::vector<std::uint32_t> out;
        for (auto& k : sim.zone.keys) {
            bool role = ksk ? k.key.role != Role::zsk : k.key.role != Role::ksk;
            if (!role || k.goal != Goal::omnipresent || k.successor) continue;
            k.request = how;
            out.push_back(k.key.id);
        }
        return out;
    }

    bool unwanted(const KeyState& k) const {
        if (k.key.algorithm != sim.policy.algorithm) return true;
        return sim.policy.roles == Roles::csk ? k.key.role != Role::csk : k.key.role == Role::csk;
    }

    void issue(const Planned& p, Instant t) {
        if (p.under_test && std::ranges::any_of(issued, [](const Issued& o) { return !o.done_at; }))
            arrived_unsettled = true;
        Issued is{p.kind, std::string(name(p.kind)), t, Seconds{0}, t, {}, {}, p.under_test};
        Role role = sim.policy.roles == Roles::csk ? Role::csk : Role::ksk;
        Request bound_as = p.kind;
        bool refused = false;
        switch (p.kind) {
            case Request::onboard:
                break;
            case Request::ksk:
            case Request::csk:
                is.must_go = request_rollover(true, RolloverRequest::scheduled);
                break;
            case Request::zsk:
                if (role != Role::csk) role = Role::zsk;
                is.must_go = request_rollover(false, RolloverRequest::scheduled);
                break;
            case Request::emergency: {
                bool ksk = role == Role::csk || coin();
                if (!ksk) role = Role::zsk;
                is.what = fmt::format("emergency {}", ksk ? "--ksk" : "--zsk");
                is.must_go = request_rollover(ksk, RolloverRequest::emergency);
                break;
            }
            case Request::algorithm:
                sim.policy.algorithm = sim.policy.algorithm == 13 ? 8 : 13;
                is.what = fmt::format("algorithm -> {}", sim.policy.algorithm);
                break;
            case Request::method:
                switch (pick_int(0, 2)) {
                    case 0:
                        sim.policy.ksk_method = static_cast<KskMethod>(
                            (static_cast<int>(sim.policy.ksk_method) + pick_int(1, 2)) % 3);
                        is.what = fmt::format("ksk method -> {}",
                                              zw::rollover::name(sim.policy.ksk_method));
                        break;
                    case 1:
                        sim.policy.zsk_method = sim.policy.zsk_method == ZskMethod::pre_publication
                                                    ? ZskMethod::double_signature
                                                    : ZskMethod::pre_publication;
                        is.what = fmt::format("zsk method -> {}",
                                              zw::rollover::name(sim.policy.zsk_method));
                        break;
                    case 2:
                        sim.policy.roles =
                            sim.policy.roles == Roles::csk ? Roles::ksk_zsk : Roles::csk;
                        is.what = fmt::format("roles -> {}", zw::rollover::name(sim.policy.roles));
                        bound_as = Request::algorithm;
                        break;
                }
                break;
            case Request::offboard:
                sim.zone.going_insecure = true;
                break;
            case Request::onboard_again:
                sim.zone.going_insecure = false;
                break;
        }
        if (p.kind == Request::algorithm || p.kind == Request::method) {
            for (const auto& k : sim.zone.keys)
                if (unwanted(k)) is.must_go.push_back(k.key.id);
            // A newer policy replaces an older one that is still being carried out: keys
            // the older one dropped may be wanted again (and taken back).
            for (auto& o : issued)
                if (!o.done_at && (o.kind == Request::algorithm || o.kind == Request::method))
                    o.must_go.clear();
        }
        bool rollover = p.kind == Request::ksk || p.kind == Request::zsk ||
                        p.kind == Request::csk || p.kind == Request::emergency;
        if (rollover && is.must_go.empty()) refused = true;
        if (refused) {
            // The CLI refuses a rollover when no key of that role is settled: only while
            // offboarding, when every key is leaving.
            is.what += " (refused: no key to roll)";
            is.done_at = t;
        } else {
            is.bound = bound(bound_as, role, sim.policy, delays());
            Instant from = open_deadline ? std::max(*open_deadline, t) : t;
            is.deadline = from + is.bound;
            open_deadline = is.deadline;
            // An earlier request may be re-planned by this one (its new key replaced, its
            // zone offboarded): it gets the newer deadline.
            for (auto& o : issued)
                if (!o.done_at) o.deadline = std::max(o.deadline, is.deadline);
        }
        sim.engine_log.emplace_back(
            t, fmt::format("operator: {}{}; bound {}, deadline t+{}s", is.what,
                           p.under_test ? " (under test)" : "", format_duration(is.bound),
                           (is.deadline - start).count()));
        issued.push_back(std::move(is));
        moves_at_request = sim.moves;
    }

    bool done(const Issued& is) const {
        const ZoneState& z = sim.zone;
        for (auto id : is.must_go)
            if (std::ranges::any_of(z.keys, [&](const KeyState& k) { return k.key.id == id; }))
                return false;
        return z.going_insecure ? z.keys.empty() : settled(z);
    }

    bool refused_unexpectedly() const {
        return std::ranges::any_of(issued, [&](const Issued& is) {
            return is.what.ends_with("(refused: no key to roll)") && !sim.zone.going_insecure;
        });
    }

    std::string requests_text() const {
        std::string out;
        for (const auto& is : issued)
            out +=
                fmt::format("  t+{}s {}{}: bound {}, deadline t+{}s, {}\n", (is.at - start).count(),
                            is.what, is.under_test ? " (under test)" : "",
                            format_duration(is.bound), (is.deadline - start).count(),
                            is.done_at ? fmt::format("done at t+{}s", (*is.done_at - start).count())
                                       : std::string("not done"));
        return out;
    }

    LivenessResult failure(LivenessResult r, Instant t, std::string what) const {
        r.report = fmt::format(
            "seed {} request {} at moment {}: {}\nrequests:\n{}{}\nat t+{}s:\n{}"
            "timeline (engine and world):\n{}",
            seed, name(kind), name(moment), what, requests_text(), sim.setup_text(),
            (t - start).count(), sim.waits_text(), sim.timeline(start, t));
        return r;
    }

    // Extra time the world's outages cost: each silent server delays one check.
    Seconds outage_slack() const {
        return sim.probe_interval * static_cast<std::int64_t>(sim.world->silent_probes);
    }

    LivenessResult go() {
        setup();
        LivenessResult result;
        result.moment = moment;
        Instant t = start;
        issue(Planned{Request::onboard, 0, Seconds{0}, false}, t);
        std::optional<Instant> all_done_at;
        for (;;) {
            if (trigger_at && t >= *trigger_at) {
                issue(planned.front(), t);
                planned.pop_front();
                trigger_at.reset();
            }
            if (!all_done_at) sim.pass(t);
            for (auto& is : issued)
                if (!is.done_at && done(is)) is.done_at = t;
            bool quiet = std::ranges::all_of(
                issued, [](const Issued& is) { return is.done_at.has_value(); });
            if (!trigger_at && !planned.empty() &&
                (sim.moves - moves_at_request >= planned.front().transitions || quiet))
                trigger_at = t + planned.front().delay;
            if (trigger_at && *trigger_at <= t) continue;  // the request comes at once
            if (refused_unexpectedly())
                return failure(result, t,
                               "a rollover was refused while the zone was not offboarding");
            if (!all_done_at && planned.empty() && quiet) all_done_at = t;

            std::optional<Instant> next = sim.next_wake(t);
            if (trigger_at && (!next || *trigger_at < *next)) next = trigger_at;
            if (all_done_at) {
                // Keep checking until every cached copy made before the end has expired.
                const Policy& p = sim.policy;
                next = *all_done_at + p.max_zone_ttl + p.dnskey_ttl + *p.parent.ds_ttl + Seconds{1};
            }
            // Nothing will ever happen again: go straight to the deadline.
            Instant limit = (open_deadline ? *open_deadline : t) + outage_slack();
            if (!next || *next <= t) next = std::max(limit, t) + Seconds{1};
            if (auto bad = sim.world->check_range(t, *next)) {
                result.safe = false;
                return failure(result, bad->first,
                               fmt::format("at t+{}s a resolver cache fails to validate: {}",
                                           (bad->first - start).count(), bad->second));
            }
            for (const auto& is : issued) {
                if (!is.done_at || *is.done_at <= is.deadline + outage_slack()) continue;
                result.finished = false;
                return failure(result, *is.done_at,
                               fmt::format("{} took {}s, beyond its deadline t+{}s (+{}s outages)",
                                           is.what, (*is.done_at - is.at).count(),
                                           (is.deadline - start).count(), outage_slack().count()));
            }
            if (all_done_at) {
                result.arrived_unsettled = arrived_unsettled;
                for (const auto& is : issued)
                    if (is.under_test && is.what.ends_with("(refused: no key to roll)"))
                        result.refused = true;
                for (const auto& is : issued)
                    if (is.under_test && is.done_at) {
                        result.took = std::max(result.took, *is.done_at - is.at);
                        result.allowed = std::max(result.allowed, is.deadline - is.at);
                    }
                return result;
            }
            if (*next > limit && !trigger_at) {
                result.finished = false;
                return failure(
                    result, t,
                    fmt::format("not finished by the deadline t+{}s (+{}s outages)",
                                (*open_deadline - start).count(), outage_slack().count()));
            }
            t = *next;
        }
    }
};

}  // namespace

LivenessResult run_liveness(Request kind, std::uint64_t seed, const TestHooks& hooks) {
    LiveRunner r{kind, seed, hooks};
    return r.go();
}

}  // namespace zw::rollover::sim
