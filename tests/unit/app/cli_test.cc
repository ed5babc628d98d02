// The command line itself: exit codes and messages an operator sees.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "../../testutil/temp_dir.h"

namespace {

struct CliRun {
    int code;
    std::string output;
};

CliRun run(const std::string& args) {
    std::string cmd = std::string(ZW_BINARY) + " " + args + " 2>&1";
    CliRun r{-1, {}};
    FILE* p = ::popen(cmd.c_str(), "r");
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), p)) r.output += buf.data();
    int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(Cli, HelpListsTheCommandsOfTheDesign) {
    CliRun r = run("--help");
    EXPECT_EQ(r.code, 0);
    for (const char* cmd : {"onboard", "tick", "run", "status", "keys", "check", "rollover", "offboard", "probe",
                            "keygen", "sign"})
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

    dir.write("in.zone", "$ORIGIN example.test.\n$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 300\n@ NS ns1\n"
                         "ns1 A 192.0.2.1\n");
    std::string sign = "sign --zone-file " + dir.file("in.zone") + " --origin example.test --key-dir " + keys +
                       " --out " + dir.file("out.zone");
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
