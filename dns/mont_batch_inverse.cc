#include "dns/mont_batch_inverse.h"

namespace zw::dns {

bool mont_batch_inverse(std::span<BIGNUM* const> values, std::span<BIGNUM* const> inverses,
                        std::span<BIGNUM* const> products, const BIGNUM* m, const BIGNUM* m_minus_2,
                        BN_MONT_CTX* mont, BN_CTX* ctx) {
    const std::size_t count = values.size();
    if (inverses.size() != count || products.size() != count) return false;
    if (count == 0) return true;
    // products[j] = a_0·…·a_j
    if (!BN_copy(products[0], values[0])) return false;
    for (std::size_t j = 1; j < count; ++j) {
        if (BN_mod_mul_montgomery(products[j], products[j - 1], values[j], mont, ctx) != 1)
            return false;
    }
    BN_CTX_start(ctx);
    BIGNUM* inverse = BN_CTX_get(ctx);
    bool ok = inverse != nullptr;
    if (ok) {
        BN_set_flags(inverse, BN_FLG_CONSTTIME);
        // (a_0·…·a_last)⁻¹: out of Montgomery form for the exponentiation, then back.
        ok = BN_from_montgomery(inverse, products[count - 1], mont, ctx) == 1 &&
             BN_mod_exp_mont_consttime(inverse, inverse, m_minus_2, m, ctx, mont) == 1 &&
             BN_to_montgomery(inverse, inverse, mont, ctx) == 1;
    }
    // Walking back: a_j⁻¹ = (a_0·…·a_j)⁻¹·(a_0·…·a_(j-1)), and (a_0·…·a_(j-1))⁻¹ =
    // (a_0·…·a_j)⁻¹·a_j.
    for (std::size_t j = count; ok && j-- > 1;) {
        ok = BN_mod_mul_montgomery(inverses[j], inverse, products[j - 1], mont, ctx) == 1 &&
             BN_mod_mul_montgomery(inverse, inverse, values[j], mont, ctx) == 1;
    }
    ok = ok && BN_copy(inverses[0], inverse) != nullptr;
    if (inverse) BN_clear(inverse);
    BN_CTX_end(ctx);
    return ok;
}

}  // namespace zw::dns
