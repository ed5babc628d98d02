#pragma once
// RRSIG RDATA and the data it signs (RFC 4034 §3.1, §3.1.8.1, §6).

#include <cstdint>
#include <span>
#include <vector>

#include "base/duration.h"
#include "dns/rr.h"

namespace zw::dns {

// The RRSIG RDATA fields before the signature.
struct RrsigFields {
    std::uint16_t type_covered = 0;
    std::uint8_t algorithm = 0;
    std::uint8_t labels = 0;
    std::uint32_t original_ttl = 0;
    std::uint32_t expiration = 0;
    std::uint32_t inception = 0;
    std::uint16_t key_tag = 0;
    Name signer;

    void append_to(Bytes& out) const;
    // Parses the fields of an RRSIG RDATA; sets signature_offset to where the signature starts.
    [[nodiscard]] static Result<RrsigFields> parse(std::span<const std::uint8_t> rdata,
                                                   std::size_t& signature_offset);
};

// RFC 4034 §3.1.3: labels of the owner, root and a leading wildcard not counted.
[[nodiscard]] std::uint8_t rrsig_labels(const Name& owner);

// RFC 4034 §3.1.8.1: RRSIG fields | each RR in canonical form and order. The RDATA must
// already be canonical: names lowercased, sorted (§6.3), no duplicates.
void append_signed_data(Bytes& out, std::span<const std::uint8_t> rrsig_fields, const Name& owner,
                        std::uint16_t type, std::span<const Bytes> rdatas,
                        std::uint32_t original_ttl);

// Signature times are 32-bit serial numbers of seconds (RFC 4034 §3.1.5).
[[nodiscard]] inline std::uint32_t to_sig_time(Instant t) {
    return static_cast<std::uint32_t>(t.time_since_epoch().count());
}

}  // namespace zw::dns
