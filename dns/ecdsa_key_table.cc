#include "dns/ecdsa_key_table.h"

// EC_GROUP_precompute_mult (the table for a group's generator) and
// EC_POINT_get_Jprojective_coordinates_GFp are deprecated in OpenSSL 3.0 and nothing else
// in its API does their work: they are used only with ZW_OPENSSL_EC_FAST_PATH (the CMake
// option of the same name). Without it, build() returns nullptr and the caller verifies
// through EVP.
#include "dns/openssl_fast_path.h"
#if ZW_OPENSSL_EC_FAST_PATH
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <vector>

#include "dns/mont_batch_inverse.h"
#include "dns/openssl.h"

namespace zw::dns {

namespace {

using Group = EcGroup;
using Point = EcPoint;
using Bn = Bignum;

constexpr int coordinate = 32;

Bn new_bn() { return Bn(BN_new()); }

}  // namespace

bool openssl_ec_fast_path() { return ZW_OPENSSL_EC_FAST_PATH != 0; }

struct EcdsaKeyTable::State {
    Group curve;  // generator G, with OpenSSL's own table
    Group keyed;  // the same curve with Q as its generator, and a table for it
    BnCtx ctx;
    // Arithmetic modulo the group order n and the field prime p is Montgomery's: a plain
    // modular multiplication divides, and the seven a verification needs would be 6% of it.
    MontCtx order_mont, field_mont;
    Point u1g, u2q;
    Bn p;  // the field prime
    Bn order_minus_2, e, u1, u2, x, z, z2, rz2;
    // Per check of a batch, kept between calls: r, s (then in Montgomery form), the running
    // product of the s values, and w = s⁻¹ in Montgomery form.
    std::vector<Bn> r, s, product, w;

    bool grow(std::size_t count) {
        while (r.size() < count) {
            for (auto* v : {&r, &s, &product, &w}) {
                v->push_back(new_bn());
                if (!v->back()) return false;
            }
        }
        return true;
    }
    // x(u1·G + u2·Q) ≡ r (mod n), given w = s⁻¹ in Montgomery form.
    bool check(const Check& c, BIGNUM* r_value, const BIGNUM* w_value);
    // u1·G + u2·Q into u1g.
    bool sum_point(BIGNUM* r_value, const BIGNUM* w_value);
};

EcdsaKeyTable::EcdsaKeyTable(std::unique_ptr<State> state) : state_(std::move(state)) {}
EcdsaKeyTable::~EcdsaKeyTable() = default;

std::unique_ptr<EcdsaKeyTable> EcdsaKeyTable::build(std::span<const std::uint8_t> public_key) {
#if !ZW_OPENSSL_EC_FAST_PATH
    (void)public_key;
    return nullptr;
#else
    if (public_key.size() != 2 * coordinate) return nullptr;
    auto st = std::make_unique<State>();
    st->curve.reset(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    st->keyed.reset(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    st->ctx.reset(BN_CTX_new());
    if (!st->curve || !st->keyed || !st->ctx) return nullptr;
    st->u1g.reset(EC_POINT_new(st->curve.get()));
    st->u2q.reset(EC_POINT_new(st->curve.get()));
    st->order_mont.reset(BN_MONT_CTX_new());
    st->field_mont.reset(BN_MONT_CTX_new());
    for (auto* bn : {&st->p, &st->order_minus_2, &st->e, &st->u1, &st->u2, &st->x, &st->z, &st->z2,
                     &st->rz2}) {
        *bn = new_bn();
        if (!*bn) return nullptr;
    }
    const BIGNUM* n = EC_GROUP_get0_order(st->curve.get());
    if (!st->u1g || !st->u2q || !st->order_mont || !st->field_mont ||
        EC_GROUP_get_curve(st->curve.get(), st->p.get(), nullptr, nullptr, st->ctx.get()) != 1 ||
        BN_MONT_CTX_set(st->field_mont.get(), st->p.get(), st->ctx.get()) != 1 ||
        BN_MONT_CTX_set(st->order_mont.get(), n, st->ctx.get()) != 1 ||
        !BN_copy(st->order_minus_2.get(), n) || BN_sub_word(st->order_minus_2.get(), 2) != 1) {
        return nullptr;
    }

    std::array<std::uint8_t, 1 + 2 * coordinate> encoded{0x04};
    std::copy(public_key.begin(), public_key.end(), encoded.begin() + 1);
    Point q(EC_POINT_new(st->curve.get()));
    // oct2point refuses a point that is not on the curve; the point at infinity has no
    // uncompressed encoding, so Q is a proper point of prime order n.
    if (!q || EC_POINT_oct2point(st->curve.get(), q.get(), encoded.data(), encoded.size(),
                                 st->ctx.get()) != 1) {
        return nullptr;
    }
    if (EC_GROUP_set_generator(st->keyed.get(), q.get(), n,
                               EC_GROUP_get0_cofactor(st->curve.get())) != 1 ||
        EC_GROUP_precompute_mult(st->keyed.get(), st->ctx.get()) != 1) {
        return nullptr;
    }
    return std::unique_ptr<EcdsaKeyTable>(new EcdsaKeyTable(std::move(st)));
#endif
}

void EcdsaKeyTable::verify(std::span<Check> checks) {
    for (Check& c : checks) c.valid = false;
#if ZW_OPENSSL_EC_FAST_PATH
    State& st = *state_;
    BN_CTX* ctx = st.ctx.get();
    const BIGNUM* n = EC_GROUP_get0_order(st.curve.get());
    if (!st.grow(checks.size())) return;
    // Signatures with r, s outside [1, n-1] are invalid and stay out of the product.
    std::vector<std::size_t> in_range;
    in_range.reserve(checks.size());
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto sig = checks[i].signature;
        if (sig.size() != 2 * coordinate || !BN_bin2bn(sig.data(), coordinate, st.r[i].get()) ||
            !BN_bin2bn(sig.data() + coordinate, coordinate, st.s[i].get())) {
            continue;
        }
        if (BN_is_zero(st.r[i].get()) || BN_is_zero(st.s[i].get()) ||
            BN_cmp(st.r[i].get(), n) >= 0 || BN_cmp(st.s[i].get(), n) >= 0) {
            continue;
        }
        in_range.push_back(i);
    }
    std::vector<BIGNUM*> values, inverses, products;
    for (std::size_t i : in_range) {
        if (BN_to_montgomery(st.s[i].get(), st.s[i].get(), st.order_mont.get(), ctx) != 1) return;
        values.push_back(st.s[i].get());
        inverses.push_back(st.w[i].get());
        products.push_back(st.product[i].get());
    }
    // n is prime and every s is in [1, n-1], so each has an inverse.
    if (!mont_batch_inverse(values, inverses, products, n, st.order_minus_2.get(),
                            st.order_mont.get(), ctx))
        return;
    for (std::size_t i : in_range)
        checks[i].valid = st.check(checks[i], st.r[i].get(), st.w[i].get());
#endif
}

bool EcdsaKeyTable::State::check(const Check& c, BIGNUM* r_value, const BIGNUM* w_value) {
#if !ZW_OPENSSL_EC_FAST_PATH
    (void)c;
    (void)r_value;
    (void)w_value;
    return false;
#else
    BN_CTX* bn_ctx = ctx.get();
    const BIGNUM* n = EC_GROUP_get0_order(curve.get());
    BN_MONT_CTX* mod_p = field_mont.get();
    // A SHA-256 digest is exactly as long as n, so it is used whole (no truncation); it is
    // below 2n, so one subtraction reduces it. With w in Montgomery form (w·R), one
    // Montgomery product gives u = e·w·R·R⁻¹ = e·w itself.
    if (!BN_bin2bn(c.digest.data(), coordinate, e.get()) ||
        (BN_cmp(e.get(), n) >= 0 && !BN_sub(e.get(), e.get(), n)) || !sum_point(r_value, w_value) ||
        EC_POINT_is_at_infinity(curve.get(), u1g.get())) {
        return false;
    }
    // x = X/Z² in Jacobian coordinates: comparing X with r·Z² saves the field inversion of
    // an affine conversion. Montgomery products carry a factor R⁻¹ each, so both sides are
    // compared with R⁻² on them: X·R⁻² against (Z·Z·R⁻¹)·r·R⁻¹.
    if (EC_POINT_get_Jprojective_coordinates_GFp(curve.get(), u1g.get(), x.get(), nullptr, z.get(),
                                                 bn_ctx) != 1 ||
        BN_mod_mul_montgomery(z2.get(), z.get(), z.get(), mod_p, bn_ctx) != 1 ||
        BN_from_montgomery(x.get(), x.get(), mod_p, bn_ctx) != 1 ||
        BN_from_montgomery(x.get(), x.get(), mod_p, bn_ctx) != 1 ||
        BN_mod_mul_montgomery(rz2.get(), z2.get(), r_value, mod_p, bn_ctx) != 1) {
        return false;
    }
    if (BN_cmp(x.get(), rz2.get()) == 0) return true;
    // x in [n, p) was reduced mod n to give r (SEC 1 §4.1.4 step 7): x = r + n.
    if (!BN_add(r_value, r_value, n) || BN_cmp(r_value, p.get()) >= 0) return false;
    return BN_mod_mul_montgomery(rz2.get(), z2.get(), r_value, mod_p, bn_ctx) == 1 &&
           BN_cmp(x.get(), rz2.get()) == 0;
#endif
}

bool EcdsaKeyTable::State::sum_point(BIGNUM* r_value, const BIGNUM* w_value) {
    BN_CTX* bn_ctx = ctx.get();
    BN_MONT_CTX* mod_n = order_mont.get();
    // Each product runs on its group's table; the sum is a point of the one curve.
    return BN_mod_mul_montgomery(u1.get(), e.get(), w_value, mod_n, bn_ctx) == 1 &&
           BN_mod_mul_montgomery(u2.get(), r_value, w_value, mod_n, bn_ctx) == 1 &&
           EC_POINT_mul(curve.get(), u1g.get(), u1.get(), nullptr, nullptr, bn_ctx) == 1 &&
           EC_POINT_mul(keyed.get(), u2q.get(), u2.get(), nullptr, nullptr, bn_ctx) == 1 &&
           EC_POINT_add(curve.get(), u1g.get(), u1g.get(), u2q.get(), bn_ctx) == 1;
}

}  // namespace zw::dns

#if ZW_OPENSSL_EC_FAST_PATH
#pragma GCC diagnostic pop
#endif
