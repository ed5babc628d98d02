#pragma once
// Ed25519 for the batch verifier (eddsa_batch.h): the twisted Edwards curve
// -x^2 + y^2 = 1 + d·x^2·y^2 over GF(2^255 - 19), d = -121665/121666, its base point B
// (y = 4/5, x even), the order L of B and point encoding, all from RFC 8032 §5.1; the
// point formulas are those of Hisil, Wong, Carter and Dawson (2008) in extended
// coordinates for a = -1. Public values only.

#include <array>
#include <optional>
#include <span>

#include "dns/curve25519_field.h"

namespace zw::dns::ed25519 {

using namespace fe25519;

// x = X/Z, y = Y/Z, x·y = T/Z.
struct Point {
    Fe X, Y, Z, T;
};
// A point made ready to be added: Y - X, Y + X, 2d·T, 2Z.
struct Cached {
    Fe YmX, YpX, T2d, Z2;
};

struct Curve {
    Fe d, d2, sqrt_m1;           // sqrt_m1 = 2^((p-1)/4), a square root of -1
    std::array<Cached, 8> base;  // B, 3B, ..., 15B

    static const Curve& get();
};

inline Point identity() {
    return Point{from_small(0), from_small(1), from_small(1), from_small(0)};
}

// "dbl-2008-hwcd", a = -1: A = X², B = Y², C = 2Z², D = -A, E = (X+Y)² - A - B, G = D + B,
// F = G - C, H = D - B.
inline Point dbl(const Point& p) {
    const Fe a = sqr(p.X), b = sqr(p.Y), z2 = sqr(p.Z), c = add(z2, z2), ab = add(a, b);
    const Fe e = sub(sqr(add(p.X, p.Y)), ab), g = sub(b, a), f = sub(g, c), h = neg(ab);
    return Point{mul(e, f), mul(g, h), mul(f, g), mul(e, h)};
}

// "add-2008-hwcd-3", a = -1, k = 2d: A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2), C = T1·k·T2,
// D = 2·Z1·Z2, E = B - A, F = D - C, G = D + C, H = B + A.
inline Point add(const Point& p, const Cached& q) {
    const Fe a = mul(sub(p.Y, p.X), q.YmX), b = mul(add(p.Y, p.X), q.YpX);
    const Fe c = mul(p.T, q.T2d), d = mul(p.Z, q.Z2);
    const Fe e = sub(b, a), f = sub(d, c), g = add(d, c), h = add(b, a);
    return Point{mul(e, f), mul(g, h), mul(f, g), mul(e, h)};
}

inline Cached negate(const Cached& q) { return Cached{q.YpX, q.YmX, neg(q.T2d), q.Z2}; }

inline Cached cached(const Point& p, const Curve& c) {
    return Cached{sub(p.Y, p.X), add(p.Y, p.X), mul(p.T, c.d2), add(p.Z, p.Z)};
}

inline bool is_identity(const Point& p) { return is_zero(p.X) && equal(p.Y, p.Z); }

// RFC 8032 §5.1.3: 32 octets, y little-endian and the sign of x in the top bit; nullopt
// when they are not the canonical encoding of a point (y >= p, no square root, -0).
inline std::optional<Point> decode(std::span<const std::uint8_t> s, const Curve& c) {
    if (s.size() != 32) return std::nullopt;
    bool below = false;  // y < p = ed ff .. ff 7f, little-endian
    for (int i = 31; i >= 0 && !below; --i) {
        const std::uint8_t octet = i == 31 ? s[31] & 0x7f : s[static_cast<std::size_t>(i)];
        const std::uint8_t p_octet = i == 31 ? 0x7f : i == 0 ? 0xed : 0xff;
        if (octet < p_octet)
            below = true;
        else if (octet > p_octet)
            return std::nullopt;
    }
    if (!below) return std::nullopt;
    const bool sign = (s[31] & 0x80) != 0;
    const Fe y = from_bytes(std::span<const std::uint8_t, 32>(s.data(), 32)), yy = sqr(y);
    const Fe u = sub(yy, from_small(1)), v = add(mul(c.d, yy), from_small(1));
    const Fe v3 = mul(sqr(v), v);
    Fe x = mul(mul(u, v3), pow_p58(mul(u, mul(sqr(v3), v))));  // u·v^3·(u·v^7)^((p-5)/8)
    const Fe vxx = mul(v, sqr(x));
    if (!equal(vxx, u)) {
        if (!equal(vxx, neg(u))) return std::nullopt;
        x = mul(x, c.sqrt_m1);
    }
    if (is_zero(x) && sign) return std::nullopt;
    if (is_odd(x) != sign) x = neg(x);
    return Point{x, y, from_small(1), mul(x, y)};
}

inline const Curve& Curve::get() {
    static const Curve curve = [] {
        Curve c{};
        c.d = neg(mul(from_small(121665), invert(from_small(121666))));
        c.d2 = add(c.d, c.d);
        // 2^((p-1)/4) = 2^(2^253 - 5) = (2^(2^250 - 1))^(2^3) · 2^3, where 2^(2^j - 1) is
        // built up by squaring and doubling.
        Fe power = from_small(1);
        for (int j = 0; j < 250; ++j) power = mul(sqr(power), from_small(2));
        c.sqrt_m1 = mul(sqr_times(power, 3), from_small(8));
        const auto b = to_bytes(mul(from_small(4), invert(from_small(5))));
        const Point base = *decode(b, c);
        const Cached two = cached(dbl(base), c);
        Point m = base;
        for (auto& entry : c.base) {
            entry = cached(m, c);
            m = add(m, two);
        }
        return c;
    }();
    return curve;
}

}  // namespace zw::dns::ed25519
