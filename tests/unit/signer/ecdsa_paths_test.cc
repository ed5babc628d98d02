// The ECDSA fast path on OpenSSL's deprecated EC API (batched signing setup, P-256 key
// tables; dns/openssl_fast_path.h) and the EVP path that stands in for it must be
// interchangeable: the same zone signed both ways, each signature checked by the other
// path's verifier, and damaged ones refused by both. Built without the fast path, both
// ways are EVP and the test shows the stand-in alone.
#include <gtest/gtest.h>

#include "dns/rrsig.h"
#include "dns/verifier_backends.h"
#include "signer/crypto.h"
#include "signer/denial.h"
#include "signer_fixture.h"

namespace zw::signer {
namespace {

using dns::OpensslEcPath;

// The signed data of every authoritative RRset of the test zone with more hosts: for
// P-256 past dns::p256_table_after, so the fast verifier builds its table part way (P-384
// has no table, and OpenSSL signs it slowly).
std::vector<dns::Bytes> zone_data(const KeyPair& key) {
    std::string text = hosting_zone;
    const int hosts = key.algorithm() == dns::alg::ecdsap256sha256 ? 1500 : 200;
    for (int i = 0; i < hosts; ++i)
        text += "h" + std::to_string(i) + " A 198.51.100." + std::to_string(i % 250) + "\n";
    zones::Zone zone = load_zone(text.c_str());
    std::vector<dns::Bytes> out;
    for (const zones::Node& node : zone.nodes) {
        for (const zones::RRset& set : node.rrsets) {
            if (!is_signed_rrset(node.role, set.type)) continue;
            dns::RrsigFields f{set.type,  key.algorithm(), dns::rrsig_labels(node.name),
                               set.ttl,   1766000000,      1764000000,
                               key.tag(), zone.origin};
            dns::Bytes rrsig, data;
            f.append_to(rrsig);
            dns::append_signed_data(data, rrsig, node.name, set.type, set.rdatas, set.ttl);
            out.push_back(std::move(data));
        }
    }
    return out;
}

std::vector<dns::Bytes> sign_all(const KeyPair& key, OpensslEcPath path,
                                 const std::vector<dns::Bytes>& data) {
    auto signer = make_openssl_signer(key, path).value();
    std::vector<dns::Bytes> out;
    for (const auto& d : data) {
        dns::Bytes sig;
        EXPECT_TRUE(signer->sign(d, sig));
        out.push_back(std::move(sig));
    }
    return out;
}

// Every third signature damaged; verified in batches of 64, as the self-check does.
void expect_verdicts(const KeyPair& key, OpensslEcPath path, const std::vector<dns::Bytes>& data,
                     std::vector<dns::Bytes> signatures) {
    for (std::size_t i = 1; i < signatures.size(); i += 3)
        signatures[i][i % signatures[i].size()] ^= 0x20;
    auto verifier = dns::make_openssl_verifier(key.dnskey(), path).value();
    std::size_t refused = 0;
    for (std::size_t at = 0; at < data.size(); at += 64) {
        std::vector<dns::Verifier::Check> checks;
        for (std::size_t i = at; i < std::min(data.size(), at + 64); ++i)
            checks.push_back({data[i], signatures[i]});
        verifier->verify(checks);
        for (std::size_t i = 0; i < checks.size(); ++i) {
            EXPECT_EQ(checks[i].valid, (at + i) % 3 != 1) << "signature " << at + i;
            refused += !checks[i].valid;
        }
    }
    EXPECT_EQ(refused, signatures.size() / 3 + (signatures.size() % 3 == 2));
}

class EcdsaPaths : public ::testing::TestWithParam<std::uint8_t> {};

TEST_P(EcdsaPaths, TheZoneSignedEachWayVerifiesWithTheOtherWaysVerifier) {
    KeyPair key = make_key(GetParam(), KeyRole::zsk);
    const std::vector<dns::Bytes> data = zone_data(key);
    if (GetParam() == dns::alg::ecdsap256sha256) {
        ASSERT_GT(data.size(), dns::p256_table_after);
    }
    const auto fast = sign_all(key, OpensslEcPath::fast_if_built, data);
    const auto evp = sign_all(key, OpensslEcPath::evp_only, data);
    expect_verdicts(key, OpensslEcPath::evp_only, data, fast);
    expect_verdicts(key, OpensslEcPath::fast_if_built, data, evp);
}

INSTANTIATE_TEST_SUITE_P(Curves, EcdsaPaths,
                         ::testing::Values(dns::alg::ecdsap256sha256, dns::alg::ecdsap384sha384));

}  // namespace
}  // namespace zw::signer
