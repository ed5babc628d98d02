// The self-check must refuse every way a signed zone can be broken.
#include "signer/verify_zone.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <sstream>

#include "signer_fixture.h"

namespace zw::signer {
namespace {

struct Signed {
    std::vector<KeyPair> keys;
    SignedZone zone;
};

Signed make(bool nsec3 = false) {
    Signed s;
    s.keys.push_back(make_key(dns::alg::ecdsap256sha256, KeyRole::ksk));
    s.keys.push_back(make_key(dns::alg::ecdsap256sha256, KeyRole::zsk));
    SigningParams p = params_at(t_now);
    if (nsec3) p.nsec3 = Nsec3Params{};
    s.zone = sign_zone(load_zone(), s.keys, p).value();
    return s;
}

zones::Node& node(SignedZone& sz, const std::string& name) {
    for (auto& n : sz.zone.nodes)
        if (n.name.to_text() == name) return n;
    throw std::runtime_error("no node " + name);
}

std::vector<const KeyPair*> pointers(const std::vector<KeyPair>& keys) {
    std::vector<const KeyPair*> out;
    for (const auto& k : keys) out.push_back(&k);
    return out;
}

// The self-check's verdict, which must be the same whether or not it is handed the key
// pairs (with them, P-256 signatures are checked on the private scalar).
std::string failure(const SignedZone& sz, const std::vector<const KeyPair*>& key_pairs, Instant now = t_now) {
    auto with_public_keys = verify_zone(sz, now, 2);
    auto with_key_pairs = verify_zone(sz, now, 2, {}, key_pairs);
    std::string message = with_public_keys ? std::string() : with_public_keys.error().message;
    EXPECT_EQ(message, with_key_pairs ? std::string() : with_key_pairs.error().message);
    return message;
}
std::string failure(const Signed& s, Instant now = t_now) { return failure(s.zone, pointers(s.keys), now); }

TEST(VerifyZone, AFreshlySignedZonePasses) {
    EXPECT_EQ(failure(make()), "");
    EXPECT_EQ(failure(make(true)), "");
}

// The .mg / .de failure: signatures by a key that is not in the published DNSKEY RRset.
TEST(VerifyZone, SignaturesByAKeyOutsideTheDnskeySetAreRefused) {
    Signed s = make();
    zones::RRset& dnskey = *node(s.zone, "example.test.").find(dns::rrtype::DNSKEY);
    KeyPair stranger = make_key(dns::alg::ecdsap256sha256, KeyRole::zsk);
    dnskey.rdatas = {s.keys[0].dnskey_rdata(), stranger.dnskey_rdata()};  // the ZSK that signed is gone
    std::string msg = failure(s);
    EXPECT_NE(msg.find("does not verify against the published DNSKEY RRset"), std::string::npos) << msg;
    EXPECT_NE(msg.find("example.test. SOA: RRSIG by key"), std::string::npos) << msg;
}

// An RRSIG cut short, one naming another signer, and one with the wrong label count are
// each refused before any cryptography.
TEST(VerifyZone, MalformedRrsigsAndWrongFieldsAreRefused) {
    auto damage = [](const char* owner, auto edit) {
        Signed s = make();
        zones::Signature& sig = node(s.zone, owner).find(dns::rrtype::A)->signatures.at(0);
        dns::Bytes bytes(sig.begin(), sig.end());
        edit(bytes);
        sig = zones::Signature(bytes);
        return failure(s);
    };
    std::string cut = damage("mail.example.test.", [](dns::Bytes& b) { b.resize(20); });
    EXPECT_NE(cut.find("mail.example.test. A: malformed RRSIG"), std::string::npos) << cut;
    std::string other = damage("mail.example.test.", [](dns::Bytes& b) {
        dns::Bytes rest(b.begin() + 18 + 14, b.end());  // after "\x07example\x04test\x00"
        b.resize(18);
        const std::string other_test("\x05other\x04test", 11);  // other.test. and its root label
        b.insert(b.end(), other_test.begin(), other_test.end());
        b.push_back(0);
        b.insert(b.end(), rest.begin(), rest.end());
    });
    EXPECT_NE(other.find("mail.example.test. A: RRSIG by key"), std::string::npos) << other;
    EXPECT_NE(other.find("has wrong fields"), std::string::npos) << other;
    std::string labels = damage("mail.example.test.", [](dns::Bytes& b) { b[3] = 2; });
    EXPECT_NE(labels.find("has wrong fields"), std::string::npos) << labels;
}

TEST(VerifyZone, ChangedDataAfterSigningIsRefused) {
    Signed s = make();
    node(s.zone, "mail.example.test.").find(dns::rrtype::A)->rdatas[0][3] ^= 1;
    EXPECT_NE(failure(s).find("mail.example.test. A: RRSIG"), std::string::npos);
}

TEST(VerifyZone, AMissingSignatureIsRefused) {
    Signed s = make();
    node(s.zone, "www.example.test.").find(dns::rrtype::CNAME)->signatures.clear();
    EXPECT_NE(failure(s).find("www.example.test. CNAME: no valid ECDSAP256SHA256 signature"), std::string::npos);
}

TEST(VerifyZone, ExpiredOrNotYetValidSignaturesAreRefused) {
    Signed s = make();
    EXPECT_NE(failure(s, t_now + Seconds{15 * 86400}).find("not valid now"), std::string::npos);
    EXPECT_NE(failure(s, t_now - Seconds{2 * 3600}).find("not valid now"), std::string::npos);
}

TEST(VerifyZone, ADnskeySetSignedOnlyByTheZskIsRefused) {
    Signed s = make();
    zones::RRset& dnskey = *node(s.zone, "example.test.").find(dns::rrtype::DNSKEY);
    // Re-sign the DNSKEY RRset with the ZSK only: valid crypto, wrong key.
    SigningParams p = params_at(t_now);
    std::vector<KeyPair> zsk_only;
    zsk_only.push_back(KeyPair(s.keys[1].zone(), s.keys[1].dnskey(), EvpPkey(EVP_PKEY_dup(s.keys[1].pkey())), {}));
    auto resigned = sign_zone(load_zone(), zsk_only, p).value();
    dnskey.signatures = node(resigned, "example.test.").find(dns::rrtype::DNSKEY)->signatures;
    EXPECT_NE(failure(s).find("not signed by a ECDSAP256SHA256 key-signing key"), std::string::npos);
}

TEST(VerifyZone, ABrokenNsecChainIsRefused) {
    Signed s = make();
    auto& nodes = s.zone.zone.nodes;
    for (auto& n : nodes) {
        if (n.name.to_text() == "mail.example.test.") {
            std::erase_if(n.rrsets, [](const zones::RRset& r) { return r.type == dns::rrtype::NSEC; });
        }
    }
    EXPECT_NE(failure(s).find("mail.example.test.: NSEC missing"), std::string::npos);
}

// Whatever is wrong in the NSEC RDATA, its next name or its type list, a byte too many or
// too few, the chain check names it (the RRSIG over the edited record fails as well).
TEST(VerifyZone, AnNsecWithAWrongNextNameOrTypeListIsRefused) {
    auto refused = [](auto edit) {
        Signed s = make();
        zones::RRset& nsec = *node(s.zone, "mail.example.test.").find(dns::rrtype::NSEC);
        edit(nsec.rdatas.front());
        std::string msg = failure(s);
        return msg.find("mail.example.test.: NSEC does not link to") != std::string::npos;
    };
    EXPECT_TRUE(refused([](dns::Bytes& r) { r[1] ^= 0x01; }));        // a letter of the next name
    EXPECT_TRUE(refused([](dns::Bytes& r) { r.back() ^= 0x01; }));    // a type bit
    EXPECT_TRUE(refused([](dns::Bytes& r) { r.push_back(0); }));      // trailing junk
    EXPECT_TRUE(refused([](dns::Bytes& r) { r.pop_back(); }));        // a bit map cut short
    EXPECT_FALSE(refused([](dns::Bytes&) {}));
}

TEST(VerifyZone, ABrokenOrIncompleteNsec3ChainIsRefused) {
    Signed s = make(true);
    s.zone.nsec3_nodes.erase(s.zone.nsec3_nodes.begin() + 2);
    std::string msg = failure(s);
    EXPECT_NE(msg.find("NSEC3 chain has"), std::string::npos) << msg;
}

TEST(VerifyZone, SignaturesOnGlueAreRefused) {
    Signed s = make();
    zones::RRset& glue = *node(s.zone, "ns.secure.example.test.").find(dns::rrtype::A);
    glue.signatures.push_back(node(s.zone, "mail.example.test.").find(dns::rrtype::A)->signatures.at(0));
    EXPECT_NE(failure(s).find("signed but not authoritative"), std::string::npos);
}

// The test zone with 3000 more hosts h0..h2999, signed by a new P-256 KSK and ZSK (put in
// keys): enough signatures by one key for every worker's verifier to build its table.
SignedZone sign_hosts(std::vector<KeyPair>& keys) {
    std::string text = std::string(hosting_zone);
    for (int i = 0; i < 3000; ++i) text += "h" + std::to_string(i) + " A 198.51.100." + std::to_string(i % 250) + "\n";
    keys.push_back(make_key(dns::alg::ecdsap256sha256, KeyRole::ksk));
    keys.push_back(make_key(dns::alg::ecdsap256sha256, KeyRole::zsk));
    return sign_zone(load_zone(text.c_str()), keys, params_at(t_now)).value();
}

// Enough signatures by one key that every worker's verifier switches to its P-256 table
// (dns/ecdsa_key_table.h) part way: damage before and after the switch is still found.
TEST(VerifyZone, DamageIsFoundBeforeAndAfterTheVerifiersSwitchToTheirTables) {
    std::vector<KeyPair> keys;
    SignedZone sz = sign_hosts(keys);
    EXPECT_EQ(failure(sz, pointers(keys)), "");
    for (const char* name : {"h1.example.test.", "h2999.example.test."}) {
        zones::Signature& sig = node(sz, name).find(dns::rrtype::A)->signatures.at(0);
        dns::Bytes damaged(sig.begin(), sig.end());
        damaged[damaged.size() - 5] ^= 0x20;
        sig = zones::Signature(damaged);
    }
    std::string msg = failure(sz, pointers(keys));
    EXPECT_NE(msg.find("(4 problems)"), std::string::npos) << msg;  // each: bad RRSIG, no valid one
    EXPECT_NE(msg.find("h1.example.test. A: RRSIG by key"), std::string::npos) << msg;
    EXPECT_NE(msg.find("h2999.example.test. A: RRSIG by key"), std::string::npos) << msg;
}

// With more problems than it lists, the self-check names the first ones in zone order,
// the same ones on every run, whichever of its workers finds what first; a problem of the
// chain check, which runs after the workers, still comes first when its node does.
TEST(VerifyZone, ManyProblemsAreListedInZoneOrderTheSameEveryTime) {
    std::vector<KeyPair> keys;
    SignedZone sz = sign_hosts(keys);
    std::size_t damaged = 0;
    std::map<std::string, std::size_t> position;
    for (std::size_t at = 0; at < sz.zone.nodes.size(); ++at) {
        zones::Node& n = sz.zone.nodes[at];
        const std::string name = n.name.to_text();
        position[name] = at;
        if (name[0] != 'h' || std::stoi(name.substr(1)) % 97 != 5) continue;
        zones::Signature& sig = n.find(dns::rrtype::A)->signatures.at(0);
        dns::Bytes bytes(sig.begin(), sig.end());
        bytes[bytes.size() - 3] ^= 0x08;
        sig = zones::Signature(bytes);
        ++damaged;
    }
    ASSERT_GT(damaged, 5u);
    const std::string second = sz.zone.nodes[1].name.to_text();
    sz.zone.nodes[1].find(dns::rrtype::NSEC)->rdatas.front()[1] ^= 0x01;  // its RRSIG fails as well
    const std::string msg = failure(sz, pointers(keys));
    EXPECT_NE(msg.find(fmt::format("({} problems)", 2 * damaged + 3)), std::string::npos) << msg;
    EXPECT_NE(msg.find(second + ": NSEC does not link"), std::string::npos) << msg;
    std::istringstream lines(msg);
    std::string line;
    std::getline(lines, line);  // the summary
    std::size_t last = 0;
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(std::getline(lines, line));
        const std::string owner = line.substr(2, line.find_first_of(" :", 2) - 2);
        ASSERT_TRUE(position.contains(owner)) << line;
        EXPECT_GE(position[owner], last) << line;
        last = position[owner];
    }
    for (int run = 0; run < 5; ++run) EXPECT_EQ(failure(sz, pointers(keys)), msg);
}

// Key tags collide (RFC 4034 Appendix B is a checksum): a signature must be tried with
// every published key of its tag and algorithm, not only the first.
TEST(VerifyZone, ASignatureIsCheckedWithEveryKeyOfItsTag) {
    std::map<std::uint16_t, KeyPair> by_tag;
    std::optional<std::pair<KeyPair, KeyPair>> twins;
    for (int i = 0; i < 20000 && !twins; ++i) {
        KeyPair k = make_key(dns::alg::ecdsap256sha256, KeyRole::zsk);
        auto it = by_tag.find(k.tag());
        if (it != by_tag.end()) {
            twins.emplace(std::move(it->second), std::move(k));
        } else {
            by_tag.emplace(k.tag(), std::move(k));
        }
    }
    ASSERT_TRUE(twins) << "no two of 20000 keys share a tag";
    KeyPair ksk = make_key(dns::alg::ecdsap256sha256, KeyRole::ksk);
    // Each twin signs in turn: one of them comes second in the DNSKEY RRset, so its
    // signatures fail with the first key before they pass with their own.
    for (const KeyPair* signer : {&twins->first, &twins->second}) {
        KeyUse use{{&ksk, &twins->first, &twins->second}, {&ksk}, {signer}};
        auto signed_zone = sign_zone(load_zone(), use, params_at(t_now));
        ASSERT_TRUE(signed_zone) << signed_zone.error().message;
        EXPECT_EQ(failure(*signed_zone, {&ksk, &twins->first, &twins->second}), "") << "signed by the twin " << signer->base_name();
    }
}

}  // namespace
}  // namespace zw::signer
