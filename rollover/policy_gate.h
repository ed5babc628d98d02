#pragma once
// Gate 1 of the engine: the rollover method (RFC 7583 §3.2/§3.3) and the algorithm
// rollover order (RFC 6781 §4.1.4), on top of what DNSSEC safety alone would allow. The
// policy only orders introductions (-> rumoured) and withdrawals (-> unretentive); a
// record that has been introduced or withdrawn finishes its move on time alone.

#include <optional>
#include <string>
#include <vector>

#include "rollover/key_state.h"
#include "rollover/policy.h"

namespace zw::rollover {

struct PolicyBlock {
    std::string why;
    std::vector<RecordRef> on;  // the records whose move lifts this block
};

// Why the policy keeps record `r` of key `k` from moving to view state `next`, if it does.
[[nodiscard]] std::optional<PolicyBlock> policy_blocks(const Policy& p, const ZoneState& z,
                                                       const KeyState& k, Record r,
                                                       RecordState next);

// The keys that take over from `k`: its successor and, while that one leaves too, the
// successor's own successor, and so on (a key rolled again before it was in use hands its
// place on, as BIND's transitive successor relation does). Empty when none of them stays
// (offboarding, an algorithm or role the policy dropped): then nothing takes over, and
// only safety orders the withdrawal.
[[nodiscard]] std::vector<const KeyState*> takers(const ZoneState& z, const KeyState& k);

}  // namespace zw::rollover
