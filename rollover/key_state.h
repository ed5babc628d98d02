#pragma once
// The persisted state of a zone's keys: per key a goal and, per record kind, the state of
// the Mekking model plus what zonewarden currently publishes. The store saves exactly
// this; the engine maps it to the next value.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/duration.h"
#include "rollover/types.h"

namespace zw::rollover {

struct RecordStatus {
    RecordState state = RecordState::hidden;
    Instant since{};                      // when `state` was entered
    bool published = false;               // what we tell the signer / the parent right now
    std::optional<Instant> requested_at;  // when `published` last changed

    friend bool operator==(const RecordStatus&, const RecordStatus&) = default;
};

struct KeyState {
    KeyRef key;
    Goal goal = Goal::omnipresent;
    std::array<RecordStatus, 4> records{};
    Instant created{};
    // Tact: when the last of its records was introduced (confirmed rumoured); the
    // lifetime counts from here (RFC 7583 §3).
    std::optional<Instant> active_since;
    std::optional<std::uint32_t> predecessor;
    std::optional<std::uint32_t> successor;
    RolloverRequest request = RolloverRequest::none;

    [[nodiscard]] const RecordStatus& at(Record r) const { return records[index(r)]; }
    [[nodiscard]] RecordStatus& at(Record r) { return records[index(r)]; }
    friend bool operator==(const KeyState&, const KeyState&) = default;
};

struct ZoneState {
    std::vector<KeyState> keys;
    // Offboarding: withdraw the DS first, wait TTLds, then unsign (RFC 6781 §4.2 reversed).
    bool going_insecure = false;
    std::optional<Seconds> observed_dreg;    // RFC 7583 Dreg, as last measured
    std::optional<Seconds> observed_ds_ttl;  // TTLds as served by the parent
    std::uint32_t next_key_id = 1;

    friend bool operator==(const ZoneState&, const ZoneState&) = default;
};

// The key with this engine id, if the zone has it.
[[nodiscard]] inline const KeyState* find_key(const ZoneState& z, std::optional<std::uint32_t> id) {
    if (!id) return nullptr;
    for (const auto& k : z.keys)
        if (k.key.id == *id) return &k;
    return nullptr;
}

// The keys whose record `r` is published now (DNSKEY: in the DNSKEY RRset; KRRSIG/ZRRSIG:
// signing the DNSKEY RRset / the rest of the zone; DS: in the set wanted at the parent),
// in key order.
[[nodiscard]] inline std::vector<KeyRef> published_keys(const ZoneState& z, Record r) {
    std::vector<KeyRef> out;
    for (const auto& k : z.keys)
        if (k.at(r).published) out.push_back(k.key);
    return out;
}

// The state a record has from a resolver's point of view once the current publication
// reaches the servers: a record we publish but that is not yet confirmed everywhere may
// already be in some caches (rumoured); one we withdrew may still be (unretentive).
[[nodiscard]] constexpr RecordState view(const RecordStatus& r) {
    switch (r.state) {
        case RecordState::hidden:
        case RecordState::unretentive:
            return r.published ? RecordState::rumoured : r.state;
        case RecordState::rumoured:
        case RecordState::omnipresent:
            return r.published ? r.state : RecordState::unretentive;
    }
    return r.state;
}

// A publication change that the live checks have not confirmed yet.
[[nodiscard]] constexpr bool pending(const RecordStatus& r) {
    switch (r.state) {
        case RecordState::hidden:
        case RecordState::unretentive:
            return r.published;
        case RecordState::rumoured:
        case RecordState::omnipresent:
            return !r.published;
    }
    return false;
}

}  // namespace zw::rollover
