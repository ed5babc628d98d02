#pragma once
// The signatures a signing run made, as one digest that does not depend on their order:
// the sum, in four 64-bit lanes modulo 2^64, of SHA-256(key | data | signature) over each
// signature and the exact data it covers, with a key drawn at random for the run, and
// their count. The signer adds what it makes; the sampled self-check adds what it finds
// in the zone, and the two sums are equal only if the zone holds exactly the signatures
// made over exactly the data they were made over (docs/signer.md, "Self-check modes").
//
// A change between signing and checking (a record, a TTL, a signature's bytes, a
// signature lost, moved or added) changes the sum but with probability about 2^-256.
// What the digest cannot show is a signature that was wrong when it was made: only
// verification by the public key shows that.

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "base/error.h"

namespace zw::signer {

class SignatureDigest {
  public:
    // An empty digest with a new random key; nullopt-like failure when OpenSSL has no
    // random numbers or no SHA-256.
    [[nodiscard]] static Result<SignatureDigest> with_new_key();
    // An empty digest with the same key (for another thread, or for the check).
    [[nodiscard]] SignatureDigest empty_copy() const;

    SignatureDigest(SignatureDigest&&) noexcept;
    SignatureDigest& operator=(SignatureDigest&&) noexcept;
    ~SignatureDigest();

    // Adds one signature; returns the first 64 bits of its hash, which are uniform and
    // unpredictable without the key (the sampled check draws its subset from them).
    std::uint64_t add(std::span<const std::uint8_t> data, std::span<const std::uint8_t> signature);
    void merge(const SignatureDigest& other);

    [[nodiscard]] std::size_t count() const { return count_; }
    // Same key, same sum, same count.
    [[nodiscard]] bool same_as(const SignatureDigest& other) const;

  private:
    SignatureDigest();
    struct Hasher;
    std::array<std::uint8_t, 16> key_{};
    std::array<std::uint64_t, 4> sum_{};
    std::size_t count_ = 0;
    std::unique_ptr<Hasher> hasher_;  // made on first use: one per thread
};

}  // namespace zw::signer
