// Montgomery's trick must give each number its own inverse, in Montgomery form, for every
// batch size the signer and the verifier use, and the edge values 1 and m-1.
#include "dns/mont_batch_inverse.h"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <vector>

#include "dns/openssl.h"

namespace zw::dns {
namespace {

struct Modulus {
    EcGroup group{EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)};
    const BIGNUM* m = EC_GROUP_get0_order(group.get());
    Bignum m_minus_2{BN_dup(m)};
    BnCtx ctx{BN_CTX_new()};
    MontCtx mont{BN_MONT_CTX_new()};

    Modulus() {
        EXPECT_EQ(BN_sub_word(m_minus_2.get(), 2), 1);
        EXPECT_EQ(BN_MONT_CTX_set(mont.get(), m, ctx.get()), 1);
    }
    std::vector<Bignum> numbers(std::size_t count) const {
        std::vector<Bignum> out;
        for (std::size_t i = 0; i < count; ++i) out.emplace_back(BN_new());
        return out;
    }
    static std::vector<BIGNUM*> pointers(const std::vector<Bignum>& v) {
        std::vector<BIGNUM*> out;
        for (const auto& b : v) out.push_back(b.get());
        return out;
    }
    // Inverts plain values through the Montgomery form and checks a·a⁻¹ = 1 for each.
    void check(const std::vector<Bignum>& plain) {
        auto values = numbers(plain.size()), inverses = numbers(plain.size()),
             products = numbers(plain.size());
        for (std::size_t i = 0; i < plain.size(); ++i) {
            ASSERT_EQ(BN_to_montgomery(values[i].get(), plain[i].get(), mont.get(), ctx.get()), 1);
        }
        ASSERT_TRUE(mont_batch_inverse(pointers(values), pointers(inverses), pointers(products), m,
                                       m_minus_2.get(), mont.get(), ctx.get()));
        Bignum product(BN_new());
        for (std::size_t i = 0; i < plain.size(); ++i) {
            // (a·R)·(a⁻¹·R)·R⁻¹ = R, which leaves Montgomery form as 1.
            ASSERT_EQ(BN_mod_mul_montgomery(product.get(), values[i].get(), inverses[i].get(),
                                            mont.get(), ctx.get()),
                      1);
            ASSERT_EQ(BN_from_montgomery(product.get(), product.get(), mont.get(), ctx.get()), 1);
            EXPECT_TRUE(BN_is_one(product.get())) << "number " << i << " of " << plain.size();
        }
    }
};

TEST(MontBatchInverse, EveryNumberOfABatchGetsItsOwnInverse) {
    Modulus mod;
    for (std::size_t count : {1u, 2u, 3u, 17u, 64u}) {
        std::vector<Bignum> plain;
        for (std::size_t i = 0; i < count; ++i) {
            plain.emplace_back(BN_new());
            do {
                ASSERT_EQ(BN_rand_range(plain.back().get(), mod.m), 1);
            } while (BN_is_zero(plain.back().get()));
        }
        mod.check(plain);
    }
}

TEST(MontBatchInverse, OneAndMinusOneAreTheirOwnInverses) {
    Modulus mod;
    std::vector<Bignum> plain;
    plain.emplace_back(BN_new());
    ASSERT_EQ(BN_one(plain.back().get()), 1);
    plain.emplace_back(BN_dup(mod.m));
    ASSERT_EQ(BN_sub_word(plain.back().get(), 1), 1);
    plain.emplace_back(BN_dup(plain.back().get()));  // the same value twice in one batch
    mod.check(plain);
}

TEST(MontBatchInverse, RefusesSpansOfDifferentLengthsAndAcceptsAnEmptyBatch) {
    Modulus mod;
    auto a = mod.numbers(2), b = mod.numbers(1), c = mod.numbers(2);
    EXPECT_FALSE(mont_batch_inverse(Modulus::pointers(a), Modulus::pointers(b),
                                    Modulus::pointers(c), mod.m, mod.m_minus_2.get(),
                                    mod.mont.get(), mod.ctx.get()));
    EXPECT_TRUE(
        mont_batch_inverse({}, {}, {}, mod.m, mod.m_minus_2.get(), mod.mont.get(), mod.ctx.get()));
}

}  // namespace
}  // namespace zw::dns
