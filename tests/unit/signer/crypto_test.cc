#include "signer/crypto.h"

#include <gtest/gtest.h>

#include "../../testutil/temp_dir.h"
#include "dns/encoding.h"
#include "signer/key_file.h"
#include "dns/rrsig.h"
#include "dns/verifier.h"

namespace zw::signer {
namespace {

// RFC 8080 §6.1: Ed25519 signatures are deterministic, so the published RRSIG over the
// example MX RRset must come out byte for byte.
TEST(Crypto, Rfc8080Ed25519KnownAnswer) {
    testutil::TempDir dir;
    dir.write_private("Kexample.com.+015+03613.private",
              "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\nPrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n");
    dir.write("Kexample.com.+015+03613.key", "example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=\n");
    auto key = read_key_pair(dir.file("Kexample.com.+015+03613")).value();
    auto mx = dns::rr_from_text("example.com. 3600 IN MX 10 mail.example.com.").value();
    dns::RrsigFields f{dns::rrtype::MX, 15, 2, 3600, 1440021600, 1438207200, 3613, mx.owner};
    dns::Bytes rrsig, data;
    f.append_to(rrsig);
    std::vector<dns::Bytes> rdatas{mx.rdata};
    dns::append_signed_data(data, rrsig, mx.owner, mx.type, rdatas, 3600);
    auto ctx = SigningContext::create(key).value();
    dns::Bytes sig;
    ASSERT_TRUE(ctx.sign(data, sig));
    EXPECT_EQ(dns::base64_encode(sig),
              "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==");
    auto verifier = dns::Verifier::create(key.dnskey()).value();
    EXPECT_TRUE(verifier.verify(data, sig));
    data.back() ^= 1;
    EXPECT_FALSE(verifier.verify(data, sig));
}

class SignVerify : public ::testing::TestWithParam<std::uint8_t> {};

TEST_P(SignVerify, SignaturesVerifyWithThePublicKeyAloneAndFailWhenTampered) {
    auto zone = dns::Name::from_text("example.test.").value();
    auto key = generate_key(zone, GetParam(), KeyRole::zsk, 0, Instant{}).value();
    auto ctx = SigningContext::create(key).value();
    dns::Bytes data{1, 2, 3, 4, 5}, sig;
    ASSERT_TRUE(ctx.sign(data, sig));
    std::size_t expected = GetParam() == dns::alg::rsasha256 ? 256 : GetParam() == dns::alg::ecdsap256sha256 ? 64
                           : GetParam() == dns::alg::ecdsap384sha384 ? 96 : GetParam() == dns::alg::ed25519 ? 64 : 114;
    EXPECT_EQ(sig.size(), expected);
    auto verifier = dns::Verifier::create(key.dnskey()).value();
    EXPECT_TRUE(verifier.verify(data, sig));
    sig[sig.size() / 2] ^= 0x40;
    EXPECT_FALSE(verifier.verify(data, sig));
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, SignVerify,
                         ::testing::Values(dns::alg::rsasha256, dns::alg::ecdsap256sha256, dns::alg::ecdsap384sha384,
                                           dns::alg::ed25519, dns::alg::ed448));

}  // namespace
}  // namespace zw::signer
