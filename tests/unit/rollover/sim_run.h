#pragma once
// One simulated rollover: the engine drives a random World (sim_world.h) the way app/
// would, and the World checks every second that every TTL-consistent cache validates.

#include <cstdint>
#include <string>

#include "rollover/engine.h"

namespace zw::rollover::sim {

enum class Kind {
    first_signing,
    zsk_pre_publication,
    zsk_double_signature,
    ksk_double_ksk,
    ksk_double_ds,
    ksk_double_rrset,
    csk,
    algorithm,
    going_insecure,
    emergency,
    lifetimes,  // no operator: short lifetimes roll KSK and ZSK on schedule, overlapping
    emergency_mid_rollover,  // the successor of a running KSK/ZSK rollover is compromised
};
inline constexpr Kind all_kinds[] = {Kind::first_signing,
                                     Kind::zsk_pre_publication,
                                     Kind::zsk_double_signature,
                                     Kind::ksk_double_ksk,
                                     Kind::ksk_double_ds,
                                     Kind::ksk_double_rrset,
                                     Kind::csk,
                                     Kind::algorithm,
                                     Kind::going_insecure,
                                     Kind::emergency,
                                     Kind::lifetimes,
                                     Kind::emergency_mid_rollover};
[[nodiscard]] std::string_view name(Kind k);

struct RunResult {
    bool safe = true;       // no cache combination ever failed to validate
    bool completed = true;  // the rollover finished within the time limit
    std::string report;     // counterexample: the failing caches and the timeline
};

[[nodiscard]] RunResult run(Kind kind, std::uint64_t seed, const TestHooks& hooks = {});

}  // namespace zw::rollover::sim
