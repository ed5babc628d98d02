#pragma once
// Small helpers over Nettle (and the GMP numbers under it) for the DNSSEC crypto of dns/
// and signer/: fixed-width big-endian octets to and from GMP limbs, the curves of RFC 6605,
// and wiping.

#include <gmp.h>
#include <nettle/ecc-curve.h>

#include <cstdint>
#include <span>
#include <vector>

namespace zw::dns {

// Nettle's curve for an ECDSA algorithm (13, 14); nullptr for others.
[[nodiscard]] const ecc_curve* nettle_curve(std::uint8_t algorithm);

// Limbs, least significant first, as Nettle's low-level ECC functions take them.
using Limbs = std::vector<mp_limb_t>;

// Big-endian octets into `limbs` (which must be wide enough; higher limbs are zeroed).
void limbs_from_octets(std::span<const std::uint8_t> octets, std::span<mp_limb_t> limbs);
// The low octets.size() octets of `limbs`, big-endian.
void octets_from_limbs(std::span<const mp_limb_t> limbs, std::span<std::uint8_t> octets);

// Overwrites memory that held a secret, in a way the compiler keeps.
void wipe(void* data, std::size_t size);
void wipe(std::span<mp_limb_t> limbs);
// The limbs an mpz_t holds, all of its allocation.
void wipe(mpz_t number);

// Makes GMP clear every block it frees or moves, so that the temporaries Nettle's RSA and
// ECC code keeps in GMP numbers do not leave secrets in freed memory. Process-wide and
// idempotent; call before any GMP number is made.
void wipe_gmp_memory_on_free();

}  // namespace zw::dns
