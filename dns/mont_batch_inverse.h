#pragma once
// Many inverses modulo one prime for the price of one (Montgomery's trick), in Montgomery
// form throughout, where a product of two numbers in that form stays in it. ECDSA needs an
// inverse per signature: of the nonce k when signing, of s when verifying. One inversion
// costs as much as dozens of Montgomery multiplications, and the trick needs three per
// number.

#include <openssl/bn.h>

#include <span>

namespace zw::dns {

// For values[j] = a_j·R mod m, the Montgomery form of a_j in [1, m-1] with m prime, sets
// inverses[j] = a_j⁻¹·R mod m. products is scratch of the same length; the three spans
// hold distinct numbers. The one inversion is Fermat's (a^(m-2)), by OpenSSL's
// constant-time exponentiation, so secret values may pass; m_minus_2 is m - 2. False when
// OpenSSL fails, and then the inverses are unspecified.
[[nodiscard]] bool mont_batch_inverse(std::span<BIGNUM* const> values,
                                      std::span<BIGNUM* const> inverses,
                                      std::span<BIGNUM* const> products, const BIGNUM* m,
                                      const BIGNUM* m_minus_2, BN_MONT_CTX* mont, BN_CTX* ctx);

}  // namespace zw::dns
