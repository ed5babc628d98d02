#pragma once
// Resource records as plain values: owner, type, TTL and uncompressed wire RDATA, class IN
// only. Embedded names in RDATA are lowercased on load (see rdata.h), so the bytes here are
// exactly what RFC 4034 §6.2 signs.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/name.h"

namespace zw::dns {

using Bytes = std::vector<std::uint8_t>;

// The RR types zonewarden reasons about by number.
namespace rrtype {
inline constexpr std::uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16,
                               AAAA = 28, SRV = 33, DNAME = 39, DS = 43, RRSIG = 46, NSEC = 47,
                               DNSKEY = 48, NSEC3 = 50, NSEC3PARAM = 51, CDS = 59, CDNSKEY = 60;
}  // namespace rrtype

inline constexpr std::uint16_t class_in = 1;

struct Rr {
    Name owner;
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    Bytes rdata;

    friend bool operator==(const Rr&, const Rr&) = default;
};

// "A", "DNSKEY", or "TYPE65280" for types without a mnemonic.
[[nodiscard]] std::string type_to_text(std::uint16_t type);
[[nodiscard]] std::optional<std::uint16_t> type_from_text(std::string_view text);

// True for the types only a signer may put in a zone.
[[nodiscard]] bool is_dnssec_generated_type(std::uint16_t type);

// RFC 4034 §6.3 order of records within an RRset: by RDATA as unsigned octet strings.
// Spans, so that RDATA not held in a Bytes (an RRSIG kept from a signing state) sorts alike.
[[nodiscard]] bool rdata_less(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

// Presentation format of one record, one line, fields separated by tabs.
[[nodiscard]] Result<std::string> rr_to_text(const Rr& rr);
// Parses one record in presentation format (used for key files and tests, not zones).
[[nodiscard]] Result<Rr> rr_from_text(std::string_view text, const Name* origin = nullptr);

// Appends the uncompressed wire form owner|type|class|ttl|rdlength|rdata.
void append_rr_wire(Bytes& out, const Rr& rr);

}  // namespace zw::dns
