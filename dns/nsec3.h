#pragma once
// NSEC3 arithmetic shared by the signer and the validator (RFC 5155).

#include <cstdint>
#include <optional>
#include <span>

#include "dns/rr.h"

namespace zw::dns {

// RFC 5155 §5: IH(salt, x, k), iterated SHA-1 of the canonical name and the salt.
[[nodiscard]] Bytes nsec3_hash(const Name& name, std::span<const std::uint8_t> salt,
                               std::uint16_t iterations);

// The fields of NSEC3 RDATA (RFC 5155 §3.2) that proofs need; nullopt if malformed.
struct Nsec3Fields {
    std::uint8_t hash_algorithm = 0;
    std::uint8_t flags = 0;
    std::uint16_t iterations = 0;
    std::span<const std::uint8_t> salt;
    std::span<const std::uint8_t> next_hash;
    std::span<const std::uint8_t> bitmap;

    [[nodiscard]] bool opt_out() const { return (flags & 1) != 0; }
};
[[nodiscard]] std::optional<Nsec3Fields> parse_nsec3(std::span<const std::uint8_t> rdata);

}  // namespace zw::dns
