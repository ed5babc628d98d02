#include "signer/sign_zone.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "dns/encoding.h"
#include "dns/rrsig.h"
#include "signer/denial.h"
#include "signer/zone_writer.h"
#include "signer_fixture.h"

namespace zw::signer {
namespace {

std::vector<KeyPair> ksk_zsk(std::uint8_t alg = dns::alg::ecdsap256sha256) {
    std::vector<KeyPair> keys;
    keys.push_back(make_key(alg, KeyRole::ksk));
    keys.push_back(make_key(alg, KeyRole::zsk));
    return keys;
}

std::uint16_t signer_tag(std::span<const std::uint8_t> rrsig) {
    return static_cast<std::uint16_t>(rrsig[16] << 8 | rrsig[17]);
}

TEST(SignZone, NsecSignsWhatIsAuthoritativeAndNothingElse) {
    auto keys = ksk_zsk();
    auto sz = sign_zone(load_zone(), keys, params_at(t_now));
    ASSERT_TRUE(sz) << sz.error().message;
    const zones::Node* apex = node_named(*sz, "example.test.");
    ASSERT_NE(apex, nullptr);
    // DNSKEY by the KSK only, the rest of the apex by the ZSK only.
    const zones::RRset* dnskey = apex->find(dns::rrtype::DNSKEY);
    ASSERT_NE(dnskey, nullptr);
    ASSERT_EQ(dnskey->signatures.size(), 1u);
    EXPECT_EQ(signer_tag(dnskey->signatures[0]), keys[0].tag());
    EXPECT_EQ(signer_tag(apex->find(dns::rrtype::SOA)->signatures.at(0)), keys[1].tag());

    const zones::Node* secure = node_named(*sz, "secure.example.test.");
    EXPECT_TRUE(secure->find(dns::rrtype::NS)->signatures.empty());  // delegation NS: not ours
    EXPECT_EQ(secure->find(dns::rrtype::DS)->signatures.size(), 1u);
    EXPECT_EQ(secure->find(dns::rrtype::NSEC)->signatures.size(), 1u);

    const zones::Node* glue = node_named(*sz, "ns.secure.example.test.");
    EXPECT_EQ(glue->role, zones::NodeRole::occluded);
    EXPECT_TRUE(glue->find(dns::rrtype::A)->signatures.empty());
    EXPECT_EQ(glue->find(dns::rrtype::NSEC), nullptr);

    // RFC 4034 §3.1.3: a wildcard's RRSIG does not count the "*" label.
    const zones::Node* wild = node_named(*sz, "*.pages.example.test.");
    std::size_t at = 0;
    EXPECT_EQ(dns::RrsigFields::parse(wild->find(dns::rrtype::A)->signatures.at(0), at)->labels, 3);

    // Empty non-terminals get no NSEC: a.deep.chain links straight on.
    EXPECT_EQ(node_named(*sz, "chain.example.test."), nullptr);
    auto nsec_next = [&](const char* name) {
        const auto& r = node_named(*sz, name)->find(dns::rrtype::NSEC)->rdatas.at(0);
        return dns::Name::from_wire(r).value().to_text();
    };
    EXPECT_EQ(nsec_next("a.deep.chain.example.test."), "insecure.example.test.");
    EXPECT_EQ(nsec_next("x.y.insecure2.example.test."), "mail.example.test.");
    EXPECT_EQ(nsec_next("secure.example.test."),
              "www.example.test.");                              // skips the glue below the cut
    EXPECT_EQ(nsec_next("www.example.test."), "example.test.");  // closes at the apex
}

// RFC 4035 §2.3: glue at the delegation name itself is not listed in the NSEC or NSEC3
// type bitmap there.
TEST(SignZone, DenialAtADelegationListsOnlyNsDsAndItself) {
    auto keys = ksk_zsk();
    const std::string zone_text = std::string(hosting_zone) + "self NS self\nself A 192.0.2.9\n";
    for (bool nsec3 : {false, true}) {
        SigningParams p = params_at(t_now);
        if (nsec3) p.nsec3 = Nsec3Params{};
        auto sz = sign_zone(load_zone(zone_text.c_str()), keys, p);
        ASSERT_TRUE(sz) << sz.error().message;
        const zones::Node* self = node_named(*sz, "self.example.test.");
        ASSERT_NE(self, nullptr);
        std::vector<std::uint16_t> want =
            nsec3 ? std::vector<std::uint16_t>{dns::rrtype::NS}
                  : std::vector<std::uint16_t>{dns::rrtype::NS, dns::rrtype::RRSIG,
                                               dns::rrtype::NSEC};
        std::vector<std::uint16_t> types;
        dns::Bytes bitmap;
        denial_bitmap(*self, types, bitmap);
        EXPECT_EQ(types, want);
        EXPECT_TRUE(self->find(dns::rrtype::A)->signatures.empty());
    }
}

TEST(SignZone, SignaturesFollowTheValidityInceptionAndJitterParameters) {
    auto keys = ksk_zsk();
    SigningParams p = params_at(t_now);
    p.validity = Seconds{10 * 86400};
    p.inception_offset = Seconds{7200};
    p.jitter = Seconds{86400};
    auto sz = sign_zone(load_zone(), keys, p).value();
    std::set<std::uint32_t> expirations;
    sz.for_each_node([&](const zones::Node& node) {
        for (const auto& set : node.rrsets)
            for (const auto& sig : set.signatures) {
                std::size_t at = 0;
                auto f = dns::RrsigFields::parse(sig, at).value();
                EXPECT_EQ(f.inception, dns::to_sig_time(t_now) - 7200);
                EXPECT_LE(f.expiration, dns::to_sig_time(t_now) + 10 * 86400);
                EXPECT_GT(f.expiration, dns::to_sig_time(t_now) + 9 * 86400);
                expirations.insert(f.expiration);
            }
    });
    EXPECT_GT(expirations.size(), 5u);  // spread, not one instant
}

TEST(SignZone, Nsec3CoversEmptyNonTerminalsAndOptOutSkipsInsecureDelegations) {
    auto keys = ksk_zsk();
    for (bool opt_out : {false, true}) {
        SigningParams p = params_at(t_now);
        p.nsec3 = Nsec3Params{0, {}, opt_out};
        auto sz = sign_zone(load_zone(), keys, p);
        ASSERT_TRUE(sz) << sz.error().message;
        std::set<std::string> owners;
        for (const auto& n : sz->nsec3_nodes) owners.insert(n.name.to_text());
        auto has = [&](const char* name) {
            auto h = nsec3_hash(dns::Name::from_text(name).value(), *p.nsec3);
            return owners.contains(dns::base32hex_encode(h) + ".example.test.");
        };
        EXPECT_TRUE(has("example.test."));
        EXPECT_TRUE(has("chain.example.test."));       // empty non-terminal
        EXPECT_TRUE(has("deep.chain.example.test."));  // empty non-terminal
        EXPECT_TRUE(has("secure.example.test."));
        EXPECT_FALSE(has("ns.secure.example.test."));  // glue
        EXPECT_EQ(has("insecure.example.test."), !opt_out);
        EXPECT_EQ(has("y.insecure2.example.test."),
                  !opt_out);  // exists only for an opted-out delegation
        EXPECT_EQ(node_named(*sz, "example.test.")->find(dns::rrtype::NSEC), nullptr);
        ASSERT_NE(node_named(*sz, "example.test.")->find(dns::rrtype::NSEC3PARAM), nullptr);
    }
}

TEST(SignZone, Rfc5155AppendixAHash) {
    // RFC 5155 Appendix A: salt aabbccdd, 12 iterations, "example" hashes to
    // 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.
    Nsec3Params p{12, {0xaa, 0xbb, 0xcc, 0xdd}, false};
    EXPECT_EQ(dns::base32hex_encode(nsec3_hash(dns::Name::from_text("example.").value(), p)),
              "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
    EXPECT_EQ(dns::base32hex_encode(nsec3_hash(dns::Name::from_text("a.example.").value(), p)),
              "35mthgpgcu1qg68fab165klnsnk3dpvl");
}

TEST(SignZone, CdsAndCdnskeyForChosenKeysAndTheDeleteForm) {
    auto keys = ksk_zsk();
    SigningParams p = params_at(t_now);
    p.cds_key_tags = {keys[0].tag()};
    auto sz = sign_zone(load_zone(), keys, p).value();
    const zones::Node* apex = node_named(sz, "example.test.");
    const zones::RRset* cds = apex->find(dns::rrtype::CDS);
    ASSERT_NE(cds, nullptr);
    EXPECT_EQ(cds->rdatas.at(0),
              dns::ds_rdata(sz.zone.origin, keys[0].dnskey_rdata(), dns::digest::sha256).value());
    EXPECT_EQ(apex->find(dns::rrtype::CDNSKEY)->rdatas.at(0), keys[0].dnskey_rdata());
    EXPECT_EQ(signer_tag(cds->signatures.at(0)), keys[0].tag());  // RFC 7344 §4.1: by the KSK

    p.cds_key_tags = {};
    p.cds_delete = true;
    auto del = sign_zone(load_zone(), keys, p).value();
    EXPECT_EQ(node_named(del, "example.test.")->find(dns::rrtype::CDS)->rdatas.at(0),
              dns::cds_delete_rdata());

    p.cds_delete = false;
    p.cds_key_tags = {static_cast<std::uint16_t>(keys[0].tag() + 1)};
    EXPECT_FALSE(sign_zone(load_zone(), keys, p));
}

TEST(SignZone, ALoneKskIsACskAndSignsEverything) {
    std::vector<KeyPair> keys;
    keys.push_back(make_key(dns::alg::ed25519, KeyRole::csk));
    auto sz = sign_zone(load_zone(), keys, params_at(t_now)).value();
    EXPECT_EQ(
        signer_tag(node_named(sz, "mail.example.test.")->find(dns::rrtype::A)->signatures.at(0)),
        keys[0].tag());
}

TEST(SignZone, KeysFollowTheirTiming) {
    auto keys = ksk_zsk();
    keys.push_back(make_key(dns::alg::ecdsap256sha256, KeyRole::zsk));
    // The third key is published but not yet active (ZSK pre-publication).
    auto zone = dns::Name::from_text("example.test.").value();
    KeyPair pre(zone, keys[2].dnskey(), EvpPkey(EVP_PKEY_dup(keys[2].pkey())),
                KeyTiming{t_now, t_now, t_now + Seconds{86400}, std::nullopt, std::nullopt});
    keys.pop_back();
    keys.push_back(std::move(pre));
    auto sz = sign_zone(load_zone(), keys, params_at(t_now)).value();
    EXPECT_EQ(node_named(sz, "example.test.")->find(dns::rrtype::DNSKEY)->rdatas.size(), 3u);
    for (const auto& sig : node_named(sz, "mail.example.test.")->find(dns::rrtype::A)->signatures) {
        EXPECT_NE(signer_tag(sig), keys[2].tag());
    }
}

TEST(SignZone, APublishedAlgorithmWithoutAnActiveKeyIsRefused) {
    auto keys = ksk_zsk();
    auto zone = dns::Name::from_text("example.test.").value();
    KeyPair other = make_key(dns::alg::ed25519, KeyRole::zsk);
    keys.emplace_back(zone, other.dnskey(), EvpPkey(EVP_PKEY_dup(other.pkey())),
                      KeyTiming{t_now, t_now, t_now + Seconds{86400}, std::nullopt, std::nullopt});
    auto r = sign_zone(load_zone(), keys, params_at(t_now));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("RFC 4035"), std::string::npos);
}

TEST(SignZone, ANewAlgorithmSignsBeforeItsDnskeyIsPublished) {
    // RFC 6781 §4.1.4 step 1: the new algorithm's signatures go out first.
    auto keys = ksk_zsk();
    keys.push_back(make_key(dns::alg::ed25519, KeyRole::csk));
    KeyUse use{{&keys[0], &keys[1]}, {&keys[0]}, {&keys[1], &keys[2]}};
    auto sz = sign_zone(load_zone(), use, params_at(t_now));
    ASSERT_TRUE(sz) << sz.error().message;
    EXPECT_EQ(node_named(*sz, "example.test.")->find(dns::rrtype::DNSKEY)->rdatas.size(), 2u);
    std::set<std::uint16_t> signers;
    for (const auto& sig :
         node_named(*sz, "mail.example.test.")->find(dns::rrtype::A)->signatures) {
        signers.insert(signer_tag(sig));
    }
    EXPECT_EQ(signers, (std::set<std::uint16_t>{keys[1].tag(), keys[2].tag()}));
    // Without a DNSKEY signer the caller asked for an unsigned zone: refuse, do not guess.
    KeyUse none{{&keys[0]}, {}, {&keys[1]}};
    EXPECT_FALSE(sign_zone(load_zone(), none, params_at(t_now)));
}

TEST(SignZone, ParallelAndSerialRunsGiveTheSameZone) {
    auto keys = ksk_zsk(dns::alg::ed25519);  // deterministic signatures
    SigningParams one = params_at(t_now);
    one.threads = 1;
    SigningParams four = params_at(t_now);
    four.threads = 4;
    auto a = signed_zone_text(sign_zone(load_zone(), keys, one).value()).value();
    auto b = signed_zone_text(sign_zone(load_zone(), keys, four).value()).value();
    EXPECT_EQ(a, b);
}

// The output is written while the self-check runs (app/sign_job.cc); what gates publishing
// is that the zone cannot be taken before its check has passed.
TEST(SignZone, AnUncheckedZoneIsHandedOverOnlyAfterItsCheckPasses) {
    auto keys = ksk_zsk();
    KeyUse use{{&keys[0], &keys[1]}, {&keys[0]}, {&keys[1]}};
    auto damaged = sign_zone_unchecked(load_zone(), use, params_at(t_now), nullptr);
    ASSERT_TRUE(damaged) << damaged.error().message;
    EXPECT_THROW((void)std::move(*damaged).take(), std::logic_error);
    // A signature bit flipped after signing, as a fault between signer and writer would.
    auto& sig = const_cast<zones::Signature&>(
        node_named(damaged->zone(), "mail.example.test.")->find(dns::rrtype::A)->signatures.at(0));
    dns::Bytes bytes(sig.begin(), sig.end());
    bytes[bytes.size() - 5] ^= 0x20;
    sig = zones::Signature(bytes);
    SigningStats stats;
    auto verdict = damaged->check(&stats);
    ASSERT_FALSE(verdict);
    EXPECT_NE(verdict.error().message.find("mail.example.test."), std::string::npos)
        << verdict.error().message;
    EXPECT_THROW((void)std::move(*damaged).take(), std::logic_error);

    auto good = sign_zone_unchecked(load_zone(), use, params_at(t_now), nullptr, &stats);
    ASSERT_TRUE(good);
    ASSERT_TRUE(good->check(&stats));
    EXPECT_GT(stats.verify_seconds, 0.0);
    SignedZone taken = std::move(*good).take();
    EXPECT_TRUE(verify_zone(taken, t_now, 1));
}

// The writer formats chunks of 512 nodes on several threads into a ring of 4 slots per
// thread and writes them in order: 10,000 names are 20 chunks, more than the ring holds.
TEST(SignZone, ParallelWriterWritesTheBytesOfOneThread) {
    std::string text = hosting_zone;
    for (int i = 0; i < 10000; ++i) text += fmt::format("host{} 300 IN A 192.0.2.{}\n", i, i % 250);
    auto keys = ksk_zsk(dns::alg::ed25519);
    auto sz = sign_zone(load_zone(text.c_str()), keys, params_at(t_now));
    ASSERT_TRUE(sz) << sz.error().message;
    const std::string expected = signed_zone_text(*sz).value();
    const std::string dir = ::testing::TempDir();
    for (unsigned threads : {1u, 2u, 4u}) {
        const std::string path = dir + "/parallel-writer.zone";
        ASSERT_TRUE(write_signed_zone(*sz, path, threads));
        std::ifstream in(path, std::ios::binary);
        std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_TRUE(written == expected) << threads << " threads: " << written.size() << " bytes, "
                                         << expected.size() << " expected";
        std::remove(path.c_str());
    }
}

// nsec3_original_names lists empty non-terminals in one pass over the canonical order;
// the reference here is the plain definition: every listed node and all its ancestors
// below the apex, deduplicated and sorted.
TEST(SignZone, Nsec3OriginalNamesMatchTheirDefinitionOnARandomTree) {
    std::mt19937 rng(7);
    const char* labels[] = {"a", "b", "c", "x-1", "*"};
    std::string text = hosting_zone;
    for (int i = 0; i < 400; ++i) {
        std::string name;
        for (int depth = 1 + static_cast<int>(rng() % 4); depth > 0; --depth) {
            name += std::string(labels[rng() % 5]) + ".";
        }
        name += "deep";
        // A wildcard cannot be a delegation (RFC 4592 §4.2): data only there.
        const unsigned shape = static_cast<unsigned>(rng() % 6);
        switch (name.starts_with("*.") ? 5 : shape) {
            case 0:
                text += fmt::format("{} 300 IN NS ns.{}\n{} 300 IN NS ns.example.net.\n", name,
                                    name, name);
                text += fmt::format("ns.{} 300 IN A 192.0.2.9\n", name);
                break;
            case 1:
                text += fmt::format("{} 300 IN NS ns.example.net.\n{} 300 IN DS 1 13 2 {}\n", name,
                                    name, std::string(64, 'a'));
                break;
            default:
                text += fmt::format("{} 300 IN TXT \"{}\"\n", name, i);
        }
    }
    zones::Zone zone = load_zone(text.c_str());
    for (bool opt_out : {false, true}) {
        std::set<dns::Name, dns::CanonicalLess> expected;
        for (const auto& node : zone.nodes) {
            if (node.role == zones::NodeRole::occluded) continue;
            if (opt_out && node.role == zones::NodeRole::delegation && !node.find(dns::rrtype::DS))
                continue;
            for (dns::Name n = node.name; n.is_subdomain_of(zone.origin); n = n.parent()) {
                expected.insert(n);
                if (n == zone.origin) break;
            }
        }
        auto [names, nodes] = nsec3_original_names(zone, opt_out);
        ASSERT_EQ(names.size(), expected.size()) << "opt-out " << opt_out;
        EXPECT_TRUE(std::equal(names.begin(), names.end(), expected.begin()))
            << "opt-out " << opt_out;
        ASSERT_EQ(nodes.size(), names.size());
        for (std::size_t i = 0; i < names.size(); ++i) {
            const zones::Node* node = nullptr;
            for (const auto& n : zone.nodes) node = n.name == names[i] ? &n : node;
            EXPECT_EQ(nodes[i], node) << names[i].to_text();  // null only for an empty non-terminal
        }
    }
}

TEST(SignZone, BadParametersAreRefused) {
    auto keys = ksk_zsk();
    SigningParams p = params_at(t_now);
    p.jitter = p.validity;
    EXPECT_FALSE(sign_zone(load_zone(), keys, p));
    p = params_at(t_now);
    p.nsec3 = Nsec3Params{150, {}, false};
    EXPECT_FALSE(sign_zone(load_zone(), keys, p));
}

// A TTL above 2^31-1 (RFC 2181 §8) and times outside what RRSIG fields hold are refused
// with a reason, not cast into something else.
TEST(SignZone, OutOfRangeTtlAndTimeAreRefused) {
    auto keys = ksk_zsk();
    auto refused = [&](const SigningParams& p, const std::string& why) {
        auto r = sign_zone(load_zone(), keys, p);
        ASSERT_FALSE(r.has_value());
        EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
    };
    SigningParams p = params_at(t_now);
    p.dnskey_ttl = Seconds{2147483648};
    refused(p, "DNSKEY TTL 2147483648 s is outside 0 to 2147483647");
    p.dnskey_ttl = Seconds{4294967296};
    refused(p, "DNSKEY TTL 4294967296 s");
    p = params_at(Instant{Seconds{std::numeric_limits<std::int64_t>::max()}});
    refused(p, "outside what RRSIG times can hold");
    p = params_at(Instant{Seconds{-1}});
    refused(p, "outside what RRSIG times can hold");
    p = params_at(t_now);
    p.dnskey_ttl = Seconds{2147483647};
    auto ok = sign_zone(load_zone(), keys, p);
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(ok->zone.apex().find(dns::rrtype::DNSKEY)->ttl, 2147483647u);
}

}  // namespace
}  // namespace zw::signer
