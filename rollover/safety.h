#pragma once
// The DNSSEC safety gate: may a record of a key move to a new (view) state without any
// resolver, whatever mix of cached and fresh RRsets it holds, seeing a broken chain?
// Rules after Mekking, "Flexible and Robust Key Rollover" (the equations BIND's
// keymgr.c tags 3a..3i), evaluated on the resolver-view state of every key.

#include <span>
#include <string>
#include <vector>

#include "rollover/key_state.h"

namespace zw::rollover {

struct KeyView {
    std::uint32_t id = 0;
    std::uint8_t algorithm = 0;
    std::optional<std::uint32_t> predecessor;
    std::array<RecordState, 4> s{};  // indexed by Record
};

[[nodiscard]] std::vector<KeyView> views(std::span<const KeyState> keys);

// Empty when the transition keeps the zone valid; otherwise which rule forbids it.
[[nodiscard]] std::optional<std::string> unsafe(std::span<const KeyView> keys, std::uint32_t key,
                                                Record record, RecordState next,
                                                bool going_insecure);

}  // namespace zw::rollover
