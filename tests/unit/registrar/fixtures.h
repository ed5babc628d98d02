#pragma once
// Keys and desired sets for registrar unit tests: deterministic DNSKEYs (the bytes need not
// be valid curve points; DS digests and key tags are arithmetic on the RDATA).

#include <gtest/gtest.h>

#include "registrar/entry.h"

namespace zw::registrar::test {

inline dns::Name name(std::string_view text) { return *dns::Name::from_text(text); }

inline dns::Dnskey key(std::uint8_t seed, std::uint16_t flags = 257,
                       std::uint8_t algorithm = dns::alg::ecdsap256sha256) {
    dns::Dnskey k;
    k.flags = flags;
    k.algorithm = algorithm;
    k.public_key.resize(64);
    for (std::size_t i = 0; i < k.public_key.size(); ++i)
        k.public_key[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
    return k;
}

inline DesiredSet desired(std::vector<dns::Dnskey> keys, std::string_view zone = "child.test.") {
    DesiredSet d;
    d.zone = name(zone);
    d.keys = std::move(keys);
    return d;
}

template <typename T>
T must(std::expected<T, Error> r) {
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().describe());
    return std::move(*r);
}

}  // namespace zw::registrar::test
