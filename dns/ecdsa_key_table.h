#pragma once
// ECDSA P-256 verification by the public key Q with a precomputed table of its multiples.
//
// OpenSSL verifies u1·G + u2·Q with its built-in table for G but computes u2·Q from
// scratch every time, about three signatures' worth. A zone's self-check verifies many
// signatures by one key: a table for Q like OpenSSL's for G (about 150 KB, tens of
// milliseconds to build) makes each verification cost about one signature. The check is
// SEC 1 §4.1.4's: accept iff 1 <= r, s < n and x(u1·G + u2·Q) ≡ r (mod n), with
// w = s⁻¹, u1 = e·w, u2 = r·w. One table belongs to one thread (it keeps scratch numbers).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace zw::dns {

// Whether the fast path on OpenSSL's deprecated EC API is built in (openssl_fast_path.h).
[[nodiscard]] bool openssl_ec_fast_path();

// Which way OpenSSL signs and verifies ECDSA: on the fast path where it is built (the
// default), or through EVP alone, which the tests compare it with.
enum class OpensslEcPath { fast_if_built, evp_only };

// A verifier builds a table for a key after this many P-256 verifications: building it
// costs about what it saves over 500 of them.
inline constexpr std::size_t p256_table_after = 1000;

class EcdsaKeyTable {
  public:
    // From the RFC 6605 public key field (x | y, 64 octets). nullptr when the point is not
    // on the curve or OpenSSL cannot build the table (without its deprecated EC API); the
    // caller then verifies through EVP.
    [[nodiscard]] static std::unique_ptr<EcdsaKeyTable> build(
        std::span<const std::uint8_t> public_key);
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
