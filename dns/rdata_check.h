#pragma once
// Whether RDATA is well formed for its type, as strictly as the peers that load our output:
// BIND refuses a record whose RDATA does not parse as its type (RFC 3597 §5: RDATA in the
// generic form must match the type's own format when the type is known), Knot refuses DS
// digests of the wrong length, ldns refuses a field that runs past the end. The layout of
// each type (its fields and their kinds) is ldns's; what is checked inside a field (a DS
// digest's length for its digest type, the parameters of SVCB) comes from the RFC cited
// beside it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace zw::dns {

// RFC 6895 §3.1: type 0, OPT (41) and 128-255 (TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY
// and the unassigned rest of that range) are query or meta types, never zone data.
[[nodiscard]] bool is_meta_type(std::uint16_t type);

// Why the RDATA is not acceptable for the type ("an A record holds 4 octets, this one 3"),
// or nullopt when it is. Types without a layout in ldns are opaque: any RDATA will do.
[[nodiscard]] std::optional<std::string> rdata_problem(std::uint16_t type,
                                                       std::span<const std::uint8_t> rdata);

}  // namespace zw::dns
