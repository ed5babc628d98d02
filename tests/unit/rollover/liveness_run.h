#pragma once
// One simulated run of the liveness property: a zone in a random world (sim_zone.h) gets
// operator requests at unfriendly moments, and every request must be finished within a
// bound computed from the policy and the world's delays, while the safety property (every
// TTL-consistent resolver cache validates) holds at every second.

#include <cstdint>
#include <string>
#include <string_view>

#include "rollover/engine.h"

namespace zw::rollover::sim {

// What an operator can ask of a zone, as app/ turns it into engine input.
enum class Request {
    onboard,        // first signing (every run starts with it)
    ksk,            // zonewarden rollover ZONE --ksk
    zsk,            // zonewarden rollover ZONE --zsk
    csk,            // --ksk on a zone whose policy uses a CSK
    emergency,      // --ksk or --zsk --emergency
    algorithm,      // the policy's algorithm changes (13 <-> 8)
    method,         // the policy's KSK or ZSK method changes, or KSK+ZSK <-> CSK
    offboard,       // zonewarden offboard ZONE
    onboard_again,  // zonewarden onboard ZONE while (or after) it is offboarded
};
inline constexpr Request tested_requests[] = {
    Request::ksk,       Request::zsk,    Request::csk,      Request::emergency,
    Request::algorithm, Request::method, Request::offboard, Request::onboard_again};
[[nodiscard]] std::string_view name(Request r);

// When the request under test arrives.
enum class Moment {
    securing,      // during the first signing, before the DS is everywhere
    mid_rollover,  // in some phase of another request
    offboarding,   // while the zone goes insecure
    twice,         // the same request again, in some phase of the first
};
inline constexpr Moment all_moments[] = {Moment::securing, Moment::mid_rollover,
                                         Moment::offboarding, Moment::twice};
[[nodiscard]] std::string_view name(Moment m);

struct LivenessResult {
    bool safe = true;      // no cache combination ever failed to validate
    bool finished = true;  // every request finished within its bound
    Moment moment = Moment::securing;
    // The request under test: how long it took from its arrival and its deadline then.
    Seconds took{0}, allowed{0};
    bool arrived_unsettled = false;  // it found the zone in the middle of something
    bool refused = false;            // a rollover refused while offboarding
    std::string report;              // counterexample: the requests, the waits and the timeline
};

[[nodiscard]] LivenessResult run_liveness(Request kind, std::uint64_t seed,
                                          const TestHooks& hooks = {});

}  // namespace zw::rollover::sim
