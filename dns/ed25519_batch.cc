#include "dns/ed25519_batch.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <mutex>
#include <optional>
#include <vector>

#include "dns/curve25519_field.h"
#include "dns/openssl.h"

namespace zw::dns {

namespace {

using namespace fe25519;
using Octets32 = std::array<std::uint8_t, 32>;

// Extended twisted Edwards coordinates (Hisil, Wong, Carter, Dawson 2008) of
// -x^2 + y^2 = 1 + d·x^2·y^2: x = X/Z, y = Y/Z, x·y = T/Z.
struct Point {
    Fe X, Y, Z, T;
};
// A point made ready to be added: Y - X, Y + X, 2d·T, 2Z.
struct Cached {
    Fe YmX, YpX, T2d, Z2;
};

struct Constants {
    Fe d, d2, sqrt_m1;  // d = -121665/121666, 2d, a square root of -1 (2^((p-1)/4))
    Bignum order;       // L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1)
    std::array<Cached, 8> base;  // B, 3B, ..., 15B
};

Point identity() { return Point{from_small(0), from_small(1), from_small(1), from_small(0)}; }

// "dbl-2008-hwcd" with a = -1: A = X², B = Y², C = 2Z², D = aA = -A, E = (X+Y)² - A - B,
// G = D + B, F = G - C, H = D - B.
Point point_dbl(const Point& p) {
    const Fe a = sqr(p.X), b = sqr(p.Y), z2 = sqr(p.Z), c = add(z2, z2);
    const Fe ab = add(a, b);
    const Fe e = sub(sqr(add(p.X, p.Y)), ab);
    const Fe g = sub(b, a);
    const Fe f = sub(g, c);
    const Fe h = neg(ab);
    return Point{mul(e, f), mul(g, h), mul(f, g), mul(e, h)};
}

// "add-2008-hwcd-3" with a = -1 and k = 2d: A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2),
// C = T1·k·T2, D = 2·Z1·Z2, E = B - A, F = D - C, G = D + C, H = B + A.
Point point_add(const Point& p, const Cached& q) {
    const Fe a = mul(sub(p.Y, p.X), q.YmX), b = mul(add(p.Y, p.X), q.YpX);
    const Fe c = mul(p.T, q.T2d), d = mul(p.Z, q.Z2);
    const Fe e = sub(b, a), f = sub(d, c), g = add(d, c), h = add(b, a);
    return Point{mul(e, f), mul(g, h), mul(f, g), mul(e, h)};
}

Cached negate(const Cached& q) { return Cached{q.YpX, q.YmX, neg(q.T2d), q.Z2}; }

Cached cached(const Point& p, const Fe& d2) {
    return Cached{sub(p.Y, p.X), add(p.Y, p.X), mul(p.T, d2), add(p.Z, p.Z)};
}

// P, 3P, ..., 15P.
std::array<Cached, 8> odd_multiples(const Point& p, const Fe& d2) {
    std::array<Cached, 8> out;
    const Cached two = cached(point_dbl(p), d2);
    Point m = p;
    out[0] = cached(m, d2);
    for (std::size_t i = 1; i < out.size(); ++i) {
        m = point_add(m, two);
        out[i] = cached(m, d2);
    }
    return out;
}

// RFC 8032 §5.1.3; nullopt when the octets are not the canonical encoding of a point.
std::optional<Point> decode(std::span<const std::uint8_t, 32> s, const Constants& k) {
    // y < p: p = 2^255 - 19 is ed ff .. ff 7f in little-endian octets.
    bool below = false;
    for (int i = 31; i >= 0 && !below; --i) {
        const std::uint8_t octet = i == 31 ? s[31] & 0x7f : s[static_cast<std::size_t>(i)];
        const std::uint8_t p_octet = i == 31 ? 0x7f : i == 0 ? 0xed : 0xff;
        if (octet < p_octet) below = true;
        else if (octet > p_octet) return std::nullopt;
    }
    if (!below) return std::nullopt;
    const bool sign = (s[31] & 0x80) != 0;
    const Fe y = from_bytes(s);
    const Fe yy = sqr(y);
    const Fe u = sub(yy, from_small(1)), v = add(mul(k.d, yy), from_small(1));
    const Fe v3 = mul(sqr(v), v);
    Fe x = mul(mul(u, v3), pow_p58(mul(u, mul(sqr(v3), v))));  // u·v^3·(u·v^7)^((p-5)/8)
    const Fe vxx = mul(v, sqr(x));
    if (!equal(vxx, u)) {
        if (!equal(vxx, neg(u))) return std::nullopt;
        x = mul(x, k.sqrt_m1);
    }
    if (is_zero(x) && sign) return std::nullopt;
    if (is_odd(x) != sign) x = neg(x);
    return Point{x, y, from_small(1), mul(x, y)};
}

const Constants& constants() {
    static Constants k;
    static std::once_flag once;
    std::call_once(once, [] {
        k.d = neg(mul(from_small(121665), invert(from_small(121666))));
        k.d2 = add(k.d, k.d);
        // 2^((p-1)/4) = 2^(2^253 - 5) = (2^(2^250 - 1))^(2^3) · 2^3, where 2^(2^j - 1)
        // is built up by squaring and doubling.
        Fe power = from_small(1);
        for (int j = 0; j < 250; ++j) power = mul(sqr(power), from_small(2));
        k.sqrt_m1 = mul(sqr_times(power, 3), from_small(8));
        BIGNUM* order = nullptr;
        BN_hex2bn(&order, "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed");
        k.order.reset(order);
        // B has y = 4/5 and an even x (RFC 8032 §5.1).
        const Octets32 encoded = to_bytes(mul(from_small(4), invert(from_small(5))));
        k.base = odd_multiples(*decode(encoded, k), k.d2);
    });
    return k;
}

// Width-5 non-adjacent form of a little-endian scalar of up to 256 bits: digits in
// {0, ±1, ±3, ..., ±15}, at most one nonzero in any five in a row; the highest nonzero
// position, or -1 for 0.
int naf5(std::array<std::int8_t, 257>& out, const std::array<u64, 4>& scalar) {
    std::array<u64, 5> k{scalar[0], scalar[1], scalar[2], scalar[3], 0};
    out.fill(0);
    int top = -1;
    for (int i = 0; i < 257 && (k[0] | k[1] | k[2] | k[3] | k[4]) != 0; ++i) {
        if (k[0] & 1) {
            int d = static_cast<int>(k[0] & 31);
            if (d >= 16) d -= 32;
            out[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(d);
            top = i;
            // k -= d
            if (d > 0) {
                u64 borrow = static_cast<u64>(d);
                for (u64& w : k) {
                    const u64 before = w;
                    w -= borrow;
                    borrow = w > before;
                    if (!borrow) break;
                }
            } else {
                u64 carry_in = static_cast<u64>(-d);
                for (u64& w : k) {
                    w += carry_in;
                    carry_in = w < carry_in;
                    if (!carry_in) break;
                }
            }
        }
        for (std::size_t j = 0; j < 4; ++j) k[j] = k[j] >> 1 | k[j + 1] << 63;
        k[4] >>= 1;
    }
    return top;
}

std::array<u64, 4> scalar_of(const Bignum& value) {
    Octets32 le{};
    BN_bn2lebinpad(value.get(), le.data(), static_cast<int>(le.size()));
    std::array<u64, 4> out{};
    std::memcpy(out.data(), le.data(), le.size());
    return out;
}

// acc += a·b over little-endian limbs (acc long enough for the sum).
template <std::size_t N, std::size_t M, std::size_t K>
void multiply_add(std::array<u64, K>& acc, const std::array<u64, N>& a, const std::array<u64, M>& b) {
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

template <std::size_t K>
Bignum reduced(const std::array<u64, K>& limbs, const BIGNUM* order, BN_CTX* ctx) {
    std::array<std::uint8_t, 8 * K> le{};
    std::memcpy(le.data(), limbs.data(), le.size());
    Bignum value(BN_lebin2bn(le.data(), static_cast<int>(le.size()), nullptr));
    if (!value || BN_nnmod(value.get(), value.get(), order, ctx) != 1) return nullptr;
    return value;
}

// S < L, for 32 little-endian octets.
bool below_order(std::span<const std::uint8_t> s) {
    static const Octets32 order_le = [] {
        Octets32 out{};
        BN_bn2lebinpad(constants().order.get(), out.data(), static_cast<int>(out.size()));
        return out;
    }();
    for (int i = 31; i >= 0; --i) {
        if (s[static_cast<std::size_t>(i)] != order_le[static_cast<std::size_t>(i)]) {
            return s[static_cast<std::size_t>(i)] < order_le[static_cast<std::size_t>(i)];
        }
    }
    return false;
}

}  // namespace

struct Ed25519BatchVerifier::State {
    Octets32 public_key{};
    std::array<Cached, 8> key_multiples;  // A, 3A, ..., 15A
    EvpMdCtx md_ctx{EVP_MD_CTX_new()};
    std::unique_ptr<EVP_MD, OsslFree<EVP_MD_free>> sha512{EVP_MD_fetch(nullptr, "SHA512", nullptr)};
    BnCtx bn_ctx{BN_CTX_new()};
    // Per batch: the decoded R, their multiples, the random z and their NAFs.
    std::vector<std::array<Cached, 8>> r_multiples;
    std::vector<std::array<std::int8_t, 257>> nafs;
    std::vector<int> tops;
};

Ed25519BatchVerifier::Ed25519BatchVerifier(std::unique_ptr<State> state) : state_(std::move(state)) {}
Ed25519BatchVerifier::~Ed25519BatchVerifier() = default;

std::unique_ptr<Ed25519BatchVerifier> Ed25519BatchVerifier::create(std::span<const std::uint8_t> public_key) {
    if (public_key.size() != 32) return nullptr;
    const Constants& k = constants();
    auto st = std::make_unique<State>();
    std::copy(public_key.begin(), public_key.end(), st->public_key.begin());
    auto a = decode(std::span<const std::uint8_t, 32>(public_key.data(), 32), k);
    if (!a || !st->md_ctx || !st->sha512 || !st->bn_ctx || !k.order) return nullptr;
    st->key_multiples = odd_multiples(*a, k.d2);
    return std::unique_ptr<Ed25519BatchVerifier>(new Ed25519BatchVerifier(std::move(st)));
}

bool Ed25519BatchVerifier::verify_all(std::span<const Verifier::Check> checks) {
    State& st = *state_;
    const Constants& k = constants();
    const std::size_t n = checks.size();
    if (n == 0) return true;
    if (n > max_batch) {
        for (std::size_t at = 0; at < n; at += max_batch) {
            if (!verify_all(checks.subspan(at, std::min(max_batch, n - at)))) return false;
        }
        return true;
    }
    std::vector<std::array<u64, 2>> z(n);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(z.data()), static_cast<int>(n * sizeof z[0])) != 1) return false;
    st.r_multiples.resize(n);
    st.nafs.resize(n + 2);
    st.tops.resize(n + 2);
    std::array<u64, 8> sum_s{};    // Σ z·S: 128 + 253 bits and the count
    std::array<u64, 12> sum_k{};   // Σ z·k: 128 + 512 bits and the count
    for (std::size_t i = 0; i < n; ++i) {
        const auto sig = checks[i].signature;
        if (sig.size() != 64 || !below_order(sig.subspan(32))) return false;
        auto r = decode(std::span<const std::uint8_t, 32>(sig.data(), 32), k);
        if (!r) return false;
        st.r_multiples[i] = odd_multiples(*r, k.d2);
        z[i][1] |= u64{1} << 63;  // z in [2^127, 2^128): never 0
        std::array<std::uint8_t, 64> h{};
        unsigned int length = 0;
        if (EVP_DigestInit_ex(st.md_ctx.get(), st.sha512.get(), nullptr) != 1 ||
            EVP_DigestUpdate(st.md_ctx.get(), sig.data(), 32) != 1 ||
            EVP_DigestUpdate(st.md_ctx.get(), st.public_key.data(), st.public_key.size()) != 1 ||
            EVP_DigestUpdate(st.md_ctx.get(), checks[i].data.data(), checks[i].data.size()) != 1 ||
            EVP_DigestFinal_ex(st.md_ctx.get(), h.data(), &length) != 1) {
            return false;
        }
        std::array<u64, 8> hk{};
        std::memcpy(hk.data(), h.data(), h.size());
        std::array<u64, 4> s{};
        std::memcpy(s.data(), sig.data() + 32, 32);
        multiply_add(sum_k, z[i], hk);
        multiply_add(sum_s, z[i], s);
        st.tops[i] = naf5(st.nafs[i], {z[i][0], z[i][1], 0, 0});
    }
    // Σ z·R + [Σ z·k]A + [L - Σ z·S]B = 0, times 8.
    Bignum ck = reduced(sum_k, k.order.get(), st.bn_ctx.get());
    Bignum cs = reduced(sum_s, k.order.get(), st.bn_ctx.get());
    if (!ck || !cs || (!BN_is_zero(cs.get()) && BN_sub(cs.get(), k.order.get(), cs.get()) != 1)) return false;
    st.tops[n] = naf5(st.nafs[n], scalar_of(ck));
    st.tops[n + 1] = naf5(st.nafs[n + 1], scalar_of(cs));
    int top = -1;
    for (int t : st.tops) top = std::max(top, t);
    Point acc = identity();
    for (int bit = top; bit >= 0; --bit) {
        acc = point_dbl(acc);
        const auto b = static_cast<std::size_t>(bit);
        for (std::size_t i = 0; i < n + 2; ++i) {
            const int d = st.nafs[i][b];
            if (d == 0) continue;
            const auto& table = i < n ? st.r_multiples[i] : i == n ? st.key_multiples : k.base;
            const Cached& m = table[static_cast<std::size_t>((d < 0 ? -d : d) / 2)];
            acc = point_add(acc, d > 0 ? m : negate(m));
        }
    }
    acc = point_dbl(point_dbl(point_dbl(acc)));
    return is_zero(acc.X) && equal(acc.Y, acc.Z);
}

}  // namespace zw::dns
