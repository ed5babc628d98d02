// What one library signs, the other verifies: every algorithm, both libraries on each
// side, over messages of many lengths, and each refuses what it must (other data, a changed
// signature, another key's signature). For the deterministic schemes the two libraries
// must make the same bytes.
#include <gtest/gtest.h>
#include <openssl/rand.h>

#include "dns/verifier.h"
#include "signer/crypto.h"

namespace zw::signer {
namespace {

using dns::CryptoLibrary;
constexpr CryptoLibrary libraries[] = {CryptoLibrary::openssl, CryptoLibrary::nettle};

KeyPair new_key(std::uint8_t algorithm) {
    return generate_key(dns::Name::from_text("example.test.").value(), algorithm, KeyRole::zsk, 0,
                        Instant{})
        .value();
}

dns::Bytes random_message(std::size_t size) {
    dns::Bytes m(size);
    if (size) {
        EXPECT_EQ(RAND_bytes(m.data(), static_cast<int>(size)), 1);
    }
    return m;
}

class CrossCheck : public ::testing::TestWithParam<std::uint8_t> {};

TEST_P(CrossCheck, WhatOneLibrarySignsTheOtherVerifies) {
    const std::uint8_t algorithm = GetParam();
    KeyPair key = new_key(algorithm), stranger = new_key(algorithm);
    const bool deterministic = algorithm == dns::alg::rsasha256 || algorithm == dns::alg::ed25519 ||
                               algorithm == dns::alg::ed448;
    const int count = algorithm == dns::alg::rsasha256 ? 6 : 24;
    std::vector<SigningContext> signers;
    std::vector<dns::Verifier> verifiers, strangers;
    for (CryptoLibrary library : libraries) {
        signers.push_back(SigningContext::create(key, library).value());
        EXPECT_EQ(signers.back().library(), library);
        verifiers.push_back(dns::Verifier::create(key.dnskey(), library).value());
        strangers.push_back(dns::Verifier::create(stranger.dnskey(), library).value());
    }
    for (int i = 0; i < count; ++i) {
        const dns::Bytes message = random_message(static_cast<std::size_t>(i) * 37 % 700);
        std::vector<dns::Bytes> made;
        for (std::size_t s = 0; s < signers.size(); ++s) {
            SCOPED_TRACE(std::string("signed by ") + std::string(dns::library_name(libraries[s])));
            dns::Bytes sig;
            ASSERT_TRUE(signers[s].sign(message, sig));
            for (std::size_t v = 0; v < verifiers.size(); ++v) {
                SCOPED_TRACE(std::string("verified by ") +
                             std::string(dns::library_name(libraries[v])));
                EXPECT_TRUE(verifiers[v].verify(message, sig)) << i;
                dns::Bytes other = message;
                other.push_back(static_cast<std::uint8_t>(i));
                EXPECT_FALSE(verifiers[v].verify(other, sig)) << i;
                dns::Bytes damaged = sig;
                damaged[static_cast<std::size_t>(i) % damaged.size()] ^= 0x04;
                EXPECT_FALSE(verifiers[v].verify(message, damaged)) << i;
                EXPECT_FALSE(strangers[v].verify(message, sig)) << i;
                EXPECT_FALSE(verifiers[v].verify(message, std::span(sig).first(sig.size() - 1)))
                    << i;
            }
            made.push_back(std::move(sig));
        }
        if (deterministic) {
            EXPECT_EQ(made[0], made[1])
                << "the two libraries disagree on a deterministic signature, message " << i;
        } else {
            EXPECT_NE(made[0], made[1]) << "two ECDSA signatures with one nonce, message " << i;
        }
    }
}

// A batch through Verifier::verify(span) gives the verdicts of one by one on both libraries.
TEST_P(CrossCheck, BatchesGiveTheVerdictsOfOneByOne) {
    const std::uint8_t algorithm = GetParam();
    KeyPair key = new_key(algorithm);
    const int count = algorithm == dns::alg::rsasha256 ? 8 : 40;
    auto signer = SigningContext::create(key).value();
    std::vector<dns::Bytes> messages, signatures;
    for (int i = 0; i < count; ++i) {
        messages.push_back(random_message(50 + static_cast<std::size_t>(i)));
        dns::Bytes sig;
        ASSERT_TRUE(signer.sign(messages.back(), sig));
        if (i % 3 == 1) sig[sig.size() / 3] ^= 0x10;
        signatures.push_back(std::move(sig));
    }
    for (CryptoLibrary library : libraries) {
        auto verifier = dns::Verifier::create(key.dnskey(), library).value();
        std::vector<dns::Verifier::Check> checks;
        for (int i = 0; i < count; ++i) checks.push_back({messages[i], signatures[i], i % 3 == 1});
        verifier.verify(checks);
        for (int i = 0; i < count; ++i)
            EXPECT_EQ(checks[i].valid, i % 3 != 1) << dns::library_name(library) << " " << i;
    }
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, CrossCheck,
                         ::testing::Values(dns::alg::rsasha256, dns::alg::ecdsap256sha256,
                                           dns::alg::ecdsap384sha384, dns::alg::ed25519,
                                           dns::alg::ed448));

// Nettle signs EdDSA with the public key it is handed; a DNSKEY that is not the private
// key's own is refused when the context is made, not signed with.
TEST(CrossCheck, AnEdDsaKeyPairWhoseDnskeyIsAnotherKeysIsRefused) {
    for (std::uint8_t algorithm : {dns::alg::ed25519, dns::alg::ed448}) {
        KeyPair key = new_key(algorithm), other = new_key(algorithm);
        KeyPair mixed(key.zone(), other.dnskey(), EvpPkey(EVP_PKEY_dup(key.pkey())), {});
        auto made = SigningContext::create(mixed, CryptoLibrary::nettle);
        ASSERT_FALSE(made);
        EXPECT_NE(made.error().message.find("does not belong to its DNSKEY"), std::string::npos)
            << made.error().message;
    }
}

TEST(CrossCheck, EachAlgorithmSignsOnTheLibraryChosenForIt) {
    for (std::uint8_t algorithm : {dns::alg::rsasha256, dns::alg::ecdsap256sha256,
                                   dns::alg::ecdsap384sha384, dns::alg::ed25519, dns::alg::ed448}) {
        KeyPair key = new_key(algorithm);
        EXPECT_EQ(SigningContext::create(key).value().library(), dns::signing_library(algorithm));
        EXPECT_EQ(dns::Verifier::create(key.dnskey()).value().library(),
                  dns::verifying_library(algorithm));
    }
}

}  // namespace
}  // namespace zw::signer
