#pragma once
// Arithmetic modulo p = 2^255 - 19 for the Ed25519 batch verifier (ed25519_batch.h): five
// 51-bit limbs, products in 128 bits. It handles public values only (signatures, public
// keys, random multipliers), so it is written for speed, not constant time; nothing
// secret may pass through it.
//
// Bounds on the limbs: mul(), sqr(), sub() and carry() give limbs below 2^52, add() of two
// such below 2^53; mul() and sqr() take operands below 2^55, sub() a subtrahend below
// 2^54.

#include <array>
#include <cstdint>
#include <span>

namespace zw::dns::fe25519 {

using u64 = std::uint64_t;
using u128 = unsigned __int128;

inline constexpr u64 mask51 = (u64{1} << 51) - 1;

struct Fe {
    u64 v[5];
};

inline Fe from_small(u64 x) { return Fe{{x, 0, 0, 0, 0}}; }

inline Fe add(const Fe& a, const Fe& b) {
    return Fe{
        {a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3], a.v[4] + b.v[4]}};
}

// Carries every limb into the next, the top one back into the bottom times 19
// (2^255 ≡ 19): limbs below 2^52 afterwards.
inline Fe carry(Fe a) {
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
        a.v[i + 1] += a.v[i] >> 51;
        a.v[i] &= mask51;
    }
    a.v[0] += 19 * (a.v[4] >> 51);
    a.v[4] &= mask51;
    a.v[1] += a.v[0] >> 51;
    a.v[0] &= mask51;
    return a;
}

// a - b + 8p, carried: 8p's limbs exceed any b below 2^54.
inline Fe sub(const Fe& a, const Fe& b) {
    constexpr u64 p0 = 8 * ((u64{1} << 51) - 19), pi = 8 * mask51;
    return carry(Fe{{a.v[0] + p0 - b.v[0], a.v[1] + pi - b.v[1], a.v[2] + pi - b.v[2],
                     a.v[3] + pi - b.v[3], a.v[4] + pi - b.v[4]}});
}

inline Fe neg(const Fe& a) { return sub(Fe{{0, 0, 0, 0, 0}}, a); }

inline Fe mul(const Fe& a, const Fe& b) {
    const u64 b1 = 19 * b.v[1], b2 = 19 * b.v[2], b3 = 19 * b.v[3], b4 = 19 * b.v[4];
    auto m = [](u64 x, u64 y) { return static_cast<u128>(x) * y; };
    u128 t0 = m(a.v[0], b.v[0]) + m(a.v[1], b4) + m(a.v[2], b3) + m(a.v[3], b2) + m(a.v[4], b1);
    u128 t1 = m(a.v[0], b.v[1]) + m(a.v[1], b.v[0]) + m(a.v[2], b4) + m(a.v[3], b3) + m(a.v[4], b2);
    u128 t2 =
        m(a.v[0], b.v[2]) + m(a.v[1], b.v[1]) + m(a.v[2], b.v[0]) + m(a.v[3], b4) + m(a.v[4], b3);
    u128 t3 = m(a.v[0], b.v[3]) + m(a.v[1], b.v[2]) + m(a.v[2], b.v[1]) + m(a.v[3], b.v[0]) +
              m(a.v[4], b4);
    u128 t4 = m(a.v[0], b.v[4]) + m(a.v[1], b.v[3]) + m(a.v[2], b.v[2]) + m(a.v[3], b.v[1]) +
              m(a.v[4], b.v[0]);
    t1 += t0 >> 51;
    t2 += t1 >> 51;
    t3 += t2 >> 51;
    t4 += t3 >> 51;
    u128 r0 = (t0 & mask51) + static_cast<u128>(19) * (t4 >> 51);
    Fe r{{static_cast<u64>(r0 & mask51), static_cast<u64>(t1 & mask51) + static_cast<u64>(r0 >> 51),
          static_cast<u64>(t2 & mask51), static_cast<u64>(t3 & mask51),
          static_cast<u64>(t4 & mask51)}};
    return r;
}

// mul(a, a) with the cross products counted once and doubled: 15 products, not 25.
inline Fe sqr(const Fe& a) {
    const u64 d0 = 2 * a.v[0], d1 = 2 * a.v[1], d2 = 2 * a.v[2], d3 = 2 * a.v[3];
    const u64 a3_19 = 19 * a.v[3], a4_19 = 19 * a.v[4];
    auto m = [](u64 x, u64 y) { return static_cast<u128>(x) * y; };
    u128 t0 = m(a.v[0], a.v[0]) + m(d1, a4_19) + m(d2, a3_19);
    u128 t1 = m(d0, a.v[1]) + m(d2, a4_19) + m(a.v[3], a3_19);
    u128 t2 = m(d0, a.v[2]) + m(a.v[1], a.v[1]) + m(d3, a4_19);
    u128 t3 = m(d0, a.v[3]) + m(d1, a.v[2]) + m(a.v[4], a4_19);
    u128 t4 = m(d0, a.v[4]) + m(d1, a.v[3]) + m(a.v[2], a.v[2]);
    t1 += t0 >> 51;
    t2 += t1 >> 51;
    t3 += t2 >> 51;
    t4 += t3 >> 51;
    u128 r0 = (t0 & mask51) + static_cast<u128>(19) * (t4 >> 51);
    return Fe{{static_cast<u64>(r0 & mask51),
               static_cast<u64>(t1 & mask51) + static_cast<u64>(r0 >> 51),
               static_cast<u64>(t2 & mask51), static_cast<u64>(t3 & mask51),
               static_cast<u64>(t4 & mask51)}};
}

inline Fe sqr_times(Fe a, int n) {
    while (n-- > 0) a = sqr(a);
    return a;
}

// The canonical value in [0, p) as limbs below 2^51: with v < 2p after two carries,
// q = floor((v + 19) / 2^255) is 1 exactly when v >= p, and v + 19q - q·2^255 is v mod p.
inline Fe canonical(const Fe& a) {
    Fe r = carry(carry(a));
    u64 q = (r.v[0] + 19) >> 51;
    for (int i = 1; i < 5; ++i) q = (r.v[i] + q) >> 51;
    r.v[0] += 19 * q;
    for (int i = 0; i < 4; ++i) {
        r.v[i + 1] += r.v[i] >> 51;
        r.v[i] &= mask51;
    }
    r.v[4] &= mask51;
    return r;
}

inline bool equal(const Fe& a, const Fe& b) {
    const Fe x = canonical(a), y = canonical(b);
    for (int i = 0; i < 5; ++i)
        if (x.v[i] != y.v[i]) return false;
    return true;
}

inline bool is_zero(const Fe& a) { return equal(a, Fe{{0, 0, 0, 0, 0}}); }

// The least significant bit of the canonical value ("negative" in RFC 8032 §5.1.2).
inline bool is_odd(const Fe& a) { return (canonical(a).v[0] & 1) != 0; }

// 32 little-endian octets, the top bit ignored (the caller reads it).
inline Fe from_bytes(std::span<const std::uint8_t, 32> s) {
    auto load = [&](int at) {
        u64 x = 0;
        for (int i = 7; i >= 0; --i) x = x << 8 | s[static_cast<std::size_t>(at + i)];
        return x;
    };
    const u64 w0 = load(0), w1 = load(8), w2 = load(16), w3 = load(24) & ((u64{1} << 63) - 1);
    return Fe{{w0 & mask51, (w0 >> 51 | w1 << 13) & mask51, (w1 >> 38 | w2 << 26) & mask51,
               (w2 >> 25 | w3 << 39) & mask51, w3 >> 12}};
}

// The canonical value as 32 little-endian octets (the top bit clear).
inline std::array<std::uint8_t, 32> to_bytes(const Fe& a) {
    const Fe c = canonical(a);
    const u64 w[4] = {c.v[0] | c.v[1] << 51, c.v[1] >> 13 | c.v[2] << 38,
                      c.v[2] >> 26 | c.v[3] << 25, c.v[3] >> 39 | c.v[4] << 12};
    std::array<std::uint8_t, 32> out{};
    for (int i = 0; i < 32; ++i)
        out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(w[i / 8] >> (8 * (i % 8)));
    return out;
}

// a^(2^252 - 3) = a^((p-5)/8), for square roots (RFC 8032 §5.1.3).
inline Fe pow_p58(const Fe& z) {
    const Fe z2 = sqr(z);
    const Fe z9 = mul(sqr_times(z2, 2), z);
    const Fe z11 = mul(z9, z2);
    const Fe z_5 = mul(sqr(z11), z9);                // z^(2^5 - 1)
    const Fe z_10 = mul(sqr_times(z_5, 5), z_5);     // z^(2^10 - 1)
    const Fe z_20 = mul(sqr_times(z_10, 10), z_10);  // z^(2^20 - 1)
    const Fe z_40 = mul(sqr_times(z_20, 20), z_20);
    const Fe z_50 = mul(sqr_times(z_40, 10), z_10);
    const Fe z_100 = mul(sqr_times(z_50, 50), z_50);
    const Fe z_200 = mul(sqr_times(z_100, 100), z_100);
    const Fe z_250 = mul(sqr_times(z_200, 50), z_50);  // z^(2^250 - 1)
    return mul(sqr_times(z_250, 2), z);                // z^(2^252 - 4 + 1)
}

// a^(p - 2) = a^-1 for a != 0: (a^(2^250 - 1))^(2^5) · a^11.
inline Fe invert(const Fe& z) {
    const Fe z2 = sqr(z);
    const Fe z9 = mul(sqr_times(z2, 2), z);
    const Fe z11 = mul(z9, z2);
    const Fe z_5 = mul(sqr(z11), z9);
    const Fe z_10 = mul(sqr_times(z_5, 5), z_5);
    const Fe z_20 = mul(sqr_times(z_10, 10), z_10);
    const Fe z_40 = mul(sqr_times(z_20, 20), z_20);
    const Fe z_50 = mul(sqr_times(z_40, 10), z_10);
    const Fe z_100 = mul(sqr_times(z_50, 50), z_50);
    const Fe z_200 = mul(sqr_times(z_100, 100), z_100);
    const Fe z_250 = mul(sqr_times(z_200, 50), z_50);
    return mul(sqr_times(z_250, 5), z11);
}

}  // namespace zw::dns::fe25519
