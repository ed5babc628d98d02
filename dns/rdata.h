#pragma once
// Knowledge of RDATA layouts that signing needs: where the embedded names are (to lowercase
// them, RFC 4034 §6.2) and the few fields we read or rewrite (SOA serial, target names).

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "dns/rr.h"

namespace zw::dns {

// The fields of the RDATA types that embed domain names (RFC 4034 §6.2's list).
enum class RdataField : std::uint8_t { u16, u32, name, charstring };

[[nodiscard]] bool has_rdata_names(std::uint16_t type);
// Calls fn for each field in order; false when the type has no layout here or the RDATA
// does not match it.
[[nodiscard]] bool visit_rdata_fields(
    std::uint16_t type, std::span<const std::uint8_t> rdata,
    const std::function<void(RdataField, std::span<const std::uint8_t>)>& fn);

// Lowercases the names inside RDATA for the types of RFC 4034 §6.2. False when the RDATA
// of such a type is malformed (a name running past the end).
[[nodiscard]] bool lowercase_rdata_names(std::uint16_t type, Bytes& rdata);

// The single target name of NS, CNAME, DNAME, PTR (and the exchange of MX), if any.
[[nodiscard]] std::optional<Name> rdata_target_name(std::uint16_t type, const Bytes& rdata);

// SOA fields after the two names.
struct SoaTimers {
    std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
};
[[nodiscard]] std::optional<SoaTimers> soa_timers(const Bytes& rdata);
[[nodiscard]] bool set_soa_serial(Bytes& rdata, std::uint32_t serial);

[[nodiscard]] inline std::uint16_t read_u16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
[[nodiscard]] inline std::uint32_t read_u32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
inline void put_u16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}
inline void put_u32(Bytes& out, std::uint32_t v) {
    put_u16(out, static_cast<std::uint16_t>(v >> 16));
    put_u16(out, static_cast<std::uint16_t>(v));
}

}  // namespace zw::dns
