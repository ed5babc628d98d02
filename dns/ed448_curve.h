#pragma once
// Ed448 for the batch verifier (eddsa_batch.h): the Edwards curve x^2 + y^2 = 1 + d·x^2·y^2
// over GF(2^448 - 2^224 - 1), d = -39081, its base point B, the order L of B and point
// encoding, all from RFC 8032 §5.2; the point formulas are those of Hisil, Wong, Carter
// and Dawson (2008) in extended coordinates for a = 1. Public values only.

#include <array>
#include <optional>
#include <span>

#include "dns/curve448_field.h"
#include "dns/encoding.h"

namespace zw::dns::ed448 {

using namespace fe448;

// x = X/Z, y = Y/Z, x·y = T/Z.
struct Point {
    Fe X, Y, Z, T;
};
// A point made ready to be added: X, Y, X + Y, d·T, Z.
struct Cached {
    Fe X, Y, XpY, Td, Z;
};

struct Curve {
    Fe d;
    std::array<Cached, 8> base;  // B, 3B, ..., 15B

    static const Curve& get();
};

inline Point identity() {
    return Point{from_small(0), from_small(1), from_small(1), from_small(0)};
}

// "dbl-2008-hwcd", a = 1: A = X², B = Y², C = 2Z², D = A, E = (X+Y)² - A - B, G = D + B,
// F = G - C, H = D - B.
inline Point dbl(const Point& p) {
    const Fe a = sqr(p.X), b = sqr(p.Y), z2 = sqr(p.Z), c = add(z2, z2), ab = add(a, b);
    const Fe e = sub(sqr(add(p.X, p.Y)), ab), g = ab, f = sub(g, c), h = sub(a, b);
    return Point{mul(e, f), mul(g, h), mul(f, g), mul(e, h)};
}

// "add-2008-hwcd", a = 1: A = X1·X2, B = Y1·Y2, C = T1·d·T2, D = Z1·Z2,
// E = (X1+Y1)(X2+Y2) - A - B, F = D - C, G = D + C, H = B - A.
inline Point add(const Point& p, const Cached& q) {
    const Fe a = mul(p.X, q.X), b = mul(p.Y, q.Y), c = mul(p.T, q.Td), d = mul(p.Z, q.Z);
    const Fe e = sub(mul(add(p.X, p.Y), q.XpY), add(a, b)), f = sub(d, c), g = add(d, c),
             h = sub(b, a);
    return Point{mul(e, f), mul(g, h), mul(f, g), mul(e, h)};
}

inline Cached negate(const Cached& q) {
    return Cached{neg(q.X), q.Y, sub(q.Y, q.X), neg(q.Td), q.Z};
}

inline Cached cached(const Point& p, const Curve& c) {
    return Cached{p.X, p.Y, add(p.X, p.Y), mul(p.T, c.d), p.Z};
}

inline bool is_identity(const Point& p) { return is_zero(p.X) && equal(p.Y, p.Z); }

// RFC 8032 §5.2.3: 57 octets, y little-endian in the first 56, the last zero but for the
// sign of x in its top bit; nullopt when they are not the canonical encoding of a point.
inline std::optional<Point> decode(std::span<const std::uint8_t> s, const Curve& c) {
    if (s.size() != 57 || (s[56] & 0x7f) != 0) return std::nullopt;
    bool below = false;  // y < p: p's octets are ff x 28, fe, ff x 27 (little-endian)
    for (int i = 55; i >= 0 && !below; --i) {
        const std::uint8_t p_octet = i == 28 ? 0xfe : 0xff;
        if (s[static_cast<std::size_t>(i)] < p_octet)
            below = true;
        else if (s[static_cast<std::size_t>(i)] > p_octet)
            return std::nullopt;
    }
    if (!below) return std::nullopt;
    const bool sign = (s[56] & 0x80) != 0;
    const Fe y = from_bytes(std::span<const std::uint8_t, 56>(s.data(), 56)), yy = sqr(y);
    const Fe u = sub(yy, from_small(1)), v = sub(mul(c.d, yy), from_small(1));
    const Fe u2 = sqr(u), v2 = sqr(v);
    // x = u^3·v·(u^5·v^3)^((p-3)/4)
    Fe x = mul(mul(mul(u2, u), v), pow_p34(mul(mul(sqr(u2), u), mul(v2, v))));
    if (!equal(mul(v, sqr(x)), u)) return std::nullopt;
    if (is_zero(x) && sign) return std::nullopt;
    if (is_odd(x) != sign) x = neg(x);
    return Point{x, y, from_small(1), mul(x, y)};
}

inline const Curve& Curve::get() {
    static const Curve curve = [] {
        Curve c{};
        c.d = neg(from_small(39081));
        // RFC 8032 §5.2's Y(B), encoded; X(B) is even.
        const auto b = hex_decode(
                           "14fa30f25b790898adc8d74e2c13bdfdc4397ce61cffd33ad7c2a0051e9c78874098a36"
                           "c7373ea4b62c7c9563720"
                           "768824bcb66e71463f6900")
                           .value();
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

}  // namespace zw::dns::ed448
