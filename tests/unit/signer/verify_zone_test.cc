// The self-check must refuse every way a signed zone can be broken, in both modes
// (self_check.h): sampled mode, which finds the zone's signatures differ from what was
// signed, verifies everything and so names the same problems.
#include "signer/verify_zone.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <sstream>

#include "dns/rrsig.h"
#include "signer/crypto.h"
#include "signer/denial.h"
#include "signer_fixture.h"

namespace zw::signer {
namespace {

// A signed zone with the digest of what its run signed, for the sampled check.
struct Signed {
    std::vector<KeyPair> keys;
    SignedZone zone;
    std::optional<SignatureDigest> made;
};

SignatureDigest copy_of(const SignatureDigest& d) {
    SignatureDigest out = d.empty_copy();
    out.merge(d);
    return out;
}

// Signs with the given keys (KeyUse from their timing, or `use` when given).
void sign_into(Signed& s, zones::Zone zone, SigningParams p,
               std::optional<KeyUse> use = std::nullopt) {
    p.self_check = SelfCheck::sampled;
    if (!use) use = select_keys(s.keys, p.now).value();
    auto unchecked = sign_zone_unchecked(std::move(zone), *use, p, nullptr);
    ASSERT_TRUE(unchecked) << unchecked.error().message;
    ASSERT_NE(unchecked->made(), nullptr);
    s.made = copy_of(*unchecked->made());
    ASSERT_TRUE(unchecked->check());
    s.zone = std::move(*unchecked).take();
}

Signed make(bool nsec3 = false, std::uint8_t algorithm = dns::alg::ecdsap256sha256) {
    Signed s;
    s.keys.push_back(make_key(algorithm, KeyRole::ksk));
    s.keys.push_back(make_key(algorithm, KeyRole::zsk));
    SigningParams p = params_at(t_now);
    if (nsec3) p.nsec3 = Nsec3Params{};
    sign_into(s, load_zone(), p);
    return s;
}

zones::Node& node(SignedZone& sz, const std::string& name) {
    for (auto& n : sz.zone.nodes)
        if (n.name.to_text() == name) return n;
    throw std::runtime_error("no node " + name);
}

std::string message_of(const Result<void>& checked) {
    return checked ? std::string() : checked.error().message;
}

// The self-check's verdict, the same in both modes.
std::string failure(const Signed& s, Instant now = t_now) {
    const std::string full = message_of(verify_zone(s.zone, now, 2));
    EXPECT_TRUE(s.made);
    std::size_t verified = 0;
    const std::string sampled = message_of(verify_zone(
        s.zone, now, 2, {}, CheckPlan{SelfCheck::sampled, s.made ? &*s.made : nullptr, &verified}));
    EXPECT_EQ(full, sampled);
    return full;
}

TEST(VerifyZone, AFreshlySignedZonePasses) {
    EXPECT_EQ(failure(make()), "");
    EXPECT_EQ(failure(make(true)), "");
}

// The .mg / .de failure: signatures by a key that is not in the published DNSKEY RRset.
TEST(VerifyZone, SignaturesByAKeyOutsideTheDnskeySetAreRefused) {
    Signed s = make();
    zones::RRset& dnskey = *node(s.zone, "example.test.").find(dns::rrtype::DNSKEY);
    KeyPair stranger = make_key(dns::alg::ecdsap256sha256, KeyRole::zsk);
    dnskey.rdatas = {s.keys[0].dnskey_rdata(),
                     stranger.dnskey_rdata()};  // the ZSK that signed is gone
    std::string msg = failure(s);
    EXPECT_NE(msg.find("does not verify against the published DNSKEY RRset"), std::string::npos)
        << msg;
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
    EXPECT_NE(failure(s).find("www.example.test. CNAME: no valid ECDSAP256SHA256 signature"),
              std::string::npos);
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
    zsk_only.push_back(
        KeyPair(s.keys[1].zone(), s.keys[1].dnskey(), EvpPkey(EVP_PKEY_dup(s.keys[1].pkey())), {}));
    auto resigned = sign_zone(load_zone(), zsk_only, p).value();
    dnskey.signatures = node(resigned, "example.test.").find(dns::rrtype::DNSKEY)->signatures;
    EXPECT_NE(failure(s).find("not signed by a ECDSAP256SHA256 key-signing key"),
              std::string::npos);
}

TEST(VerifyZone, ABrokenNsecChainIsRefused) {
    Signed s = make();
    auto& nodes = s.zone.zone.nodes;
    for (auto& n : nodes) {
        if (n.name.to_text() == "mail.example.test.") {
            std::erase_if(n.rrsets,
                          [](const zones::RRset& r) { return r.type == dns::rrtype::NSEC; });
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
    EXPECT_TRUE(refused([](dns::Bytes& r) { r[1] ^= 0x01; }));      // a letter of the next name
    EXPECT_TRUE(refused([](dns::Bytes& r) { r.back() ^= 0x01; }));  // a type bit
    EXPECT_TRUE(refused([](dns::Bytes& r) { r.push_back(0); }));    // trailing junk
    EXPECT_TRUE(refused([](dns::Bytes& r) { r.pop_back(); }));      // a bit map cut short
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
    glue.signatures.push_back(
        node(s.zone, "mail.example.test.").find(dns::rrtype::A)->signatures.at(0));
    EXPECT_NE(failure(s).find("signed but not authoritative"), std::string::npos);
}

// The test zone with 3000 more hosts h0..h2999, signed by a new KSK and ZSK: enough
// signatures by one key for every worker's P-256 verifier to build its table.
Signed sign_hosts(std::uint8_t algorithm = dns::alg::ecdsap256sha256) {
    std::string text = std::string(hosting_zone);
    for (int i = 0; i < 3000; ++i)
        text += "h" + std::to_string(i) + " A 198.51.100." + std::to_string(i % 250) + "\n";
    Signed s;
    s.keys.push_back(make_key(algorithm, KeyRole::ksk));
    s.keys.push_back(make_key(algorithm, KeyRole::zsk));
    sign_into(s, load_zone(text.c_str()), params_at(t_now));
    return s;
}

// Enough signatures by one key that every worker's verifier switches to its P-256 table
// (dns/ecdsa_key_table.h) part way: damage before and after the switch is still found.
TEST(VerifyZone, DamageIsFoundBeforeAndAfterTheVerifiersSwitchToTheirTables) {
    Signed s = sign_hosts();
    EXPECT_EQ(failure(s), "");
    for (const char* name : {"h1.example.test.", "h2999.example.test."}) {
        zones::Signature& sig = node(s.zone, name).find(dns::rrtype::A)->signatures.at(0);
        dns::Bytes damaged(sig.begin(), sig.end());
        damaged[damaged.size() - 5] ^= 0x20;
        sig = zones::Signature(damaged);
    }
    std::string msg = failure(s);
    EXPECT_NE(msg.find("(4 problems)"), std::string::npos) << msg;  // each: bad RRSIG, no valid one
    EXPECT_NE(msg.find("h1.example.test. A: RRSIG by key"), std::string::npos) << msg;
    EXPECT_NE(msg.find("h2999.example.test. A: RRSIG by key"), std::string::npos) << msg;
}

// With more problems than it lists, the self-check names the first ones in zone order,
// the same ones on every run, whichever of its workers finds what first; a problem of the
// chain check, which runs after the workers, still comes first when its node does.
TEST(VerifyZone, ManyProblemsAreListedInZoneOrderTheSameEveryTime) {
    Signed s = sign_hosts();
    SignedZone& sz = s.zone;
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
    const std::string msg = failure(s);
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
    for (int run = 0; run < 5; ++run) EXPECT_EQ(failure(s), msg);
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
        Signed s;
        sign_into(s, load_zone(), params_at(t_now),
                  KeyUse{{&ksk, &twins->first, &twins->second}, {&ksk}, {signer}});
        EXPECT_EQ(failure(s), "") << "signed by the twin " << signer->base_name();
    }
}

// A digest of every signature the zone holds now, as if its signer had made them as they
// are: what the check sees when the signing itself went wrong.
SignatureDigest digest_as_held(const SignedZone& sz, const SignatureDigest& key) {
    SignatureDigest d = key.empty_copy();
    sz.for_each_node([&](const zones::Node& node) {
        for (const auto& set : node.rrsets) {
            if (!is_signed_rrset(node.role, set.type)) continue;
            for (const auto& sig : set.signatures) {
                std::size_t at = 0;
                auto f = dns::RrsigFields::parse(sig, at).value();
                dns::Bytes data;
                dns::append_signed_data(data, sig.bytes().first(at), node.name, set.type,
                                        set.rdatas, f.original_ttl);
                d.add(data, sig.bytes().subspan(at));
            }
        }
    });
    return d;
}

// What the two modes guarantee differently: a signature that was wrong when it was made
// (a fault in the signing library) is always found by full mode, and by sampled mode only
// when it is among those verified. With 300 such signatures, sampled mode finds some and,
// verifying about one in sample_one_in(), not all.
TEST(VerifyZone, ASignatureMadeWrongIsFoundByFullModeAndBySampledModeWhenDrawn) {
    Signed s = sign_hosts();
    for (int i = 0; i < 3000; i += 10) {
        zones::Signature& sig = node(s.zone, "h" + std::to_string(i) + ".example.test.")
                                    .find(dns::rrtype::A)
                                    ->signatures.at(0);
        dns::Bytes damaged(sig.begin(), sig.end());
        damaged[damaged.size() - 7] ^= 0x01;
        sig = zones::Signature(damaged);
    }
    const SignatureDigest as_made = digest_as_held(s.zone, *s.made);
    const std::string full = message_of(verify_zone(s.zone, t_now, 2));
    EXPECT_NE(full.find("(600 problems)"), std::string::npos) << full;
    std::size_t verified = 0;
    const auto sampled =
        verify_zone(s.zone, t_now, 2, {}, CheckPlan{SelfCheck::sampled, &as_made, &verified});
    ASSERT_FALSE(sampled);
    const std::size_t found =
        std::stoul(sampled.error().message.substr(sampled.error().message.find('(') + 1));
    EXPECT_GT(found, 0u);
    EXPECT_LT(found, 300u) << sampled.error().message;
    EXPECT_LT(verified, 3100u / 4);
}

// Sampled mode verifies the DNSKEY RRset's signature, the first signature of each key in
// each stretch of nodes and about one in sample_one_in() of the rest; full mode all of them.
TEST(VerifyZone, SampledModeVerifiesTheStatedSubsetAndFullModeEverything) {
    Signed s = sign_hosts();
    std::size_t fresh = 0;
    s.zone.for_each_node([&](const zones::Node& n) {
        for (const auto& set : n.rrsets) fresh += set.signatures.size();
    });
    std::size_t full = 0, sampled = 0;
    ASSERT_TRUE(verify_zone(s.zone, t_now, 2, {}, CheckPlan{SelfCheck::full, nullptr, &full}));
    ASSERT_TRUE(
        verify_zone(s.zone, t_now, 2, {}, CheckPlan{SelfCheck::sampled, &*s.made, &sampled}));
    EXPECT_EQ(full, fresh);
    const std::uint64_t one_in = sample_one_in(dns::alg::ecdsap256sha256);
    EXPECT_GT(sampled, fresh / one_in / 2);
    EXPECT_LT(sampled, fresh / one_in * 2);
    // Without the signer's digest there is nothing to bind to: everything is verified.
    std::size_t unbound = 0;
    ASSERT_TRUE(
        verify_zone(s.zone, t_now, 2, {}, CheckPlan{SelfCheck::sampled, nullptr, &unbound}));
    EXPECT_EQ(unbound, fresh);
}

// Both modes refuse changed data and damaged signatures on every algorithm, each on the
// library that verifies it (dns/crypto_library.h).
TEST(VerifyZone, EveryAlgorithmRefusesChangedDataAndADamagedSignatureInBothModes) {
    for (std::uint8_t algorithm : {dns::alg::rsasha256, dns::alg::ecdsap256sha256,
                                   dns::alg::ecdsap384sha384, dns::alg::ed25519, dns::alg::ed448}) {
        SCOPED_TRACE(dns::algorithm_mnemonic(algorithm));
        EXPECT_EQ(failure(make(false, algorithm)), "");
        Signed changed = make(false, algorithm);
        node(changed.zone, "mail.example.test.").find(dns::rrtype::A)->rdatas[0][3] ^= 1;
        EXPECT_NE(failure(changed).find("mail.example.test. A: RRSIG"), std::string::npos);
        Signed damaged = make(false, algorithm);
        zones::Signature& sig =
            node(damaged.zone, "www.example.test.").find(dns::rrtype::CNAME)->signatures.at(0);
        dns::Bytes bytes(sig.begin(), sig.end());
        bytes[bytes.size() - 9] ^= 0x02;
        sig = zones::Signature(bytes);
        EXPECT_NE(failure(damaged).find("www.example.test. CNAME: RRSIG"), std::string::npos);
    }
}

// A valid signature that this run did not make (here: the same RRset signed again by the
// same key, ECDSA being random) passes full mode, which checks only that it verifies, and
// is refused by sampled mode, which checks that the zone holds what the run made.
TEST(VerifyZone, AValidSignatureThisRunDidNotMakeIsRefusedBySampledMode) {
    Signed s = make();
    zones::RRset& a = *node(s.zone, "mail.example.test.").find(dns::rrtype::A);
    zones::Signature& sig = a.signatures.at(0);
    std::size_t at = 0;
    auto fields = dns::RrsigFields::parse(sig, at).value();
    dns::Bytes data,
        again(sig.bytes().begin(), sig.bytes().begin() + static_cast<std::ptrdiff_t>(at));
    dns::append_signed_data(data, again, node(s.zone, "mail.example.test.").name, a.type, a.rdatas,
                            fields.original_ttl);
    auto ctx = SigningContext::create(s.keys[1]).value();
    ASSERT_TRUE(ctx.sign(data, again));
    ASSERT_NE(again, dns::Bytes(sig.begin(), sig.end()));
    sig = zones::Signature(again);
    EXPECT_EQ(message_of(verify_zone(s.zone, t_now, 2)), "");
    const std::string sampled =
        message_of(verify_zone(s.zone, t_now, 2, {}, CheckPlan{SelfCheck::sampled, &*s.made}));
    EXPECT_NE(sampled.find("not exactly those this run made"), std::string::npos) << sampled;
}

}  // namespace
}  // namespace zw::signer
