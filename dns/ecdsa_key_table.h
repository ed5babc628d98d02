#pragma once
// ECDSA P-256 verification with a precomputed table of multiples of the public key.
//
// OpenSSL verifies u1·G + u2·Q with its built-in table for the generator G but computes
// u2·Q from scratch every time, so one verification costs about three signatures. A zone's
// self-check verifies hundreds of thousands of signatures by the same ZSK: giving Q the
// same kind of table OpenSSL keeps for G (about 150 KB, built in tens of milliseconds)
// makes each verification cost about one signature. The check is the one of SEC 1
// §4.1.4, done with the published public key only: accept iff 1 <= r, s < n and
// x(u1·G + u2·Q) ≡ r (mod n), with w = s⁻¹, u1 = e·w, u2 = r·w.
//
// A signer checking its own output also holds the private scalar d. Once d·G is shown to
// be the published Q, u1·G + u2·Q = (u1 + u2·d)·G, so one multiplication gives the same
// point as the two: the verdict is the same, at half the cost. It multiplies not G but
// G' = t⁻¹·G for a random t (by (u1 + u2·d)·t), so that neither its scalar nor its table
// is the one the signer's k·G used: a point computed wrongly in signing is not computed
// wrongly the same way in the check. u1 + u2·d is the signature's nonce k whenever the
// signature is valid, so it is handled as a secret: in constant-time numbers, on the
// constant-time table path OpenSSL signs with, and cleared after each use.
//
// One table belongs to one thread (it keeps its scratch numbers between calls).

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include <openssl/evp.h>

namespace zw::dns {

class EcdsaKeyTable {
public:
    // From the RFC 6605 public key field (x | y, 64 octets). nullptr when the point is not
    // on the curve or OpenSSL cannot build the table; the caller then verifies through EVP.
    // key_pair, when given, is used only if its private scalar d gives d·G = Q; otherwise
    // (another key, no private half) the table is the public one.
    [[nodiscard]] static std::unique_ptr<EcdsaKeyTable> build(std::span<const std::uint8_t> public_key,
                                                              EVP_PKEY* key_pair = nullptr);
    // True when verification runs on the private scalar (one multiplication instead of two).
    [[nodiscard]] bool uses_private_key() const;
    ~EcdsaKeyTable();
    EcdsaKeyTable(const EcdsaKeyTable&) = delete;
    EcdsaKeyTable& operator=(const EcdsaKeyTable&) = delete;

    // digest: SHA-256 of the signed data; signature: r | s, 32 octets each (RFC 6605 §4).
    struct Check {
        std::array<std::uint8_t, 32> digest;
        std::span<const std::uint8_t> signature;
        bool valid = false;
    };
    // Sets valid on each check. Many at once share one modular inversion (Montgomery's
    // trick): the inversion of s costs more than a third of a lone verification.
    void verify(std::span<Check> checks);

private:
    struct State;
    explicit EcdsaKeyTable(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace zw::dns
