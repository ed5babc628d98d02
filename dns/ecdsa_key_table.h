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
// One table belongs to one thread (it keeps its scratch numbers between calls).

#include <array>
#include <cstdint>
#include <memory>
#include <span>

namespace zw::dns {

class EcdsaKeyTable {
public:
    // From the RFC 6605 public key field (x | y, 64 octets). nullptr when the point is not
    // on the curve or OpenSSL cannot build the table; the caller then verifies through EVP.
    [[nodiscard]] static std::unique_ptr<EcdsaKeyTable> build(std::span<const std::uint8_t> public_key);
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
