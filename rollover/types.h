#pragma once
// Value types shared by the rollover engine, the store and the app/ executor. Keys are
// named by a small value (KeyRef) so that this library does not depend on dns/: the
// executor maps a KeyRef to real key material.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/duration.h"

namespace zw::rollover {

enum class Role { ksk, zsk, csk };

// The four kinds of record a key puts into the world (Mekking, "Flexible and Robust Key
// Rollover"; BIND keymgr): its DNSKEY, its signature over the DNSKEY RRset (KRRSIG), its
// signatures over the zone data (ZRRSIG) and its DS at the parent.
enum class Record { dnskey, krrsig, zrrsig, ds };
inline constexpr std::array<Record, 4> all_records{Record::dnskey, Record::krrsig, Record::zrrsig,
                                                   Record::ds};
[[nodiscard]] constexpr std::size_t index(Record r) { return static_cast<std::size_t>(r); }

// hidden:      no resolver can have it cached
// rumoured:    every server serves it (confirmed), but some caches may still lack it
// omnipresent: every resolver that has the RRset cached has this record
// unretentive: no server serves it (confirmed), but some caches may still hold it
enum class RecordState { hidden, rumoured, omnipresent, unretentive };

// What a key wants for all its records: to be in every cache, or in none.
enum class Goal { omnipresent, hidden };

enum class RolloverRequest { none, scheduled, emergency };

struct KeyRef {
    std::uint32_t id = 0;        // unique per zone, assigned by the engine
    std::uint8_t algorithm = 0;  // DNSSEC algorithm number (RFC 8624)
    Role role = Role::zsk;
    std::optional<std::uint16_t> tag;  // known once the executor generated the key

    friend bool operator==(const KeyRef&, const KeyRef&) = default;
};

// One record of one key (by the engine's key id), e.g. what a gate waits on.
struct RecordRef {
    std::uint32_t key = 0;
    Record record = Record::dnskey;

    friend bool operator==(const RecordRef&, const RecordRef&) = default;
};

// Does a key of this role put this kind of record into the world?
[[nodiscard]] constexpr bool applies(Role role, Record record) {
    switch (record) {
        case Record::dnskey:
            return true;
        case Record::krrsig:
        case Record::ds:
            return role == Role::ksk || role == Role::csk;
        case Record::zrrsig:
            return role == Role::zsk || role == Role::csk;
    }
    return false;
}

[[nodiscard]] std::string_view name(Role r);
[[nodiscard]] std::string_view name(Record r);
[[nodiscard]] std::string_view name(RecordState s);
[[nodiscard]] std::string_view name(Goal g);
[[nodiscard]] std::string_view name(RolloverRequest r);

// Inverses of name(); nullopt for an unknown word (used by the store and the CLI).
[[nodiscard]] std::optional<Role> parse_role(std::string_view s);
[[nodiscard]] std::optional<Record> parse_record(std::string_view s);
[[nodiscard]] std::optional<RecordState> parse_record_state(std::string_view s);
[[nodiscard]] std::optional<Goal> parse_goal(std::string_view s);
[[nodiscard]] std::optional<RolloverRequest> parse_rollover_request(std::string_view s);

}  // namespace zw::rollover
