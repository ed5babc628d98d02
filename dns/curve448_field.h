#pragma once
// Arithmetic modulo p = 2^448 - 2^224 - 1 for the Ed448 batch verifier (eddsa_batch.h):
// eight 56-bit limbs, products in 128 bits, reduced with 2^448 ≡ 2^224 + 1. Public values
// only (it is not constant time); nothing secret may pass through it.
//
// The limb loops are unrolled by pragma: GCC at -O2 leaves them loops, and a product took
// three to five times as long.
//
// Bounds on the limbs: mul(), sqr(), sub() and carry() give limbs below 2^57, add() of two
// such below 2^58; mul() and sqr() take operands below 2^59, sub() a subtrahend below
// 2^58.

#include <array>
#include <cstdint>
#include <span>

namespace zw::dns::fe448 {

using u64 = std::uint64_t;
using u128 = unsigned __int128;

inline constexpr u64 mask56 = (u64{1} << 56) - 1;

struct Fe {
    u64 v[8];
};

inline Fe from_small(u64 x) { return Fe{{x, 0, 0, 0, 0, 0, 0, 0}}; }

inline Fe add(const Fe& a, const Fe& b) {
    Fe r;
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) r.v[i] = a.v[i] + b.v[i];
    return r;
}

// Carries each limb into the next; what passes 2^448 comes back at 2^0 and 2^224.
inline Fe carry(Fe a) {
#pragma GCC unroll 8
    for (int i = 0; i < 7; ++i) {
        a.v[i + 1] += a.v[i] >> 56;
        a.v[i] &= mask56;
    }
    const u64 top = a.v[7] >> 56;
    a.v[7] &= mask56;
    a.v[0] += top;
    a.v[4] += top;
    a.v[1] += a.v[0] >> 56;
    a.v[0] &= mask56;
    a.v[5] += a.v[4] >> 56;
    a.v[4] &= mask56;
    return a;
}

// a - b + 4p, carried: 4p's limbs (4·(2^56 - 1), and 4·(2^56 - 2) at 2^224) exceed any b
// below 2^58 - 8.
inline Fe sub(const Fe& a, const Fe& b) {
    Fe r;
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) r.v[i] = a.v[i] + (i == 4 ? 4 * (mask56 - 1) : 4 * mask56) - b.v[i];
    return carry(r);
}

inline Fe neg(const Fe& a) { return sub(from_small(0), a); }

// The 15 column sums c_k·2^(56k) of a product, reduced to limbs below 2^57: c_k·2^(56k)
// for k >= 8 is c_k·2^(56(k-8))·(2^224 + 1), folded from the top down, so what lands at
// 8..10 again is folded too.
inline Fe reduce(u128 (&c)[15]) {
#pragma GCC unroll 8
    for (int k = 14; k >= 8; --k) {
        c[k - 8] += c[k];
        c[k - 4] += c[k];
    }
#pragma GCC unroll 8
    for (int i = 0; i < 7; ++i) {
        c[i + 1] += c[i] >> 56;
        c[i] &= mask56;
    }
    const u128 top = c[7] >> 56;
    c[7] &= mask56;
    c[0] += top;
    c[4] += top;
    c[1] += c[0] >> 56;
    c[0] &= mask56;
    c[5] += c[4] >> 56;
    c[4] &= mask56;
    Fe r;
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) r.v[i] = static_cast<u64>(c[i]);
    return r;
}

inline Fe mul(const Fe& a, const Fe& b) {
    u128 c[15] = {};
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i)
#pragma GCC unroll 8
        for (int j = 0; j < 8; ++j) c[i + j] += static_cast<u128>(a.v[i]) * b.v[j];
    return reduce(c);
}

// mul(a, a) with the cross products counted once and doubled: 36 products, not 64.
inline Fe sqr(const Fe& a) {
    u128 c[15] = {};
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) {
        c[2 * i] += static_cast<u128>(a.v[i]) * a.v[i];
        const u64 twice = 2 * a.v[i];
#pragma GCC unroll 8
        for (int j = i + 1; j < 8; ++j) c[i + j] += static_cast<u128>(twice) * a.v[j];
    }
    return reduce(c);
}

inline Fe sqr_times(Fe a, int n) {
    while (n-- > 0) a = sqr(a);
    return a;
}

// The canonical value in [0, p): below 2p after two carries, so p is taken off at most once.
inline Fe canonical(const Fe& a) {
    Fe r = carry(carry(a));
    for (int i = 0; i < 7; ++i) {
        r.v[i + 1] += r.v[i] >> 56;
        r.v[i] &= mask56;
    }
    Fe less;
    std::int64_t borrow = 0;
    for (int i = 0; i < 8; ++i) {
        const u64 p_limb = i == 4 ? mask56 - 1 : mask56;
        const std::int64_t d =
            static_cast<std::int64_t>(r.v[i]) - static_cast<std::int64_t>(p_limb) - borrow;
        borrow = d < 0;
        less.v[i] = static_cast<u64>(d + (borrow ? std::int64_t{1} << 56 : 0));
    }
    return borrow ? r : less;
}

inline bool equal(const Fe& a, const Fe& b) {
    const Fe x = canonical(a), y = canonical(b);
    for (int i = 0; i < 8; ++i)
        if (x.v[i] != y.v[i]) return false;
    return true;
}

inline bool is_zero(const Fe& a) { return equal(a, from_small(0)); }
inline bool is_odd(const Fe& a) { return (canonical(a).v[0] & 1) != 0; }

// 56 little-endian octets: seven per limb.
inline Fe from_bytes(std::span<const std::uint8_t, 56> s) {
    Fe r;
    for (int i = 0; i < 8; ++i) {
        u64 x = 0;
        for (int j = 6; j >= 0; --j) x = x << 8 | s[static_cast<std::size_t>(7 * i + j)];
        r.v[i] = x;
    }
    return r;
}

inline std::array<std::uint8_t, 56> to_bytes(const Fe& a) {
    const Fe c = canonical(a);
    std::array<std::uint8_t, 56> out{};
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 7; ++j)
            out[static_cast<std::size_t>(7 * i + j)] = static_cast<std::uint8_t>(c.v[i] >> (8 * j));
    return out;
}

// z^(2^k - 1) for k >= 1, along the bits of k from the top: with e(m) = z^(2^m - 1),
// e(2m) = e(m)^(2^m) · e(m) and e(m + 1) = e(m)^2 · z.
inline Fe pow_2k_minus_1(const Fe& z, int k) {
    int top = 0;
    while ((k >> (top + 1)) != 0) ++top;
    Fe r = z;
    int m = 1;
    for (int bit = top - 1; bit >= 0; --bit) {
        r = mul(sqr_times(r, m), r);
        m *= 2;
        if ((k >> bit) & 1) {
            r = mul(sqr(r), z);
            ++m;
        }
    }
    return r;
}

// z^((p-3)/4) = z^(2^446 - 2^222 - 1), whose bits are 223 ones, a zero and 222 ones:
// (z^(2^223 - 1))^(2^223) · z^(2^222 - 1).
inline Fe pow_p34(const Fe& z) {
    const Fe e222 = pow_2k_minus_1(z, 222);
    const Fe e223 = mul(sqr(e222), z);
    return mul(sqr_times(e223, 223), e222);
}

// z^(p-2) = z^-1 for z != 0: p - 2 = 2^448 - 2^224 - 3, whose bits are 223 ones, a zero,
// 222 ones, a zero and a one: (z^((p-3)/4))^4 · z.
inline Fe invert(const Fe& z) { return mul(sqr_times(pow_p34(z), 2), z); }

}  // namespace zw::dns::fe448
