#pragma once
// Records in presentation format (RFC 1035 §5.1), written directly: names escaped as
// RFC 1035 asks (including '"', '$' and '@', which ldns's printer leaves bare and which
// make a zone file unloadable), and the DNSSEC types printed without a detour through
// ldns objects, since a signed zone is mostly RRSIG, NSEC and NSEC3 text.

#include <span>
#include <string>

#include "dns/rr.h"

namespace zw::dns {

// Appends "owner<TAB>ttl<TAB>IN<TAB>TYPE<TAB>rdata" without a newline. RDATA that does not
// parse as its type is written in the RFC 3597 generic form, which every server loads.
void append_rr_text(std::string& out, const Name& owner, std::uint32_t ttl, std::uint16_t type,
                    std::span<const std::uint8_t> rdata);

// The two halves of append_rr_text, for writers that print many records of one owner and
// TTL: "owner<TAB>ttl<TAB>IN<TAB>", then "TYPE<TAB>rdata" (owner is needed only to print
// RDATA that ldns formats).
void append_rr_prefix(std::string& out, const Name& owner, std::uint32_t ttl);
void append_rr_data_text(std::string& out, const Name& owner, std::uint16_t type,
                         std::span<const std::uint8_t> rdata);

}  // namespace zw::dns
