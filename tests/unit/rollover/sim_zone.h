#pragma once
// One zone in a simulated world (sim_world.h), driven the way app/ drives it: each pass
// asks the engine, executes its actions against the world (key generation at once, zone
// versions to the child servers, DS sets to the registrar), answers its probes from what
// the servers serve, and repeats at the same instant until nothing moves. Shared by the
// safety (sim_run.h) and the liveness (liveness_run.h) property tests.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "rollover/engine.h"
#include "sim_world.h"

namespace zw::rollover::sim {

// Every key wanted is everywhere, nothing is leaving, nothing awaits a check.
[[nodiscard]] bool settled(const ZoneState& z);

struct SimZone {
    explicit SimZone(const TestHooks& h) : hooks(h) {}

    const TestHooks& hooks;
    Policy policy;
    WorldParams wp;
    std::optional<World> world;
    ZoneState zone;
    std::vector<Observation> observations;
    std::vector<std::pair<Instant, std::string>> engine_log;
    Decision last;
    Seconds probe_interval{30};  // how often app/ re-runs checks that are still pending
    std::size_t moves = 0;       // record transitions so far

    // A random policy of seconds and a random world (1-4 child and 1-3 parent servers,
    // delays, Dreg, probe interval). The engine's DprpC/DprpP are drawn independently of
    // the world's real delays: safety must come from confirmations, not from a good guess.
    void randomize(std::mt19937_64& rng);
    // Creates the world; call after the policy and world parameters are final.
    void start(std::uint64_t world_seed);

    void pass(Instant t);
    // When app/ would call again after a pass at t: the engine's wake_at, or sooner when a
    // check is pending (every probe_interval); empty when nothing would ever happen.
    [[nodiscard]] std::optional<Instant> next_wake(Instant t) const;

    // The engine's moves and the world's events up to `upto`, the last 80 lines.
    [[nodiscard]] std::string timeline(Instant start, Instant upto) const;
    // The policy and world in one paragraph, for a counterexample.
    [[nodiscard]] std::string setup_text() const;
    // The last decision's waits, one line each.
    [[nodiscard]] std::string waits_text() const;
};

// A value in [lo, hi] seconds.
[[nodiscard]] Seconds pick(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi);

}  // namespace zw::rollover::sim
