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

enum class Rule {
    ds_exists,          // rule 1 (3a)
    dnskey_chain,       // rule 2 (3b-3e)
    signature_chain,    // rule 3 (3f-3i)
    own_ds_cached,      // a DNSKEY/KRRSIG stays while its own DS may be cached alone
    own_zrrsig_cached,  // a DNSKEY stays while zone signatures made by it alone may be
};

struct Unsafe {
    Rule rule = Rule::ds_exists;
    std::string why;
};

// Empty when the transition keeps the zone valid; otherwise which rule forbids it.
[[nodiscard]] std::optional<Unsafe> unsafe(std::span<const KeyView> keys, std::uint32_t key,
                                           Record record, RecordState next, bool going_insecure);

// The records the rule reads, besides the one that would move: only a move of one of them
// can make the refused transition safe later (what a stuck zone's cycle of waits names).
[[nodiscard]] std::vector<RecordRef> inputs(std::span<const KeyView> keys, std::uint32_t key,
                                            Record record, Rule rule);

}  // namespace zw::rollover
