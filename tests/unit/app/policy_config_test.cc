#include "app/policy_config.h"

#include <gtest/gtest.h>

#include "app/yaml_tree.h"

namespace zw::app {
namespace {

using namespace std::chrono_literals;
using namespace zw::rollover;

// The `policies:` map of a configuration text, read as the configuration loader reads it.
Result<std::map<std::string, Policy>> parse_policies_text(std::string_view text,
                                                          const std::string& file) {
    auto root = parse_yaml_tree(text, file);
    if (!root) return fail(root.error());
    const ConfigNode* policies = root->find("policies");
    if (!policies) return std::map<std::string, Policy>{};
    return read_policies(*policies);
}

constexpr std::string_view sketch = R"(state: /var/lib/zonewarden/state.db
policies:
  default:
    algorithm: ecdsap256sha256
    dnskey-ttl: 1h
    max-zone-ttl: 1d
    propagation-delay: 5m
    ksk: { lifetime: 365d, method: double-ds }
    zsk: { lifetime: 90d, method: pre-publication }
    signatures: { validity: 14d, refresh: 5d, jitter: 12h, inception-offset: 1h }
    parent: { propagation-delay: 1h, ds-ttl: 2h }
  fast:
    algorithm: 8
    csk: { lifetime: 2h, method: double-rrset }
    dnskey-ttl: 30s
    max-zone-ttl: 1m
    propagation-delay: 5s
    publish-safety: 0s
    retire-safety: 0s
    signatures: { validity: 1d, refresh: 12h, jitter: 1h }
    parent: { propagation-delay: 10s }
)";

TEST(PolicyYaml, LoadsDesignSketchWithEveryField) {
    auto r = parse_policies_text(sketch, "zw.yaml");
    ASSERT_TRUE(r) << r.error().describe();
    ASSERT_EQ(r->size(), 2u);
    const Policy& d = r->at("default");
    EXPECT_EQ(d.algorithm, 13);
    EXPECT_EQ(d.roles, Roles::ksk_zsk);
    EXPECT_EQ(d.dnskey_ttl, 1h);
    EXPECT_EQ(d.max_zone_ttl, 24h);
    EXPECT_EQ(d.propagation_delay, 5min);
    EXPECT_EQ(d.ksk_lifetime, Seconds{365 * 86400});
    EXPECT_EQ(d.ksk_method, KskMethod::double_ds);
    EXPECT_EQ(d.zsk_lifetime, Seconds{90 * 86400});
    EXPECT_EQ(d.zsk_method, ZskMethod::pre_publication);
    EXPECT_EQ(d.signatures.refresh, Seconds{5 * 86400});
    EXPECT_EQ(d.signatures.jitter, 12h);
    EXPECT_EQ(d.parent.propagation_delay, 1h);
    EXPECT_EQ(d.parent.ds_ttl, 2h);

    const Policy& f = r->at("fast");
    EXPECT_EQ(f.algorithm, 8);
    EXPECT_EQ(f.roles, Roles::csk);
    EXPECT_EQ(f.csk_lifetime, 2h);
    EXPECT_EQ(f.ksk_method, KskMethod::double_rrset);
    EXPECT_EQ(f.publish_safety, 0s);
    EXPECT_FALSE(f.parent.ds_ttl.has_value());  // will be taken from the live TTL
}

void expect_error(std::string_view text, std::string_view location, std::string_view words) {
    auto r = parse_policies_text(text, "zw.yaml");
    ASSERT_FALSE(r) << "accepted:\n" << text;
    std::string d = r.error().describe();
    EXPECT_EQ(r.error().kind, ErrorKind::config);
    EXPECT_NE(d.find(location), std::string::npos) << d;
    EXPECT_NE(d.find(words), std::string::npos) << d;
}

TEST(PolicyYaml, BadDurationNamesFileLineAndField) {
    expect_error("policies:\n  p:\n    dnskey-ttl: 1h\n    zsk: { lifetime: 9x }\n",
                 "zw.yaml:4:", "zsk.lifetime: invalid duration '9x'");
}

TEST(PolicyYaml, UnknownFieldIsAnError) {
    expect_error("policies:\n  p:\n    dnskey-tll: 1h\n",
                 "zw.yaml:3:", "dnskey-tll: unknown field");
}

TEST(PolicyYaml, UnknownMethodListsTheChoices) {
    expect_error("policies:\n  p:\n    ksk:\n      method: triple-ds\n",
                 "zw.yaml:4:", "one of double-ksk, double-ds, double-rrset");
}

TEST(PolicyYaml, RegistrationDelayIsObservedNotConfigured) {
    expect_error("policies:\n  p:\n    parent: { registration-delay: 1d }\n",
                 "zw.yaml:3:", "parent.registration-delay");
}

TEST(PolicyYaml, UnknownAlgorithm) {
    expect_error("policies:\n  p:\n    algorithm: rot13\n", "zw.yaml:3:", "unknown algorithm");
}

TEST(PolicyYaml, KskAndCskTogetherIsAnError) {
    expect_error("policies:\n  p:\n    ksk: { lifetime: 1d }\n    csk: { lifetime: 1d }\n",
                 "zw.yaml:4:", "either ksk+zsk or csk");
}

TEST(PolicyYaml, SyntaxErrorReportsLine) {
    expect_error("policies:\n  p:\n    dnskey-ttl: [1h\n", "zw.yaml:", "");
}

TEST(PolicyValidate, RefreshMustBeShorterThanValidity) {
    expect_error("policies:\n  p:\n    signatures: { validity: 5d, refresh: 6d }\n",
                 "zw.yaml:2:", "signatures.refresh: must be shorter than signatures.validity");
}

// The reviewer's case: 3d validity, 2d refresh and nearly a day of jitter leave a
// signature only seconds of life at its refresh, less than any cache may hold it.
TEST(PolicyValidate, JitterCountsAgainstTheRemainingSignatureLife) {
    expect_error(
        "policies:\n  p:\n    max-zone-ttl: 12h\n    signatures: { validity: 3d, refresh: 2d, "
        "jitter: 23h }\n",
        "zw.yaml:2:", "validity - jitter - refresh must exceed max-zone-ttl + propagation-delay");
}

TEST(PolicyValidate, LifetimeShorterThanTheRolloverItNeeds) {
    // Ipub = 5m + 1h, publish-safety 1h: a ZSK living 1h would need its successor
    // published before it is even active.
    expect_error("policies:\n  p:\n    zsk: { lifetime: 1h }\n",
                 "zw.yaml:2:", "zsk.lifetime: 1h is not longer than the rollover lead time 2h5m");
}

TEST(PolicyValidate, UnlimitedLifetimeNeverRolls) {
    auto r = parse_policies_text("policies:\n  p:\n    ksk: { lifetime: unlimited }\n", "f");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_FALSE(r->at("p").ksk_lifetime.has_value());
}

// NSEC or NSEC3 is one choice for all zones (the top-level `denial:`); a policy that
// seems to choose it would silently not.
TEST(PolicyYaml, DenialInAPolicyIsRefused) {
    expect_error("policies:\n  p:\n    denial: { nsec3: { iterations: 0 } }\n",
                 "zw.yaml:3:", "top-level 'denial:'");
}

TEST(PolicyYaml, ErrorsNameTheColumn) {
    expect_error("policies:\n  p:\n    zsk: { lifetime: 9x }\n", "zw.yaml:3:22:", "zsk.lifetime");
}

TEST(PolicyYaml, DuplicateKeyInAPolicyNamesBothPlaces) {
    expect_error(
        "policies:\n  p:\n    dnskey-ttl: 1h\n    max-zone-ttl: 1d\n    dnskey-ttl: 2h\n",
        "zw.yaml:5:5:", "policies.p.dnskey-ttl: duplicate key; the first is at zw.yaml:3:5");
}

TEST(PolicyYaml, DuplicateKeyInAPolicysInnerMap) {
    expect_error("policies:\n  p:\n    zsk: { lifetime: 30d, lifetime: 60d }\n", "zw.yaml:3:27:",
                 "policies.p.zsk.lifetime: duplicate key; the first is at zw.yaml:3:12");
}

TEST(PolicyYaml, DuplicatePolicyName) {
    expect_error("policies:\n  p: { dnskey-ttl: 1h }\n  q: {}\n  p: { dnskey-ttl: 2h }\n",
                 "zw.yaml:4:3:", "policies.p: duplicate key; the first is at zw.yaml:2:3");
}

}  // namespace
}  // namespace zw::app
