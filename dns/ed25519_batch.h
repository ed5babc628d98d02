#pragma once
// Ed25519 signatures by one public key verified together (RFC 8032 §5.1.7, with the
// random linear combination of Bernstein, Duif, Lange, Schwabe and Yang, "High-speed
// high-security signatures", §5).
//
// Each signature i (R_i, S_i) over M_i must satisfy [8][S_i]B = [8]R_i + [8][k_i]A with
// k_i = SHA-512(R_i | A | M_i). With random 128-bit z_i, the batch checks the one equation
// [8](Σ z_i·R_i + [Σ z_i·k_i]A − [Σ z_i·S_i]B) = 0, which holds for every batch of valid
// signatures and, when any signature is invalid, with probability at most 2^-127 over the
// z_i, which nobody who made the signatures knows. Since every signature has the same A,
// its term and B's are one multiplication each for the whole batch, and the rest is one
// multi-scalar multiplication with short scalars (Straus, width-5 NAF): several times less
// work than verifying one by one.
//
// It only ever accepts: a false result (an invalid signature, or one whose R or S does not
// decode) says nothing about which; the caller then verifies each by itself
// (dns::Verifier), so every refusal is the library's. It accepts what RFC 8032's equation
// accepts, the cofactored one; OpenSSL and Nettle check the cofactorless [S]B = R + [k]A,
// which refuses, besides, signatures whose R differs from a valid one by a point of small
// order, something that a signing error produces with probability about 2^-250.
//
// Public values only: the arithmetic (curve25519_field.h) is not constant time. One
// verifier belongs to one thread.

#include <memory>
#include <span>

#include "dns/verifier.h"

namespace zw::dns {

class Ed25519BatchVerifier {
public:
    // From the 32-octet public key of an Ed25519 DNSKEY; nullptr when it is not the
    // canonical encoding of a curve point (the caller then verifies one by one).
    [[nodiscard]] static std::unique_ptr<Ed25519BatchVerifier> create(std::span<const std::uint8_t> public_key);
    ~Ed25519BatchVerifier();
    Ed25519BatchVerifier(const Ed25519BatchVerifier&) = delete;
    Ed25519BatchVerifier& operator=(const Ed25519BatchVerifier&) = delete;

    // True when every signature of the batch verifies (see above); does not set valid.
    [[nodiscard]] bool verify_all(std::span<const Verifier::Check> checks);

    // Batches larger than this are checked in parts of this size.
    static constexpr std::size_t max_batch = 64;

private:
    struct State;
    explicit Ed25519BatchVerifier(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace zw::dns
