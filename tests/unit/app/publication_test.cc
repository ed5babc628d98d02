#include <gtest/gtest.h>

#include "../../testutil/temp_dir.h"
#include "app/publisher.h"
#include "app/status_report.h"
#include "dane/tlsa.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace zw::app {
namespace {

using rollover::Record;
using rollover::RecordState;
using rollover::Role;

const Instant t0{Seconds{1764000000}};

rollover::KeyState key(std::uint32_t id, Role role, std::uint16_t tag,
                       std::initializer_list<Record> published,
                       RecordState state = RecordState::omnipresent) {
    rollover::KeyState k;
    k.key = rollover::KeyRef{id, 13, role, tag};
    for (Record r : rollover::all_records) {
        if (!rollover::applies(role, r)) continue;
        bool on = std::find(published.begin(), published.end(), r) != published.end();
        k.at(r) = rollover::RecordStatus{on ? state : RecordState::hidden, t0, on, t0};
    }
    return k;
}

struct Fixture {
    testutil::TempDir dir;
    KeyMaterial keys =
        KeyMaterial::open(dir.file("keys/alpha.lab"), dns::Name::from_text("alpha.lab.").value())
            .value();
    std::uint16_t ksk = keys.generate({1, 13, Role::ksk, {}}, t0).value();
    std::uint16_t zsk = keys.generate({2, 13, Role::zsk, {}}, t0).value();
    std::uint16_t next_ksk = keys.generate({3, 13, Role::ksk, {}}, t0).value();
};

std::vector<std::uint16_t> tags(const std::vector<const signer::KeyPair*>& v) {
    std::vector<std::uint16_t> out;
    for (const auto* k : v) out.push_back(k->tag());
    return out;
}

TEST(Publication, TheKeyStatesSayWhatIsPublishedAndWhoSigns) {
    Fixture f;
    rollover::ZoneState z;
    z.keys = {key(1, Role::ksk, f.ksk, {Record::dnskey, Record::krrsig, Record::ds}),
              key(2, Role::zsk, f.zsk, {Record::dnskey, Record::zrrsig}),
              // double-DS: the new KSK's DS goes first, its DNSKEY later.
              key(3, Role::ksk, f.next_ksk, {Record::ds}, RecordState::hidden)};
    auto plan = plan_publication(z, f.keys, true).value();
    EXPECT_EQ(tags(plan.dnskey), (std::vector<std::uint16_t>{f.ksk, f.zsk}));
    EXPECT_EQ(tags(plan.sign_dnskey), (std::vector<std::uint16_t>{f.ksk}));
    EXPECT_EQ(tags(plan.sign_zone), (std::vector<std::uint16_t>{f.zsk}));
    EXPECT_EQ(plan.ds, (std::vector<std::uint16_t>{f.ksk, f.next_ksk}));
    // CDS names only keys in the DNSKEY RRset (RFC 7344 §4.1).
    EXPECT_EQ(plan.cds, (std::vector<std::uint16_t>{f.ksk}));
    EXPECT_FALSE(plan.cds_delete);
    EXPECT_TRUE(plan.is_signed());
    // A registrar that does not read CDS gets none published.
    EXPECT_TRUE(plan_publication(z, f.keys, false).value().cds.empty());
}

TEST(Publication, GoingInsecureAsksForTheDeleteFormThenUnsigns) {
    Fixture f;
    rollover::ZoneState z;
    z.going_insecure = true;
    z.keys = {key(1, Role::ksk, f.ksk, {Record::dnskey, Record::krrsig}),
              key(2, Role::zsk, f.zsk, {Record::dnskey, Record::zrrsig})};
    auto plan = plan_publication(z, f.keys, true).value();
    EXPECT_TRUE(plan.cds_delete);
    EXPECT_TRUE(plan.cds.empty());
    // The DNSKEYs leave before the last zone signatures: nothing is signed any more.
    z.keys = {key(1, Role::ksk, f.ksk, {}), key(2, Role::zsk, f.zsk, {Record::zrrsig})};
    plan = plan_publication(z, f.keys, true).value();
    EXPECT_TRUE(plan.sign_zone.empty());
    EXPECT_FALSE(plan.is_signed());
    EXPECT_FALSE(plan.cds_delete);  // an unsigned zone cannot carry a CDS anyone would trust
}

TEST(Publication, MissingKeyMaterialIsAnOutsideError) {
    Fixture f;
    rollover::ZoneState z;
    z.keys = {key(1, Role::ksk, static_cast<std::uint16_t>(f.ksk ^ 1), {Record::dnskey})};
    auto plan = plan_publication(z, f.keys, false);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().kind, ErrorKind::outside);
    EXPECT_NE(plan.error().message.find("missing"), std::string::npos);
}

TEST(Publication, PurgedKeysLeaveNoFiles) {
    Fixture f;
    rollover::KeyRef gone{2, 13, Role::zsk, f.zsk};
    ASSERT_NE(f.keys.find(gone), nullptr);
    ASSERT_TRUE(f.keys.purge(gone));
    EXPECT_EQ(f.keys.find(gone), nullptr);
    EXPECT_TRUE(f.keys.purge(gone));  // twice is harmless
    auto again =
        KeyMaterial::open(f.dir.file("keys/alpha.lab"), dns::Name::from_text("alpha.lab.").value())
            .value();
    EXPECT_EQ(again.all().size(), 2u);
}

TEST(Status, ConditionFollowsTheKeyStates) {
    Fixture f;
    rollover::ZoneState z;
    std::optional<store::Publication> unsigned_pub, signed_pub = store::Publication{};
    signed_pub->is_signed = true;
    EXPECT_EQ(condition_of(z, unsigned_pub), "unsigned");
    z.keys = {key(1, Role::ksk, f.ksk, {Record::dnskey, Record::krrsig, Record::ds},
                  RecordState::rumoured),
              key(2, Role::zsk, f.zsk, {Record::dnskey, Record::zrrsig})};
    EXPECT_EQ(condition_of(z, signed_pub), "securing");
    z.keys[0] = key(1, Role::ksk, f.ksk, {Record::dnskey, Record::krrsig, Record::ds});
    EXPECT_EQ(condition_of(z, signed_pub), "secure");
    z.keys.push_back(key(3, Role::ksk, f.next_ksk, {Record::ds}, RecordState::rumoured));
    EXPECT_EQ(condition_of(z, signed_pub), "rolling");
    z.going_insecure = true;
    EXPECT_EQ(condition_of(z, signed_pub), "offboarding");
    z.keys.clear();
    EXPECT_EQ(condition_of(z, unsigned_pub), "insecure");
}

}  // namespace
}  // namespace zw::app

namespace zw::app {
namespace {

struct PublishFixture : Fixture {
    Config config;
    rollover::Policy policy;
    store::ZoneInfo info{"alpha.lab.", "alpha", "p", "r", ""};
    PublishFixture() {
        config.file = "test.yaml";
        config.zones_in = dir.file("in");
        config.zones_out = dir.file("out");
        config.threads = 1;
        config.serial = zones::SerialPolicy::increment;
        std::filesystem::create_directories(config.zones_in);
        write_zone(300);
        policy.signatures.validity = Seconds{14 * 86400};
        policy.signatures.refresh = Seconds{5 * 86400};
        policy.signatures.jitter = Seconds{12 * 3600};
        policy.max_zone_ttl = Seconds{3600};
    }
    void write_zone(unsigned ttl, const std::string& extra = "") {
        dir.write("in/alpha.lab.zone",
                  fmt::format("$TTL {}\n@ SOA ns1 host 7 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n{}",
                              ttl, extra));
    }
    PublicationPlan plan() {
        rollover::ZoneState z;
        z.keys = {key(1, Role::ksk, ksk, {Record::dnskey, Record::krrsig, Record::ds}),
                  key(2, Role::zsk, zsk, {Record::dnskey, Record::zrrsig})};
        return plan_publication(z, keys, false).value();
    }
};

TEST(Publish, WritesOnlyWhenSomethingChangedOrSignaturesComeDue) {
    PublishFixture f;
    PublicationPlan plan = f.plan();
    auto first =
        publish_zone(PublishRequest{f.config, f.info, f.policy, plan, std::nullopt, t0}).value();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->serial, 8u);  // beyond the input's 7
    EXPECT_TRUE(std::filesystem::exists(f.config.output_file("alpha.lab.")));
    // Expirations spread over [validity - jitter, validity]; renewal starts refresh before.
    ASSERT_TRUE(first->earliest_expiry && first->refresh_at);
    EXPECT_GE(*first->earliest_expiry,
              t0 + f.policy.signatures.validity - f.policy.signatures.jitter);
    EXPECT_LE(*first->earliest_expiry, t0 + f.policy.signatures.validity);
    EXPECT_EQ(*first->refresh_at, *first->earliest_expiry - f.policy.signatures.refresh);

    // Nothing changed and nothing is due: no new serial for the servers to transfer.
    EXPECT_FALSE(
        publish_zone(PublishRequest{f.config, f.info, f.policy, plan, first, t0 + Seconds{3600}})
            .value());

    // Signatures reaching their refresh point: re-signed, with a later earliest expiry.
    Instant due = *first->refresh_at + Seconds{1};
    auto renewed =
        publish_zone(PublishRequest{f.config, f.info, f.policy, plan, first, due}).value();
    ASSERT_TRUE(renewed);
    EXPECT_EQ(renewed->serial, 9u);
    EXPECT_GT(*renewed->earliest_expiry, due + f.policy.signatures.refresh);

    // A changed input is published at once.
    f.write_zone(300, "www A 192.0.2.80\n");
    auto changed =
        publish_zone(PublishRequest{f.config, f.info, f.policy, plan, renewed, due + Seconds{60}})
            .value();
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->serial, 10u);
}

TEST(Publish, ATtlAboveTheMaxZoneTtlIsRefused) {
    PublishFixture f;
    f.write_zone(7200);
    PublicationPlan plan = f.plan();
    auto r = publish_zone(PublishRequest{f.config, f.info, f.policy, plan, std::nullopt, t0});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    EXPECT_NE(r.error().message.find("max-zone-ttl"), std::string::npos) << r.error().message;
    EXPECT_FALSE(std::filesystem::exists(f.config.output_file("alpha.lab.")));
}

TEST(Publish, AFailingPublishHookIsAnOutsideErrorAfterTheWrite) {
    PublishFixture f;
    f.config.publish = "exit 9";
    PublicationPlan plan = f.plan();
    auto r = publish_zone(PublishRequest{f.config, f.info, f.policy, plan, std::nullopt, t0});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::outside);
    EXPECT_NE(r.error().message.find("publish hook failed"), std::string::npos)
        << r.error().message;
}

// TLSA services (docs/dane.md): the record computed from the certificate file is merged
// into the signed zone, the tenant's input is left alone, a new key is a new publication,
// and a TLSA written by hand at a managed owner is refused naming both places.
struct TlsFixture : PublishFixture {
    bool made = false;
    TlsFixture() { made = new_certificate(); }
    // A self-signed certificate with a fresh key at cert.pem (the openssl command).
    bool new_certificate() {
        std::string cmd = fmt::format(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {} "
            "-out {} -days 2 -subj /CN=mail.alpha.lab >/dev/null 2>&1",
            dir.file("key.pem"), dir.file("cert.pem"));
        return std::system(cmd.c_str()) == 0;
    }
    void configure() {
        auto c = parse_config(
            fmt::format("state: {0}/s.db\nkey-dir: {0}/k\nzones-in: {0}/in\n"
                        "zones-out: {0}/out\npolicies: {{ p: {{}} }}\ntls:\n  alpha.lab.:\n"
                        "    - owner: _25._tcp.mail\n      cert: {0}/cert.pem\n"
                        "      ttl: 600\n",
                        dir.file("")),
            "test.yaml");
        ASSERT_TRUE(c) << c.error().describe();
        config.tls = c->tls;
    }
    std::string expected_tlsa() {
        auto rd = dane::tlsa_from_certificate({}, dir.file("cert.pem"), "").value();
        return "_25._tcp.mail.alpha.lab.\t600\tIN\tTLSA\t" + rd.text();
    }
    std::string output() {
        std::ifstream in(config.output_file("alpha.lab."));
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
};

TEST(TlsServices, TheRecordIsSignedIntoTheZoneAndANewKeyIsANewPublication) {
    TlsFixture f;
    if (!f.made) GTEST_SKIP() << "the openssl command could not make a certificate";
    f.configure();
    std::string input_before = f.dir.file("in/alpha.lab.zone");
    std::ifstream in0(input_before);
    std::string input_text(std::istreambuf_iterator<char>(in0), {});
    PublicationPlan plan = f.plan();
    auto first =
        publish_zone(PublishRequest{f.config, f.info, f.policy, plan, std::nullopt, t0}).value();
    ASSERT_TRUE(first);
    std::string out = f.output();
    std::string want = f.expected_tlsa();
    std::string hex = want.substr(want.rfind(' ') + 1);
    EXPECT_NE(out.find(hex), std::string::npos) << out;
    EXPECT_NE(out.find("RRSIG\tTLSA"), std::string::npos) << out;
    // The tenant's input is not written to.
    std::ifstream in1(input_before);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in1), {}), input_text);
    // The same certificate: nothing to publish. A new key: a new publication with its TLSA.
    EXPECT_FALSE(
        publish_zone(PublishRequest{f.config, f.info, f.policy, plan, first, t0 + Seconds{60}})
            .value());
    ASSERT_TRUE(f.new_certificate());
    auto renewed =
        publish_zone(PublishRequest{f.config, f.info, f.policy, plan, first, t0 + Seconds{120}})
            .value();
    ASSERT_TRUE(renewed);
    std::string want2 = f.expected_tlsa();
    EXPECT_NE(want2, want);
    EXPECT_NE(f.output().find(want2.substr(want2.rfind(' ') + 1)), std::string::npos);
}

TEST(TlsServices, AHandWrittenTlsaAtAManagedOwnerIsAnErrorNamingBoth) {
    TlsFixture f;
    if (!f.made) GTEST_SKIP() << "the openssl command could not make a certificate";
    f.configure();
    f.write_zone(300, "_25._tcp.mail TLSA 3 1 1 " + std::string(64, 'a') + "\n");
    PublicationPlan plan = f.plan();
    auto r = publish_zone(PublishRequest{f.config, f.info, f.policy, plan, std::nullopt, t0});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    EXPECT_NE(r.error().message.find("alpha.lab.zone:5"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("test.yaml:8"), std::string::npos) << r.error().message;
    EXPECT_FALSE(std::filesystem::exists(f.config.output_file("alpha.lab.")));
}

TEST(TlsServices, TheConfigurationRefusesBadServicesWithFileAndLine) {
    auto bad = [](const std::string& service) {
        auto c = parse_config(
            "state: /s.db\nkey-dir: /k\nzones-in: /in\nzones-out: /out\n"
            "policies: { p: {} }\ntls:\n  alpha.lab.:\n    - owner: _25._tcp.mail\n" +
                service,
            "test.yaml");
        return c ? std::string("accepted") : c.error().describe();
    };
    EXPECT_NE(bad("      cert: /c.pem\n      usage: 1\n").find("test.yaml:8"), std::string::npos);
    EXPECT_NE(bad("      cert: /c.pem\n      usage: 1\n").find("RFC 7672"), std::string::npos);
    EXPECT_NE(bad("      cert: /c.pem\n      matching: 0\n").find("RFC 7671"), std::string::npos);
    EXPECT_NE(bad("      usage: 3\n").find("exactly one of 'cert' and 'key'"), std::string::npos);
    EXPECT_NE(bad("      cert: /c.pem\n      colour: red\n").find("colour"), std::string::npos);
    auto outside = parse_config(
        "state: /s.db\nkey-dir: /k\nzones-in: /in\nzones-out: /out\n"
        "policies: { p: {} }\ntls:\n  alpha.lab.:\n    - owner: mail.beta.lab.\n"
        "      cert: /c.pem\n",
        "test.yaml");
    ASSERT_FALSE(outside);
    EXPECT_NE(outside.error().describe().find("not below the zone"), std::string::npos);
}

}  // namespace
}  // namespace zw::app
