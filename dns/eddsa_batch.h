#pragma once
// EdDSA signatures by one public key verified together (RFC 8032 §5.1.7 and §5.2.7, with
// the random linear combination of Bernstein, Duif, Lange, Schwabe and Yang, "High-speed
// high-security signatures", §5), for Ed25519 and Ed448.
//
// Each signature i (R_i, S_i) over M_i must satisfy [c][S_i]B = [c]R_i + [c][k_i]A, with
// k_i the scheme's hash of R_i, A and M_i and c the cofactor (8, 4). With random 128-bit
// z_i the batch checks the one equation [c](Σ z_i·R_i + [Σ z_i·k_i]A − [Σ z_i·S_i]B) = 0,
// which holds for every batch of valid signatures and, when any is invalid, with
// probability at most 2^-127 over the z_i, which nobody who made the signatures knows.
// Every signature has the same A, so its term and B's are one multiplication each for the
// whole batch, and the rest is one multi-scalar multiplication with short scalars
// (Straus, width-5 non-adjacent forms): several times less work than one by one.
//
// It only ever accepts: false (an invalid signature, or one whose R or S does not decode)
// says nothing about which; the caller then verifies each by itself (dns::Verifier), so
// every refusal is the library's. It accepts what RFC 8032's equations accept, the
// cofactored ones; OpenSSL and Nettle check the cofactorless [S]B = R + [k]A, which also
// refuses a signature whose R differs from a valid one by a point of small order, which a
// signing error makes with probability about 2^-250.
//
// Public values only: the field arithmetic (curve25519_field.h, curve448_field.h) is not
// constant time. One verifier belongs to one thread.

#include <memory>
#include <span>

#include "dns/verifier.h"

namespace zw::dns {

class EddsaBatchVerifier {
  public:
    // For an Ed25519 or Ed448 DNSKEY's public key; nullptr for other algorithms and when the
    // key is not the canonical encoding of a curve point (the caller verifies one by one).
    [[nodiscard]] static std::unique_ptr<EddsaBatchVerifier> create(
        std::uint8_t algorithm, std::span<const std::uint8_t> public_key);
    virtual ~EddsaBatchVerifier() = default;

    // True when every signature of the batch verifies (see above); does not set valid.
    [[nodiscard]] virtual bool verify_all(std::span<const Verifier::Check> checks) = 0;

    // The size of the batches verify_all() works in.
    static constexpr std::size_t max_batch = 64;
};

}  // namespace zw::dns
