// Validation of served RRsets with keys made here (Ed25519, RFC 8080): secure, bogus
// (tampered, expired, wrong key, no matching DS) and insecure (unknown DS algorithm,
// NSEC-proven absence of DS) are told apart.
#include "live/chain_validation.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "dns/dnssec.h"
#include "dns/encoding.h"
#include "dns/nsec3.h"
#include "dns/openssl.h"
#include "dns/rdata.h"
#include "dns/rrsig.h"

namespace zw::live {
namespace {

using namespace std::chrono_literals;
const Instant now{Seconds{1'800'000'000}};

dns::Name n(std::string_view text) { return dns::Name::from_text(text).value(); }

struct TestKey {
    dns::EvpPkey pkey;
    dns::Bytes rdata;
    std::uint16_t tag = 0;

    explicit TestKey(std::uint16_t flags) : pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")) {
        dns::Dnskey k;
        k.flags = flags;
        k.algorithm = dns::alg::ed25519;
        k.public_key.resize(32);
        std::size_t len = 32;
        EVP_PKEY_get_raw_public_key(pkey.get(), k.public_key.data(), &len);
        rdata = k.rdata();
        tag = dns::key_tag(rdata);
    }

    dns::Rr sign(const RrSet& set, const dns::Name& zone, Instant inception,
                 Instant expiration) const {
        dns::RrsigFields f{set.type,
                           dns::alg::ed25519,
                           rrsig_labels(set.owner),
                           set.ttl,
                           dns::to_sig_time(expiration),
                           dns::to_sig_time(inception),
                           tag,
                           zone};
        dns::Bytes fields;
        f.append_to(fields);
        dns::Bytes data;
        append_signed_data(data, fields, set.owner, set.type, set.rdatas, set.ttl);
        dns::EvpMdCtx ctx{EVP_MD_CTX_new()};
        EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get());
        dns::Bytes sig(64);
        std::size_t len = sig.size();
        EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size());
        dns::Rr rr{set.owner, dns::rrtype::RRSIG, set.ttl, fields};
        rr.rdata.insert(rr.rdata.end(), sig.begin(),
                        sig.begin() + static_cast<std::ptrdiff_t>(len));
        return rr;
    }
};

class Validation_ : public ::testing::Test {
  protected:
    dns::Name zone = n("tenant.lab.");
    TestKey ksk{257}, zsk{256}, stranger{257};
    RrSet keys{zone, dns::rrtype::DNSKEY, 3600, {}, {}};
    dns::Bytes ds = ds_rdata(zone, ksk.rdata, dns::digest::sha256).value();

    void SetUp() override {
        keys.rdatas = {ksk.rdata, zsk.rdata};
        std::sort(keys.rdatas.begin(), keys.rdatas.end(), dns::rdata_less);
        keys.rrsigs = {ksk.sign(keys, zone, now - 1h, now + 24h)};
    }
};

TEST_F(Validation_, DnskeySetSignedByTheDsKeyIsSecure) {
    std::vector<dns::Bytes> trusted{ds};
    auto v = validate_dnskey_set(keys, zone, trusted, {}, now);
    EXPECT_EQ(v.state, Security::secure) << v.why;
    // An anchor DNSKEY works as well as a DS.
    std::vector<dns::Bytes> anchor{ksk.rdata};
    EXPECT_EQ(validate_dnskey_set(keys, zone, {}, anchor, now).state, Security::secure);
}

TEST_F(Validation_, TamperedExpiredOrForeignSignaturesAreBogus) {
    std::vector<dns::Bytes> trusted{ds};
    RrSet tampered = keys;
    tampered.rrsigs[0].rdata.back() ^= 0x01;
    auto v = validate_dnskey_set(tampered, zone, trusted, {}, now);
    EXPECT_EQ(v.state, Security::bogus);
    EXPECT_NE(v.why.find("does not verify"), std::string::npos) << v.why;

    RrSet expired = keys;
    expired.rrsigs = {ksk.sign(keys, zone, now - 48h, now - 1h)};
    v = validate_dnskey_set(expired, zone, trusted, {}, now);
    EXPECT_EQ(v.state, Security::bogus);
    EXPECT_NE(v.why.find("validity"), std::string::npos) << v.why;

    // Signed by the ZSK only: it matches no DS, so it cannot vouch for the set.
    RrSet zsk_only = keys;
    zsk_only.rrsigs = {zsk.sign(keys, zone, now - 1h, now + 1h)};
    EXPECT_EQ(validate_dnskey_set(zsk_only, zone, trusted, {}, now).state, Security::bogus);

    // The parent's DS points at a key the zone does not publish.
    std::vector<dns::Bytes> other{ds_rdata(zone, stranger.rdata, dns::digest::sha256).value()};
    v = validate_dnskey_set(keys, zone, other, {}, now);
    EXPECT_EQ(v.state, Security::bogus);
    EXPECT_NE(v.why.find("matches a trusted DS"), std::string::npos) << v.why;

    RrSet unsigned_set = keys;
    unsigned_set.rrsigs.clear();
    EXPECT_EQ(validate_dnskey_set(unsigned_set, zone, trusted, {}, now).state, Security::bogus);
}

TEST_F(Validation_, DsOfAnUnknownAlgorithmMakesTheZoneInsecure) {
    dns::Bytes odd = ds;
    odd[2] = 253;  // PRIVATEDNS: RFC 4035 §5.2 treats it as unsigned
    std::vector<dns::Bytes> trusted{odd};
    EXPECT_EQ(validate_dnskey_set(keys, zone, trusted, {}, now).state, Security::insecure);
}

TEST_F(Validation_, RrsetsVerifyOnlyWithTheZonesKeys) {
    RrSet cds{zone, dns::rrtype::CDS, 3600, {ds}, {}};
    cds.rrsigs = {ksk.sign(cds, zone, now - 1h, now + 1h)};
    EXPECT_EQ(verify_rrset(cds, zone, keys.rdatas, now).state, Security::secure);
    std::vector<dns::Bytes> foreign{stranger.rdata};
    EXPECT_EQ(verify_rrset(cds, zone, foreign, now).state, Security::bogus);
    // The signer name must be the zone that holds the keys.
    EXPECT_EQ(verify_rrset(cds, n("lab."), keys.rdatas, now).state, Security::bogus);
}

TEST_F(Validation_, SignedNsecWithoutDsBitProvesAnInsecureDelegation) {
    dns::Name parent = n("lab.");
    TestKey pzsk{256};
    std::vector<dns::Bytes> parent_keys{pzsk.rdata};
    // NSEC at the child: next name, then a bitmap of NS RRSIG NSEC (window 0).
    dns::Name next = n("zzz.lab.");
    dns::Bytes rd(next.bytes().begin(), next.bytes().end());
    dns::Bytes bitmap{0, 6, 0x20, 0, 0, 0, 0, 0x03};  // NS(2), RRSIG(46), NSEC(47)
    rd.insert(rd.end(), bitmap.begin(), bitmap.end());
    EXPECT_TRUE(bitmap_has(bitmap, dns::rrtype::NS));
    EXPECT_FALSE(bitmap_has(bitmap, dns::rrtype::DS));
    RrSet nsec{zone, dns::rrtype::NSEC, 300, {rd}, {}};
    dns::Rr sig = pzsk.sign(nsec, parent, now - 1h, now + 1h);
    Message m;
    m.authority = {dns::Rr{zone, dns::rrtype::NSEC, 300, rd}, sig};
    auto proof = prove_no_ds(m, zone, parent, parent_keys, now);
    EXPECT_EQ(proof.state, Security::insecure) << proof.why;

    m.authority = {dns::Rr{zone, dns::rrtype::NSEC, 300, rd}};  // unsigned: proves nothing
    EXPECT_EQ(prove_no_ds(m, zone, parent, parent_keys, now).state, Security::bogus);
    m.authority.clear();  // a bare NODATA
    EXPECT_EQ(prove_no_ds(m, zone, parent, parent_keys, now).state, Security::bogus);
}

// RFC 5155 §8.6: an insecure delegation inside an opt-out span has no NSEC3 of its own;
// the apex NSEC3 (closest encloser) and the opt-out NSEC3 covering the child prove it.
TEST_F(Validation_, Nsec3OptOutSpanProvesAnInsecureDelegation) {
    dns::Name parent = n("lab.");
    TestKey pzsk{256};
    std::vector<dns::Bytes> parent_keys{pzsk.rdata};
    auto chain = [&](std::uint8_t flags) {
        // Two hashed names, lab. and other.lab.: their two records cover the whole hash
        // space, so one of them covers tenant.lab.
        dns::Bytes h1 = nsec3_hash(parent, {}, 0), h2 = nsec3_hash(n("other.lab."), {}, 0);
        Message m;
        for (auto [owner_hash, next_hash] : {std::pair{h1, h2}, {h2, h1}}) {
            dns::Name owner = parent.prepend(dns::base32hex_encode(owner_hash)).value();
            dns::Bytes rd{1, flags, 0, 0, 0, 20};
            rd.insert(rd.end(), next_hash.begin(), next_hash.end());
            RrSet set{owner, dns::rrtype::NSEC3, 300, {rd}, {}};
            m.authority.push_back(dns::Rr{owner, dns::rrtype::NSEC3, 300, rd});
            m.authority.push_back(pzsk.sign(set, parent, now - 1h, now + 1h));
        }
        return m;
    };
    auto proof = prove_no_ds(chain(1), zone, parent, parent_keys, now);
    EXPECT_EQ(proof.state, Security::insecure) << proof.why;
    // Without the opt-out flag the same records prove that tenant.lab. does not exist.
    proof = prove_no_ds(chain(0), zone, parent, parent_keys, now);
    EXPECT_EQ(proof.state, Security::bogus);
    EXPECT_NE(proof.why.find("without opt-out"), std::string::npos) << proof.why;
}

// An opt-out chain of two NSEC3 records over lab. and other.lab., hashed with `iterations`
// and `salt`, signed by `key`.
Message opt_out_chain(const TestKey& key, std::uint16_t iterations, const dns::Bytes& salt) {
    dns::Name parent = n("lab.");
    dns::Bytes h1 = nsec3_hash(parent, salt, iterations);
    dns::Bytes h2 = nsec3_hash(n("other.lab."), salt, iterations);
    Message m;
    for (auto [owner_hash, next_hash] : {std::pair{h1, h2}, {h2, h1}}) {
        dns::Name owner = parent.prepend(dns::base32hex_encode(owner_hash)).value();
        dns::Bytes rd{1, 1, static_cast<std::uint8_t>(iterations >> 8),
                      static_cast<std::uint8_t>(iterations),
                      static_cast<std::uint8_t>(salt.size())};
        rd.insert(rd.end(), salt.begin(), salt.end());
        rd.push_back(20);
        rd.insert(rd.end(), next_hash.begin(), next_hash.end());
        RrSet set{owner, dns::rrtype::NSEC3, 300, {rd}, {}};
        m.authority.push_back(dns::Rr{owner, dns::rrtype::NSEC3, 300, rd});
        m.authority.push_back(key.sign(set, parent, now - 1h, now + 1h));
    }
    return m;
}

// RFC 9276 §3.2: NSEC3 records of more than 150 iterations are not used (the answer's
// sender would choose the work), however well signed.
TEST_F(Validation_, Nsec3OfMoreThan150IterationsProvesNothing) {
    TestKey pzsk{256};
    std::vector<dns::Bytes> parent_keys{pzsk.rdata};
    auto proof = prove_no_ds(opt_out_chain(pzsk, 150, {0xab}), zone, n("lab."), parent_keys, now);
    EXPECT_EQ(proof.state, Security::insecure) << proof.why;
    proof = prove_no_ds(opt_out_chain(pzsk, 151, {0xab}), zone, n("lab."), parent_keys, now);
    EXPECT_EQ(proof.state, Security::bogus);
    EXPECT_NE(proof.why.find("151 iterations, more than 150 (RFC 9276"), std::string::npos)
        << proof.why;
}

// A proof hashes each (name, salt, iterations) once and at most 32 times in all: records
// that each bring a salt of their own cannot make it hash once per record.
TEST_F(Validation_, Nsec3HashingIsBoundedPerProof) {
    TestKey pzsk{256};
    std::vector<dns::Bytes> parent_keys{pzsk.rdata};
    Message m;
    for (std::uint8_t i = 0; i < 40; ++i) {
        Message two = opt_out_chain(pzsk, 150, {i});
        m.authority.insert(m.authority.end(), two.authority.begin(), two.authority.end());
    }
    auto proof = prove_no_ds(m, zone, n("lab."), parent_keys, now);
    // A zone's NSEC3 chain has one salt: forty chains with forty salts are not a proof.
    EXPECT_EQ(proof.state, Security::bogus);
    EXPECT_NE(proof.why.find("more than 32 hashes"), std::string::npos) << proof.why;
}

// "No CDS" counts only with a signed denial: the apex NSEC without the CDS bit.
TEST_F(Validation_, AbsentCdsNeedsASignedNsecWithoutTheBit) {
    auto apex_nsec = [&](std::initializer_list<std::uint8_t> window0) {
        dns::Name next = n("www.tenant.lab.");
        dns::Bytes rd(next.bytes().begin(), next.bytes().end());
        rd.push_back(0);
        rd.push_back(static_cast<std::uint8_t>(window0.size()));
        rd.insert(rd.end(), window0.begin(), window0.end());
        return rd;
    };
    // NS SOA | RRSIG NSEC DNSKEY, and the same plus CDS (type 59: octet 7, bit 3).
    dns::Bytes without_cds = apex_nsec({0x22, 0, 0, 0, 0, 0x03, 0x80});
    dns::Bytes with_cds = apex_nsec({0x22, 0, 0, 0, 0, 0x03, 0x80, 0x10});
    std::vector<dns::Bytes> zone_keys{zsk.rdata};
    for (auto [rd, signed_, want] : {std::tuple{without_cds, true, Security::secure},
                                     std::tuple{with_cds, true, Security::bogus},
                                     std::tuple{without_cds, false, Security::bogus}}) {
        RrSet nsec{zone, dns::rrtype::NSEC, 300, {rd}, {}};
        Message m;
        m.authority = {dns::Rr{zone, dns::rrtype::NSEC, 300, rd}};
        if (signed_) m.authority.push_back(zsk.sign(nsec, zone, now - 1h, now + 1h));
        EXPECT_EQ(prove_nodata(m, zone, dns::rrtype::CDS, zone, zone_keys, now).state, want);
    }
}

TEST(TrustAnchor, DsOrDnskeyLinesOfOneZone) {
    auto ta = parse_trust_anchor(
        "; root anchor\n"
        ". 3600 IN DS 20326 8 2 "
        "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n\n",
        "root.ds");
    ASSERT_TRUE(ta) << ta.error().describe();
    EXPECT_TRUE(ta->zone.is_root());
    EXPECT_EQ(ta->ds.size(), 1u);
    auto bad = parse_trust_anchor(". 3600 IN DS 1 8 2 AA\nlab. 3600 IN DS 2 8 2 BB\n", "x.ds");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().describe().substr(0, 7), "x.ds:2:");
    EXPECT_FALSE(parse_trust_anchor(". 3600 IN A 192.0.2.1\n", "x.ds"));
    EXPECT_FALSE(parse_trust_anchor("; nothing\n", "x.ds"));
}

}  // namespace
}  // namespace zw::live
