#include "signer/ecdsa_batch_signer.h"

// EC_KEY, ECDSA_do_sign_ex, EC_POINTs_make_affine and
// EC_POINT_get_Jprojective_coordinates_GFp are deprecated in OpenSSL 3.0 but present, and
// the 3.0 provider API has no way to hand a signature its setup values: they are used only
// with ZW_OPENSSL_EC_FAST_PATH (dns/openssl_fast_path.h). Without it, create() returns
// nullptr and the caller signs through EVP.
#include "dns/openssl_fast_path.h"
#if ZW_OPENSSL_EC_FAST_PATH
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/rand.h>

#include <algorithm>
#include <vector>

#include "dns/mont_batch_inverse.h"
#include "dns/openssl.h"

namespace zw::signer {

namespace {

using Bn = dns::Bignum;
using dns::BnCtx;
using Point = dns::EcPoint;
using dns::MontCtx;
using EcKey = std::unique_ptr<EC_KEY, Free<EC_KEY_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Free<ECDSA_SIG_free>>;

}  // namespace

struct EcdsaBatchSigner::State {
    EcKey key;
    const EC_GROUP* group = nullptr;
    const BIGNUM* order = nullptr;
    int width = 0;  // octets of the order, and of r and s in the signature
    BnCtx ctx;
    MontCtx order_mont;
    Bn order_minus_2, x, z;
    // Per nonce of a batch: k (then k⁻¹, in place), k in Montgomery form, the running
    // product of those, r = x(k·G) mod n, and the point.
    std::vector<Bn> k, k_mont, product, r;
    std::vector<Point> points;
    std::vector<EC_POINT*> point_ptrs;
    std::vector<std::uint8_t> random;
    std::vector<std::size_t> ready;  // indices whose (k⁻¹, r) are unused, last one first
    std::size_t next_batch = 1;

    bool grow(std::size_t count);
    bool draw_nonces(std::size_t count);
    bool refill();
};

EcdsaBatchSigner::EcdsaBatchSigner(std::unique_ptr<State> state) : state_(std::move(state)) {}
EcdsaBatchSigner::~EcdsaBatchSigner() = default;

std::unique_ptr<EcdsaBatchSigner> EcdsaBatchSigner::create(EVP_PKEY* key) {
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return nullptr;
    auto st = std::make_unique<State>();
    st->key.reset(EVP_PKEY_get1_EC_KEY(key));
    if (!st->key || !EC_KEY_get0_private_key(st->key.get())) return nullptr;
    st->group = EC_KEY_get0_group(st->key.get());
    st->order = EC_GROUP_get0_order(st->group);
    st->width = BN_num_bytes(st->order);
    st->ctx.reset(BN_CTX_new());
    st->order_mont.reset(BN_MONT_CTX_new());
    for (auto* bn : {&st->order_minus_2, &st->x, &st->z}) {
        *bn = dns::secret_bignum();
        if (!*bn) return nullptr;
    }
    if (!st->ctx || !st->order_mont ||
        BN_MONT_CTX_set(st->order_mont.get(), st->order, st->ctx.get()) != 1 ||
        !BN_copy(st->order_minus_2.get(), st->order) ||
        BN_sub_word(st->order_minus_2.get(), 2) != 1) {
        return nullptr;
    }
    return std::unique_ptr<EcdsaBatchSigner>(new EcdsaBatchSigner(std::move(st)));
}

bool EcdsaBatchSigner::sign(std::span<const std::uint8_t> digest, dns::Bytes& out) {
    State& st = *state_;
    // s = 0 happens with probability about 2^-256; OpenSSL then asks for new setup values.
    for (int attempt = 0; attempt < 2; ++attempt) {
        // A refill can leave nothing ready only if every nonce of the batch gave r = 0.
        if (st.ready.empty() && (!st.refill() || st.ready.empty())) return false;
        const std::size_t i = st.ready.back();
        st.ready.pop_back();
        EcdsaSig sig(ECDSA_do_sign_ex(digest.data(), static_cast<int>(digest.size()), st.k[i].get(),
                                      st.r[i].get(), st.key.get()));
        BN_clear(st.k[i].get());
        if (!sig) continue;
        const std::size_t at = out.size();
        out.resize(at + 2 * static_cast<std::size_t>(st.width));
        if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data() + at, st.width) != st.width ||
            BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + at + st.width, st.width) !=
                st.width) {
            out.resize(at);
            return false;
        }
        return true;
    }
    return false;
}

bool EcdsaBatchSigner::State::grow(std::size_t count) {
    while (k.size() < count) {
        k.push_back(dns::secret_bignum());
        k_mont.push_back(dns::secret_bignum());
        product.push_back(dns::secret_bignum());
        r.push_back(Bn(BN_new()));
        points.push_back(Point(EC_POINT_new(group)));
        if (!k.back() || !k_mont.back() || !product.back() || !r.back() || !points.back())
            return false;
        point_ptrs.push_back(points.back().get());
    }
    return true;
}

// Uniform in [1, n-1] by rejection, from OpenSSL's private DRBG as its own ECDSA setup
// draws them. For P-256 a draw is rejected with probability about 2^-32.
bool EcdsaBatchSigner::State::draw_nonces(std::size_t count) {
    const auto w = static_cast<std::size_t>(width);
    random.resize(count * w);
    bool ok = RAND_priv_bytes(random.data(), static_cast<int>(random.size())) == 1;
    for (std::size_t i = 0; ok && i < count; ++i) {
        std::uint8_t* bytes = random.data() + i * w;
        for (;;) {
            if (!BN_bin2bn(bytes, width, k[i].get())) {
                ok = false;
                break;
            }
            if (!BN_is_zero(k[i].get()) && BN_cmp(k[i].get(), order) < 0) break;
            if (RAND_priv_bytes(bytes, width) != 1) {
                ok = false;
                break;
            }
        }
    }
    OPENSSL_cleanse(random.data(), random.size());
    return ok;
}

bool EcdsaBatchSigner::State::refill() {
    const std::size_t count = next_batch;
    next_batch = std::min(2 * next_batch, max_batch);
    BN_CTX* c = ctx.get();
    BN_MONT_CTX* mont = order_mont.get();
    if (!grow(count) || !draw_nonces(count)) return false;
    for (std::size_t i = 0; i < count; ++i) {
        if (EC_POINT_mul(group, points[i].get(), k[i].get(), nullptr, nullptr, c) != 1)
            return false;
    }
    // One field inversion for the whole batch; the points then have Z = 1, so X is x.
    if (EC_POINTs_make_affine(group, count, point_ptrs.data(), c) != 1) return false;
    std::vector<std::size_t> usable;
    usable.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (EC_POINT_get_Jprojective_coordinates_GFp(group, points[i].get(), x.get(), nullptr,
                                                     z.get(), c) != 1) {
            return false;
        }
        if (!BN_is_one(z.get()) &&
            EC_POINT_get_affine_coordinates(group, points[i].get(), x.get(), nullptr, c) != 1) {
            return false;
        }
        if (!BN_nnmod(r[i].get(), x.get(), order, c)) return false;
        if (!BN_is_zero(r[i].get()))
            usable.push_back(i);
        else
            BN_clear(k[i].get());  // r = 0: that nonce is dropped
    }
    if (usable.empty()) return true;
    // The inverses of the batch replace k itself, which is not needed past this point.
    std::vector<BIGNUM*> values, inverses, products;
    for (std::size_t i : usable) {
        if (BN_to_montgomery(k_mont[i].get(), k[i].get(), mont, c) != 1) return false;
        values.push_back(k_mont[i].get());
        inverses.push_back(k[i].get());
        products.push_back(product[i].get());
    }
    if (!dns::mont_batch_inverse(values, inverses, products, order, order_minus_2.get(), mont, c))
        return false;
    for (std::size_t i : usable) {
        if (BN_from_montgomery(k[i].get(), k[i].get(), mont, c) != 1) return false;
    }
    for (std::size_t i = 0; i < count; ++i) {
        BN_clear(k_mont[i].get());
        BN_clear(product[i].get());
    }
    ready.assign(usable.rbegin(), usable.rend());
    return true;
}

}  // namespace zw::signer

#pragma GCC diagnostic pop
#else  // without the fast path: the caller signs through EVP

namespace zw::signer {

struct EcdsaBatchSigner::State {};
EcdsaBatchSigner::EcdsaBatchSigner(std::unique_ptr<State> state) : state_(std::move(state)) {}
EcdsaBatchSigner::~EcdsaBatchSigner() = default;
std::unique_ptr<EcdsaBatchSigner> EcdsaBatchSigner::create(EVP_PKEY*) { return nullptr; }
bool EcdsaBatchSigner::sign(std::span<const std::uint8_t>, dns::Bytes&) { return false; }

}  // namespace zw::signer

#endif
