#pragma once
// A small zone with every shape the signer must handle, and keys made in memory.

#include <gtest/gtest.h>

#include "../zones/zone_fixture.h"
#include "signer/key.h"
#include "signer/sign_zone.h"

namespace zw::signer {

inline const Instant t_now{Seconds{1764000000}};

inline const char* const hosting_zone =
    "$ORIGIN example.test.\n$TTL 3600\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "@ MX 10 mail\n"
    "ns1 A 192.0.2.1\n"
    "mail A 192.0.2.25\n"
    "www CNAME @\n"
    "*.pages A 192.0.2.80\n"
    "a.deep.chain TXT \"x\"\n"
    "secure NS ns.secure\n"
    "secure DS 12345 13 2 0d1f0a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7\n"
    "ns.secure A 192.0.2.53\n"
    "insecure NS ns1.insecure\n"
    "ns1.insecure A 192.0.2.54\n"
    "x.y.insecure2 NS ns1\n";

inline zones::Zone load_zone(const char* text = hosting_zone) {
    testutil::TempDir dir;
    zones::Loaded l = zones::load(dir, text);
    EXPECT_TRUE(l.diag.errors.empty())
        << (l.diag.errors.empty() ? "" : l.diag.errors.front().describe());
    return std::move(l.zone);
}

inline KeyPair make_key(std::uint8_t algorithm, KeyRole role) {
    auto zone = dns::Name::from_text("example.test.").value();
    return generate_key(zone, algorithm, role, 0, t_now - Seconds{86400}).value();
}

inline SigningParams params_at(Instant now) {
    SigningParams p;
    p.now = now;
    p.threads = 2;
    return p;
}

inline const zones::Node* node_named(const SignedZone& sz, const std::string& name) {
    for (const auto& n : sz.zone.nodes)
        if (n.name.to_text() == name) return &n;
    return nullptr;
}

}  // namespace zw::signer
