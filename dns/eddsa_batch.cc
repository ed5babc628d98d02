#include "dns/eddsa_batch.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <vector>

#include "dns/dnssec.h"
#include "dns/ed25519_curve.h"
#include "dns/ed448_curve.h"
#include "dns/openssl.h"

namespace zw::dns {

namespace {

using u64 = std::uint64_t;
using u128 = unsigned __int128;

// What the generic batch needs of a scheme, from RFC 8032 §5.1 and §5.2.
struct Ed25519 {
    using Point = ed25519::Point;
    using Cached = ed25519::Cached;
    static constexpr std::size_t key_octets = 32, signature_octets = 64, hash_octets = 64,
                                 scalar_limbs = 4;
    static constexpr int cofactor_doublings = 3;  // c = 8
    static constexpr const char* digest = "SHA512";
    static constexpr std::string_view dom = "";  // dom2 is empty for pure Ed25519
    static constexpr const char* order_hex =
        "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed";
    static Point identity() { return ed25519::identity(); }
    static Point dbl(const Point& p) { return ed25519::dbl(p); }
    static Point add(const Point& p, const Cached& q) { return ed25519::add(p, q); }
    static Cached negate(const Cached& q) { return ed25519::negate(q); }
    static Cached cached(const Point& p) { return ed25519::cached(p, ed25519::Curve::get()); }
    static bool is_identity(const Point& p) { return ed25519::is_identity(p); }
    static std::optional<Point> decode(std::span<const std::uint8_t> s) {
        return ed25519::decode(s, ed25519::Curve::get());
    }
    static const std::array<Cached, 8>& base() { return ed25519::Curve::get().base; }
};

struct Ed448 {
    using Point = ed448::Point;
    using Cached = ed448::Cached;
    static constexpr std::size_t key_octets = 57, signature_octets = 114, hash_octets = 114,
                                 scalar_limbs = 7;
    static constexpr int cofactor_doublings = 2;  // c = 4
    static constexpr const char* digest = "SHAKE256";
    static constexpr std::string_view dom{"SigEd448\0\0", 10};  // dom4(0, "")
    static constexpr const char* order_hex =
        "3fffffffffffffffffffffffffffffffffffffffffffffffffffffff7cca23e9c44edb49aed63690216cc2728d"
        "c58f552378c292ab5844f3";
    static Point identity() { return ed448::identity(); }
    static Point dbl(const Point& p) { return ed448::dbl(p); }
    static Point add(const Point& p, const Cached& q) { return ed448::add(p, q); }
    static Cached negate(const Cached& q) { return ed448::negate(q); }
    static Cached cached(const Point& p) { return ed448::cached(p, ed448::Curve::get()); }
    static bool is_identity(const Point& p) { return ed448::is_identity(p); }
    static std::optional<Point> decode(std::span<const std::uint8_t> s) {
        return ed448::decode(s, ed448::Curve::get());
    }
    static const std::array<Cached, 8>& base() { return ed448::Curve::get().base; }
};

// Width-5 non-adjacent form of a little-endian scalar: digits in {0, ±1, ±3, ..., ±15},
// at most one nonzero in any five in a row; returns the highest nonzero position, or -1.
template <std::size_t Limbs>
int naf5(std::vector<std::int8_t>& out, const std::array<u64, Limbs>& scalar) {
    std::array<u64, Limbs + 1> k{};
    std::copy(scalar.begin(), scalar.end(), k.begin());
    out.assign(64 * Limbs + 1, 0);
    int top = -1;
    auto nonzero = [&] { return std::any_of(k.begin(), k.end(), [](u64 w) { return w != 0; }); };
    for (std::size_t i = 0; i < out.size() && nonzero(); ++i) {
        if (k[0] & 1) {
            int d = static_cast<int>(k[0] & 31);
            if (d >= 16) d -= 32;
            out[i] = static_cast<std::int8_t>(d);
            top = static_cast<int>(i);
            if (d > 0) {  // k -= d
                u64 borrow = static_cast<u64>(d);
                for (u64& w : k) {
                    const u64 before = w;
                    w -= borrow;
                    borrow = w > before;
                    if (!borrow) break;
                }
            } else {  // k += -d
                u64 carry_in = static_cast<u64>(-d);
                for (u64& w : k) {
                    w += carry_in;
                    carry_in = w < carry_in;
                    if (!carry_in) break;
                }
            }
        }
        for (std::size_t j = 0; j + 1 < k.size(); ++j) k[j] = k[j] >> 1 | k[j + 1] << 63;
        k.back() >>= 1;
    }
    return top;
}

// acc += a·b over little-endian limbs; acc is long enough for the sum.
template <std::size_t N, std::size_t M, std::size_t K>
void multiply_add(std::array<u64, K>& acc, const std::array<u64, N>& a,
                  const std::array<u64, M>& b) {
    for (std::size_t i = 0; i < N; ++i) {
        u64 carry_in = 0;
        for (std::size_t j = 0; j < M; ++j) {
            const u128 t = static_cast<u128>(a[i]) * b[j] + acc[i + j] + carry_in;
            acc[i + j] = static_cast<u64>(t);
            carry_in = static_cast<u64>(t >> 64);
        }
        for (std::size_t j = i + M; carry_in != 0 && j < K; ++j) {
            const u128 t = static_cast<u128>(acc[j]) + carry_in;
            acc[j] = static_cast<u64>(t);
            carry_in = static_cast<u64>(t >> 64);
        }
    }
}

// Little-endian octets as limbs (the limbs must have room).
template <std::size_t K>
std::array<u64, K> limbs_of(std::span<const std::uint8_t> octets) {
    std::array<u64, K> out{};
    std::memcpy(out.data(), octets.data(), std::min(octets.size(), 8 * K));
    return out;
}

template <typename Scheme>
class Batch final : public EddsaBatchVerifier {
  public:
    static constexpr std::size_t hash_limbs = (Scheme::hash_octets + 7) / 8;
    static constexpr std::size_t s_octets = Scheme::signature_octets - Scheme::key_octets;

    static std::unique_ptr<EddsaBatchVerifier> create(std::span<const std::uint8_t> public_key) {
        auto a = Scheme::decode(public_key);
        if (!a) return nullptr;
        auto b = std::unique_ptr<Batch>(new Batch());
        b->public_key_.assign(public_key.begin(), public_key.end());
        b->key_multiples_ = odd_multiples(*a);
        BIGNUM* order = nullptr;
        if (BN_hex2bn(&order, Scheme::order_hex) == 0) return nullptr;
        b->order_.reset(order);
        if (!b->md_ctx_ || !b->md_ || !b->bn_ctx_ ||
            BN_bn2lebinpad(order, b->order_le_.data(), static_cast<int>(s_octets)) !=
                static_cast<int>(s_octets)) {
            return nullptr;
        }
        return b;
    }

    bool verify_all(std::span<const Verifier::Check> checks) override {
        for (std::size_t at = 0; at < checks.size(); at += max_batch) {
            if (!verify_part(checks.subspan(at, std::min(max_batch, checks.size() - at))))
                return false;
        }
        return true;
    }

  private:
    Batch() = default;

    static std::array<typename Scheme::Cached, 8> odd_multiples(const typename Scheme::Point& p) {
        std::array<typename Scheme::Cached, 8> out;
        const auto two = Scheme::cached(Scheme::dbl(p));
        auto m = p;
        for (auto& entry : out) {
            entry = Scheme::cached(m);
            m = Scheme::add(m, two);
        }
        return out;
    }

    // S < L, both little-endian.
    bool below_order(std::span<const std::uint8_t> s) const {
        for (std::size_t i = s_octets; i-- > 0;) {
            if (s[i] != order_le_[i]) return s[i] < order_le_[i];
        }
        return false;
    }

    bool hash(std::span<const std::uint8_t> r, std::span<const std::uint8_t> message,
              std::uint8_t* out) {
        EVP_MD_CTX* c = md_ctx_.get();
        if (EVP_DigestInit_ex(c, md_.get(), nullptr) != 1 ||
            EVP_DigestUpdate(c, Scheme::dom.data(), Scheme::dom.size()) != 1 ||
            EVP_DigestUpdate(c, r.data(), r.size()) != 1 ||
            EVP_DigestUpdate(c, public_key_.data(), public_key_.size()) != 1 ||
            EVP_DigestUpdate(c, message.data(), message.size()) != 1) {
            return false;
        }
        if (EVP_MD_get_flags(md_.get()) & EVP_MD_FLAG_XOF)
            return EVP_DigestFinalXOF(c, out, Scheme::hash_octets) == 1;
        unsigned int length = 0;
        return EVP_DigestFinal_ex(c, out, &length) == 1 && length == Scheme::hash_octets;
    }

    // sum mod L as the limbs of a scalar, negated when asked.
    template <std::size_t K>
    bool scalar(const std::array<u64, K>& sum, bool negated,
                std::array<u64, Scheme::scalar_limbs>& out) {
        std::array<std::uint8_t, 8 * K> le{};
        std::memcpy(le.data(), sum.data(), le.size());
        Bignum v(BN_lebin2bn(le.data(), static_cast<int>(le.size()), nullptr));
        if (!v || BN_nnmod(v.get(), v.get(), order_.get(), bn_ctx_.get()) != 1) return false;
        if (negated && !BN_is_zero(v.get()) && BN_sub(v.get(), order_.get(), v.get()) != 1)
            return false;
        std::array<std::uint8_t, 8 * Scheme::scalar_limbs> out_le{};
        if (BN_bn2lebinpad(v.get(), out_le.data(), static_cast<int>(out_le.size())) < 0)
            return false;
        std::memcpy(out.data(), out_le.data(), out_le.size());
        return true;
    }

    bool verify_part(std::span<const Verifier::Check> checks) {
        const std::size_t n = checks.size();
        std::vector<std::array<u64, 2>> z(n);
        if (RAND_bytes(reinterpret_cast<unsigned char*>(z.data()),
                       static_cast<int>(n * sizeof z[0])) != 1)
            return false;
        r_multiples_.resize(n);
        nafs_.resize(n + 2);
        tops_.resize(n + 2);
        std::array<u64, (s_octets + 7) / 8 + 3> sum_s{};  // Σ z·S, with room for the carries
        std::array<u64, hash_limbs + 3> sum_k{};          // Σ z·k
        std::array<std::uint8_t, Scheme::hash_octets> h{};
        for (std::size_t i = 0; i < n; ++i) {
            const auto sig = checks[i].signature;
            if (sig.size() != Scheme::signature_octets ||
                !below_order(sig.subspan(Scheme::key_octets)))
                return false;
            auto r = Scheme::decode(sig.first(Scheme::key_octets));
            if (!r || !hash(sig.first(Scheme::key_octets), checks[i].data, h.data())) return false;
            r_multiples_[i] = odd_multiples(*r);
            z[i][1] |= u64{1} << 63;  // z in [2^127, 2^128): never 0
            multiply_add(sum_k, z[i], limbs_of<hash_limbs>(h));
            multiply_add(sum_s, z[i],
                         limbs_of<(s_octets + 7) / 8>(sig.subspan(Scheme::key_octets)));
            tops_[i] = naf5(nafs_[i], z[i]);
        }
        // Σ z·R + [Σ z·k]A + [L - Σ z·S]B = 0, times the cofactor.
        std::array<u64, Scheme::scalar_limbs> ck{}, cs{};
        if (!scalar(sum_k, false, ck) || !scalar(sum_s, true, cs)) return false;
        tops_[n] = naf5(nafs_[n], ck);
        tops_[n + 1] = naf5(nafs_[n + 1], cs);
        const int top = *std::max_element(tops_.begin(), tops_.end());
        auto acc = Scheme::identity();
        for (int bit = top; bit >= 0; --bit) {
            acc = Scheme::dbl(acc);
            const auto b = static_cast<std::size_t>(bit);
            for (std::size_t i = 0; i < n + 2; ++i) {
                if (b >= nafs_[i].size()) continue;
                const int d = nafs_[i][b];
                if (d == 0) continue;
                const auto& table = i < n    ? r_multiples_[i]
                                    : i == n ? key_multiples_
                                             : Scheme::base();
                const auto& m = table[static_cast<std::size_t>((d < 0 ? -d : d) / 2)];
                acc = Scheme::add(acc, d > 0 ? m : Scheme::negate(m));
            }
        }
        for (int i = 0; i < Scheme::cofactor_doublings; ++i) acc = Scheme::dbl(acc);
        return Scheme::is_identity(acc);
    }

    std::vector<std::uint8_t> public_key_;
    std::array<typename Scheme::Cached, 8> key_multiples_;  // A, 3A, ..., 15A
    Bignum order_;
    std::array<std::uint8_t, s_octets> order_le_{};
    EvpMdCtx md_ctx_{EVP_MD_CTX_new()};
    std::unique_ptr<EVP_MD, OsslFree<EVP_MD_free>> md_{
        EVP_MD_fetch(nullptr, Scheme::digest, nullptr)};
    BnCtx bn_ctx_{BN_CTX_new()};
    // Per batch: the multiples of each R and the non-adjacent forms of the scalars.
    std::vector<std::array<typename Scheme::Cached, 8>> r_multiples_;
    std::vector<std::vector<std::int8_t>> nafs_;
    std::vector<int> tops_;
};

}  // namespace

std::unique_ptr<EddsaBatchVerifier> EddsaBatchVerifier::create(
    std::uint8_t algorithm, std::span<const std::uint8_t> public_key) {
    switch (algorithm) {
        case alg::ed25519:
            return Batch<Ed25519>::create(public_key);
        case alg::ed448:
            return Batch<Ed448>::create(public_key);
        default:
            return nullptr;
    }
}

}  // namespace zw::dns
