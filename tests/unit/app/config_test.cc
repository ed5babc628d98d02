#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../../testutil/temp_dir.h"

namespace zw::app {
namespace {

const char* const good = R"(state: state/state.db
key-dir: keys
zones-in: /etc/zw/zones
zones-out: signed
publish: "nsd-control reload {zone}"
notify: "mail -s zonewarden ops"
notify-after: 2h
threads: 2
serial: increment
denial: nsec3
dns:
  resolver: 127.0.0.1:5353
  trust-anchor: root.ds
  timeout: 3s
  attempts: 2
daemon:
  max-sleep: 1m
policies:
  fast:
    dnskey-ttl: 5s
registrars:
  parent: { type: rfc2136, server: 127.0.0.1, tsig-key-file: tsig.key }
  scanning: { type: cds }
defaults:
  policy: fast
  registrar: scanning
)";

TEST(Config, ReadsEveryFieldAndResolvesRelativePaths) {
    testutil::TempDir dir;
    std::filesystem::create_directories(dir.file("etc/zw"));
    dir.write(
        "etc/zw/tsig.key",
        "key \"zw\" { algorithm hmac-sha256; secret \"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"; };\n");
    std::filesystem::permissions(
        dir.file("etc/zw/tsig.key"),
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const std::string root = dir.path();
    std::string text = good;
    for (auto at = text.find("/etc/zw"); at != std::string::npos;
         at = text.find("/etc/zw", at + root.size() + 7))
        text.replace(at, 7, root + "/etc/zw");
    auto c = parse_config(text, root + "/etc/zw/zonewarden.yaml");
    ASSERT_TRUE(c) << c.error().describe();
    EXPECT_EQ(c->state, root + "/etc/zw/state/state.db");
    EXPECT_EQ(c->key_dir, root + "/etc/zw/keys");
    EXPECT_EQ(c->zones_in, root + "/etc/zw/zones");
    EXPECT_EQ(c->zones_out, root + "/etc/zw/signed");
    EXPECT_EQ(c->notify_after, Seconds{7200});
    EXPECT_EQ(c->threads, 2u);
    EXPECT_EQ(c->serial, zones::SerialPolicy::increment);
    EXPECT_TRUE(c->nsec3);
    EXPECT_EQ(c->dns.resolver, "127.0.0.1:5353");
    EXPECT_EQ(c->dns.trust_anchor, root + "/etc/zw/root.ds");
    EXPECT_EQ(c->dns.timeout, Seconds{3});
    EXPECT_EQ(c->max_sleep, Seconds{60});
    EXPECT_EQ(c->policies.at("fast").dnskey_ttl, Seconds{5});
    std::string tsig_key_file;  // the registrar reads it itself, relative to the configuration
    EXPECT_TRUE(Fields(c->registrars.at("parent")).path("tsig-key-file", tsig_key_file));
    EXPECT_EQ(tsig_key_file, root + "/etc/zw/tsig.key");
    EXPECT_EQ(c->default_registrar, "scanning");
    EXPECT_EQ(c->input_file("alpha.example."), root + "/etc/zw/zones/alpha.example.zone");
    EXPECT_EQ(c->output_file("alpha.example."), root + "/etc/zw/signed/alpha.example.zone");
    EXPECT_EQ(c->zone_key_dir("alpha.example."), root + "/etc/zw/keys/alpha.example");
}

struct BadCase {
    const char* text;
    unsigned line;
    const char* says;
};

TEST(Config, MistakesNameTheLineAndTheField) {
    const std::string head =
        "state: s.db\nkey-dir: k\nzones-in: in\nzones-out: out\npolicies: { p: {} }\n";
    const BadCase cases[] = {
        {"dns-resolver: 127.0.0.1\n", 6, "dns-resolver: unknown field"},
        {"dns:\n  resolvr: 127.0.0.1\n", 7, "dns.resolvr: unknown field"},
        {"threads: many\n", 6, "threads: expected a whole number"},
        {"notify-after: soon\n", 6, "notify-after"},
        {"denial: nsec5\n", 6, "denial: expected nsec or nsec3"},
        {"registrars:\n  r: { server: x }\n", 7, "missing 'type'"},
        {"registrars:\n  r: { type: cds, tll: 60 }\n", 7, "tll"},
        {"registrars:\n  r: { type: rfc2136, server: 127.0.0.1, tsig-key-file: /nonexistent/key "
         "}\n",
         7, "nonexistent"},
        {"defaults: { policy: nope }\n", 6, "no policy named 'nope'"},
        {"serial: sometimes\n", 6, "serial"},
        {"threads: [1, 2]\n", 6, "expected a single value"},
        {"publish: \"x\"\n  bad indent: [\n", 7, ""},
    };
    for (const auto& c : cases) {
        auto r = parse_config(head + c.text, "zw.yaml");
        ASSERT_FALSE(r) << c.text;
        ASSERT_TRUE(r.error().where) << c.text;
        EXPECT_EQ(r.error().where->file, "zw.yaml");
        EXPECT_EQ(r.error().where->line, c.line) << c.text << " -> " << r.error().describe();
        EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().describe();
        EXPECT_EQ(r.error().kind, ErrorKind::config);
    }
}

// yaml-cpp keeps one of two equal keys silently; the loader refuses them, naming both.
TEST(Config, DuplicateKeysAreErrorsNamingBothPlaces) {
    const std::string head =
        "state: s.db\nkey-dir: k\nzones-in: in\nzones-out: out\npolicies: { p: {} }\n";
    const BadCase cases[] = {
        {"state: other.db\n", 6, "state: duplicate key; the first is at zw.yaml:1:1"},
        {"dns:\n  attempts: 2\n  attempts: 3\n", 8,
         "dns.attempts: duplicate key; the first is at zw.yaml:7:3"},
        {"registrars:\n  r:\n    type: cds\n    ttl: 60\n    ttl: 600\n", 10,
         "registrars.r.ttl: duplicate key; the first is at zw.yaml:9:5"},
        {"registrars:\n  r: { type: cds }\n  r: { type: manual }\n", 8,
         "registrars.r: duplicate key; the first is at zw.yaml:7:3"},
        {"policies: { q: {} }\n", 6, "policies: duplicate key; the first is at zw.yaml:5:1"},
    };
    for (const auto& c : cases) {
        auto r = parse_config(head + c.text, "zw.yaml");
        ASSERT_FALSE(r) << c.text;
        ASSERT_TRUE(r.error().where) << c.text;
        EXPECT_EQ(r.error().where->line, c.line) << c.text << " -> " << r.error().describe();
        EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().describe();
        EXPECT_EQ(r.error().kind, ErrorKind::config);
    }
}

// A registrar's settings are read by the same field loader: its mistakes name the place.
TEST(Config, RegistrarMistakesNameLineAndColumn) {
    auto r = parse_config(
        "state: s\nkey-dir: k\nzones-in: i\nzones-out: o\npolicies: { p: {} }\n"
        "registrars:\n  r:\n    type: cds\n    ttl: sixty\n",
        "zw.yaml");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().describe().find("zw.yaml:9:10: registrar r: ttl: expected a whole number"),
              std::string::npos)
        << r.error().describe();
}

TEST(Config, RequiredPathsAndPolicies) {
    auto no_state =
        parse_config("key-dir: k\nzones-in: i\nzones-out: o\npolicies: { p: {} }\n", "zw.yaml");
    ASSERT_FALSE(no_state);
    EXPECT_NE(no_state.error().message.find("'state' is required"), std::string::npos);
    auto no_policy = parse_config("state: s\nkey-dir: k\nzones-in: i\nzones-out: o\n", "zw.yaml");
    ASSERT_FALSE(no_policy);
    EXPECT_NE(no_policy.error().message.find("no policies"), std::string::npos);
    // A bad policy is reported by the policy loader with its own line.
    auto bad_policy = parse_config(
        "state: s\nkey-dir: k\nzones-in: i\nzones-out: o\npolicies:\n  p:\n    dnskey-tll: 5s\n",
        "zw.yaml");
    ASSERT_FALSE(bad_policy);
    EXPECT_EQ(bad_policy.error().where->line, 7u);
}

TEST(Config, ALonePolicyOrRegistrarIsTheDefault) {
    auto c = parse_config(
        "state: s\nkey-dir: k\nzones-in: i\nzones-out: o\npolicies: { only: {} }\nregistrars: { r: "
        "{ type: cds } }\n",
        "/x/zw.yaml");
    ASSERT_TRUE(c) << c.error().describe();
    EXPECT_EQ(c->default_policy, "only");
    EXPECT_EQ(c->default_registrar, "r");
    EXPECT_EQ(zone_file_stem("alpha.example."), "alpha.example");
}

TEST(Config, AMissingFileIsAConfigError) {
    testutil::TempDir dir;
    auto r = load_config(dir.file("nope.yaml"));
    ASSERT_FALSE(r);
    EXPECT_EQ(exit_code_for(r.error().kind), 2);
}

}  // namespace
}  // namespace zw::app
