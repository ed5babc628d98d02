// The command line itself: exit codes and messages an operator sees.
#include <gtest/gtest.h>

#include <filesystem>

#include "../../testutil/cli_run.h"
#include "../../testutil/temp_dir.h"

namespace {

using zw::testutil::CliRun;

CliRun run(const std::string& args) { return zw::testutil::run_zonewarden(args); }

TEST(Cli, HelpListsTheCommandsOfTheDesign) {
    CliRun r = run("--help");
    EXPECT_EQ(r.code, 0);
    for (const char* cmd : {"onboard", "tick", "run", "status", "keys", "check", "rollover",
                            "offboard", "probe", "keygen", "sign"})
        EXPECT_NE(r.output.find(cmd), std::string::npos) << cmd;
    EXPECT_EQ(r.output.find("not built yet"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwo) {
    EXPECT_EQ(run("").code, 2);
    EXPECT_EQ(run("sign --origin example.test.").code, 2);
    EXPECT_EQ(run("frobnicate").code, 2);
}

TEST(Cli, KeygenThenSignThenBadAlgorithm) {
    zw::testutil::TempDir dir;
    std::string keys = dir.file("keys");
    CliRun ksk = run("keygen --zone example.test --algorithm ed25519 --role ksk --key-dir " + keys);
    ASSERT_EQ(ksk.code, 0) << ksk.output;
    EXPECT_EQ(ksk.output.rfind("Kexample.test.+015+", 0), 0u) << ksk.output;
    CliRun bad = run("keygen --zone example.test --algorithm rsasha1 --role ksk --key-dir " + keys);
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.output.find("not supported"), std::string::npos);

    dir.write("in.zone",
              "$ORIGIN example.test.\n$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 300\n@ NS ns1\n"
              "ns1 A 192.0.2.1\n");
    std::string sign = "sign --zone-file " + dir.file("in.zone") +
                       " --origin example.test --key-dir " + keys + " --out " +
                       dir.file("out.zone");
    CliRun ok = run(sign + " --nsec3 --serial date");
    EXPECT_EQ(ok.code, 0) << ok.output;
    EXPECT_TRUE(std::filesystem::exists(dir.file("out.zone")));
    CliRun bad_salt = run(sign + " --nsec3 --salt xyz");
    EXPECT_EQ(bad_salt.code, 2);
    EXPECT_NE(bad_salt.output.find("not hexadecimal"), std::string::npos);
    CliRun opt_out_without_nsec3 = run(sign + " --opt-out");
    EXPECT_EQ(opt_out_without_nsec3.code, 2);
    CliRun bad_duration = run(sign + " --validity 2x");
    EXPECT_EQ(bad_duration.code, 2);
    EXPECT_NE(bad_duration.output.find("invalid duration"), std::string::npos);
}

}  // namespace

namespace {

// The operator commands' mistakes: each a clear message, exit 2, nothing half-done.
TEST(Cli, OperatorMistakesExitTwoWithTheReason) {
    zw::testutil::TempDir dir;
    std::string cfg =
        dir.write("zw.yaml",
                  "state: state.db\nkey-dir: keys\nzones-in: in\nzones-out: out\n"
                  "policies: { default: {} }\nregistrars: { by-hand: { type: manual } }\n");
    std::string c = "--config " + cfg + " ";

    CliRun missing = run("--config " + dir.file("nope.yaml") + " tick");
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.output.find("cannot read the configuration file"), std::string::npos)
        << missing.output;

    CliRun fresh = run(c + "status");
    EXPECT_EQ(fresh.code, 0) << fresh.output;
    EXPECT_NE(fresh.output.find("no zones"), std::string::npos) << fresh.output;
    CliRun no_state = run(c + "keys alpha.example");
    EXPECT_EQ(no_state.code, 2);
    EXPECT_NE(no_state.output.find("onboard a zone first"), std::string::npos) << no_state.output;

    CliRun no_file = run(c + "onboard alpha.example --tenant alpha");
    EXPECT_EQ(no_file.code, 2);
    EXPECT_NE(no_file.output.find("no zone file at"), std::string::npos) << no_file.output;

    std::filesystem::create_directories(dir.file("in"));
    dir.write("in/alpha.example.zone",
              "$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\nbad A not-an-ip\n");
    CliRun bad_zone = run(c + "onboard alpha.example --tenant alpha");
    EXPECT_EQ(bad_zone.code, 2);
    EXPECT_NE(bad_zone.output.find("alpha.example.zone:5"), std::string::npos) << bad_zone.output;

    CliRun bad_policy = run(c + "onboard alpha.example --tenant alpha --policy nope");
    EXPECT_EQ(bad_policy.code, 2);
    EXPECT_NE(bad_policy.output.find("no policy named 'nope'"), std::string::npos)
        << bad_policy.output;

    CliRun bad_registrar = run(c + "onboard alpha.example --tenant alpha --registrar nope");
    EXPECT_EQ(bad_registrar.code, 2);
    EXPECT_NE(bad_registrar.output.find("registrar 'nope'"), std::string::npos)
        << bad_registrar.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("state.db")));  // nothing recorded

    CliRun both = run(c + "rollover alpha.example --ksk --zsk");
    EXPECT_EQ(both.code, 2);
    EXPECT_NE(both.output.find("--ksk or --zsk"), std::string::npos) << both.output;

    CliRun json_and_prom = run(c + "status --json --prometheus");
    EXPECT_EQ(json_and_prom.code, 2);
}

}  // namespace
