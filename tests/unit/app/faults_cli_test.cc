// Bad input and faults from the command line: zone names that are paths or hold
// characters special to files and shells, files that are not files, a state database that
// is empty, foreign or lost, key files that lost a half or are open to others, and the
// modes of what zonewarden makes. Each case runs the real binary.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "../../testutil/cli_run.h"
#include "../../testutil/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using zw::testutil::CliRun;
using zw::testutil::shell_word;
using zw::testutil::TempDir;

CliRun run(const std::string& args, const std::string& prefix = "") {
    return zw::testutil::run_zonewarden(args, prefix);
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

const char* const small_zone =
    "$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n"
    "www A 192.0.2.2\n";

// A configuration whose DNS is a closed port on loopback: a pass fails its live checks
// fast instead of waiting on the network.
std::string write_config(const TempDir& dir, const std::string& paths = "") {
    std::string text =
        paths.empty() ? "state: state.db\nkey-dir: keys\nzones-in: in\nzones-out: out\n" : paths;
    text +=
        "dns: { resolver: \"127.0.0.1:9\", timeout: 1s, attempts: 1 }\n"
        "policies: { default: {} }\nregistrars: { by-hand: { type: manual } }\n";
    return "--config " + dir.write("zw.yaml", text) + " ";
}

// keygen a KSK and a ZSK for zone into key_dir.
void make_keys(const std::string& zone, const std::string& key_dir) {
    for (const char* role : {"ksk", "zsk"}) {
        CliRun r =
            run(fmt::format("keygen --zone {} --algorithm ecdsap256sha256 --role {} --key-dir {}",
                            shell_word(zone), role, key_dir));
        ASSERT_EQ(r.code, 0) << r.output;
    }
}

std::string sign_args(const TempDir& dir, const std::string& zone,
                      const std::string& in = "in.zone") {
    return fmt::format("sign --zone-file {} --origin {} --key-dir {} --out {} --threads 1",
                       dir.file(in), shell_word(zone), dir.file("keys"), dir.file("out.zone"));
}

// ---- zone names -------------------------------------------------------------------

// `onboard /tmp/x/y.test.` made /tmp/x/y.test (0700) and recorded the zone: zone names
// became paths as they were. Now every path a zone name is part of stays inside its
// directory (dns::file_name_text).
TEST(Faults, AZoneNameWithSlashesNeverLeavesItsDirectories) {
    TempDir dir;
    const std::string c = write_config(dir);
    const std::string zone = dir.file("escape") + "/y.test.";
    dir.write("tenant.zone", small_zone);
    CliRun r = run(c + "onboard " + shell_word(zone) + " --tenant t --zone-file " +
                   dir.file("tenant.zone"));
    EXPECT_NE(r.code, 2) << r.output;
    EXPECT_NE(r.code, 4) << r.output;
    EXPECT_FALSE(fs::exists(dir.file("escape"))) << r.output;
    std::string stem;
    for (char ch : zone.substr(0, zone.size() - 1))  // names are lowercased; '/' is %2F
        stem +=
            ch == '/' ? std::string("%2F") : std::string(1, static_cast<char>(std::tolower(ch)));
    std::string listing;
    for (const auto& e : fs::recursive_directory_iterator(dir.path()))
        listing += e.path().string() + "\n";
    EXPECT_TRUE(fs::is_directory(dir.file("keys/" + stem))) << stem << "\n" << listing;
    EXPECT_TRUE(fs::exists(dir.file("out/" + stem + ".zone"))) << r.output;
}

// Names with characters a zone scanner, a shell or a file system treat specially are valid
// names: keygen, sign and onboard agree on them, and sign does not fail on them with exit 4
// ("cannot initialise the zone scanner").
TEST(Faults, NamesWithSpecialCharactersWorkInKeygenAndSignAlike) {
    {
        TempDir dir;
        dir.write("in.zone", small_zone);
        std::string manifest;
        const std::string specials = "|&<>?!#~[]{}'%^=+,:";
        for (char special : specials) {
            const std::string zone = std::string("a") + special + "b.test.";
            CliRun k =
                run(fmt::format("keygen --zone {} --algorithm ed25519 --role csk --key-dir {}",
                                shell_word(zone), dir.file("keys")));
            ASSERT_EQ(k.code, 0) << special << ": " << k.output;
            EXPECT_EQ(k.output.rfind(fmt::format("Ka%{:02X}b.test.+015+", special), 0), 0u)
                << k.output;
            // The manifest takes '#' for a comment: its origins are written with \DDD.
            manifest += fmt::format("{} a\\{:03}b.test. {}\n", dir.file("in.zone"),
                                    static_cast<int>(special),
                                    dir.file(fmt::format("out{:02X}.zone", special)));
        }
        // One process signs them all (a manifest), with the keys keygen made.
        CliRun s = run("sign --manifest " + dir.write("manifest", manifest) + " --key-dir " +
                       dir.file("keys"));
        EXPECT_EQ(s.code, 0) << s.output;
        for (char special : specials)
            EXPECT_TRUE(fs::exists(dir.file(fmt::format("out{:02X}.zone", special))))
                << special << ": " << s.output;
    }
    TempDir dir;
    const std::string c = write_config(dir);
    dir.write("tenant.zone", small_zone);
    CliRun r = run(c + "onboard 'a|b.test.' --tenant t --zone-file " + dir.file("tenant.zone"));
    EXPECT_NE(r.code, 2) << r.output;
    EXPECT_NE(r.code, 4) << r.output;
    EXPECT_TRUE(fs::exists(dir.file("out/a%7Cb.test.zone"))) << r.output;
    // What is refused is refused as bad input, with the reason.
    CliRun bad = run(c + "onboard 'a..b.test.' --tenant t --zone-file " + dir.file("tenant.zone"));
    EXPECT_EQ(bad.code, 2) << bad.output;
    EXPECT_NE(bad.output.find("is not a domain name"), std::string::npos) << bad.output;
}

// ---- files that are not files ------------------------------------------------------

// `--trust-anchor /etc/shadow` printed the file's first line. An error names the file,
// never what is in it; a device or a FIFO is refused without reading it.
TEST(Faults, TrustAnchorsAreReadOnlyFromRegularFilesAndNeverQuoted) {
    TempDir dir;
    const std::string shadow =
        dir.write("shadow", "root:$y$j9T$SECRETSECRETSECRET:19700:0:99999:7:::\n");
    CliRun r = run("probe example.test --resolver 127.0.0.1:9 --trust-anchor " + shadow);
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find(shadow + ":1"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("SECRET"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("root:"), std::string::npos) << r.output;

    const std::string fifo = dir.file("anchor.fifo");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    for (const std::string& path : {std::string("/dev/zero"), fifo}) {
        const auto start = std::chrono::steady_clock::now();
        CliRun d = run("probe example.test --resolver 127.0.0.1:9 --trust-anchor " + path);
        EXPECT_EQ(d.code, 2) << d.output;
        EXPECT_NE(d.output.find("only regular files are read"), std::string::npos) << d.output;
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    }
}

TEST(Faults, TheConfigurationIsReadOnlyFromARegularFileOfBoundedSize) {
    TempDir dir;
    CliRun z = run("--config /dev/zero status");
    EXPECT_EQ(z.code, 2) << z.output;
    EXPECT_NE(z.output.find("character device"), std::string::npos) << z.output;
    std::string big = dir.write("big.yaml", "# " + std::string(5 << 20, 'x') + "\n");
    CliRun b = run("--config " + big + " status");
    EXPECT_EQ(b.code, 2) << b.output;
    EXPECT_NE(b.output.find("more than the"), std::string::npos) << b.output;
}

TEST(Faults, ZoneFilesAndIncludesThatAreFifosDoNotBlock) {
    TempDir dir;
    make_keys("example.test.", dir.file("keys"));
    ASSERT_EQ(::mkfifo(dir.file("part.fifo").c_str(), 0600), 0);
    dir.write("in.zone", std::string(small_zone) + "$INCLUDE part.fifo\n");
    CliRun inc = run(sign_args(dir, "example.test."));
    EXPECT_EQ(inc.code, 2) << inc.output;
    EXPECT_NE(inc.output.find("in.zone:6"), std::string::npos) << inc.output;
    EXPECT_NE(inc.output.find("a FIFO"), std::string::npos) << inc.output;
    ASSERT_EQ(::mkfifo(dir.file("zone.fifo").c_str(), 0600), 0);
    CliRun whole = run(sign_args(dir, "example.test.", "zone.fifo"));
    EXPECT_EQ(whole.code, 2) << whole.output;
    EXPECT_NE(whole.output.find("a FIFO"), std::string::npos) << whole.output;
}

TEST(Faults, ProbeAttemptsAreCappedLikeTheConfiguration) {
    CliRun r = run("probe example.test --resolver 127.0.0.1:9 --attempts 1000000");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("--attempts must be from 1 to 10"), std::string::npos) << r.output;
    EXPECT_EQ(run("probe example.test --resolver 127.0.0.1:9 --timeout-ms 0").code, 2);
}

// ---- the state database -------------------------------------------------------------

// A zero-length state.db was taken for a fresh installation: tick exited 0, status showed
// no zones, and onboarding again made new keys while the parent's DS named the old ones.
TEST(Faults, AnEmptyStateDatabaseIsRefusedUntilInitialisedOnPurpose) {
    TempDir dir;
    const std::string c = write_config(dir);
    std::ofstream(dir.file("state.db")).close();
    fs::create_directories(dir.file("in"));
    dir.write("in/alpha.test.zone", small_zone);
    for (const char* cmd : {"tick", "status", "onboard alpha.test --tenant t"}) {
        CliRun r = run(c + cmd);
        EXPECT_EQ(r.code, 2) << cmd << ": " << r.output;
        EXPECT_NE(r.output.find("is empty (0 bytes)"), std::string::npos)
            << cmd << ": " << r.output;
    }
    EXPECT_EQ(fs::file_size(dir.file("state.db")), 0u);
    EXPECT_FALSE(fs::exists(dir.file("keys/alpha.test")));
    CliRun init = run(c + "init");
    EXPECT_EQ(init.code, 0) << init.output;
    EXPECT_NE(init.output.find("was an empty file"), std::string::npos) << init.output;
    CliRun tick = run(c + "tick");
    EXPECT_EQ(tick.code, 0) << tick.output;
    CliRun again = run(c + "init");
    EXPECT_EQ(again.code, 0) << again.output;
}

TEST(Faults, AnotherProgramsDatabaseIsNeverTouched) {
    TempDir dir;
    const std::string c = write_config(dir);
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("state.db").c_str(), &raw), SQLITE_OK);
    sqlite3_exec(raw, "CREATE TABLE photos (id INTEGER)", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    const auto size = fs::file_size(dir.file("state.db"));
    for (const char* cmd : {"tick", "status", "init"}) {
        CliRun r = run(c + cmd);
        EXPECT_EQ(r.code, 2) << cmd << ": " << r.output;
        EXPECT_NE(r.output.find("not a zonewarden state database"), std::string::npos)
            << cmd << ": " << r.output;
    }
    EXPECT_EQ(fs::file_size(dir.file("state.db")), size);
}

// A missing database is a fresh installation only while key-dir holds no keys; with keys
// there, the database was lost, and starting afresh would forget every zone.
TEST(Faults, AMissingDatabaseWithKeysInKeyDirIsALostDatabase) {
    TempDir dir;
    const std::string c = write_config(dir);
    EXPECT_EQ(run(c + "tick").code, 0);  // fresh: no zone yet
    fs::remove(dir.file("state.db"));
    make_keys("alpha.test.", dir.file("keys/alpha.test"));
    for (const char* cmd : {"tick", "status"}) {
        CliRun r = run(c + cmd);
        EXPECT_EQ(r.code, 2) << cmd << ": " << r.output;
        EXPECT_NE(r.output.find("the database was lost or moved"), std::string::npos)
            << cmd << ": " << r.output;
    }
    EXPECT_FALSE(fs::exists(dir.file("state.db")));
    ASSERT_EQ(run(c + "init").code, 0);
    // The zone's keys are not silently replaced by new ones.
    dir.write("tenant.zone", small_zone);
    CliRun onboard =
        run(c + "onboard alpha.test --tenant t --zone-file " + dir.file("tenant.zone"));
    EXPECT_EQ(onboard.code, 2) << onboard.output;
    EXPECT_NE(onboard.output.find("--adopt-keys"), std::string::npos) << onboard.output;
    CliRun adopt = run(c + "onboard alpha.test --tenant t --zone-file " + dir.file("tenant.zone") +
                       " --adopt-keys " + dir.file("keys/alpha.test"));
    EXPECT_NE(adopt.code, 2) << adopt.output;
    EXPECT_NE(adopt.output.find("adopted"), std::string::npos) << adopt.output;
}

// ---- keys ---------------------------------------------------------------------------

// `sign` left out a key whose .private was missing (exit 0, one key fewer, no word).
TEST(Faults, SignRefusesAKeyThatLostAHalf) {
    TempDir dir;
    dir.write("in.zone", small_zone);
    make_keys("example.test.", dir.file("keys"));
    ASSERT_EQ(run(sign_args(dir, "example.test.")).code, 0);
    for (const char* ext : {".private", ".key"}) {
        std::string victim;
        for (const auto& e : fs::directory_iterator(dir.file("keys")))
            if (e.path().extension() == ext) victim = e.path().string();
        fs::rename(victim, dir.file("aside"));
        CliRun r = run(sign_args(dir, "example.test."));
        EXPECT_EQ(r.code, 2) << ext << ": " << r.output;
        EXPECT_NE(r.output.find(std::string("has no ") + ext + " beside it"), std::string::npos)
            << r.output;
        fs::rename(dir.file("aside"), victim);
    }
}

// `sign` read a 0777 key directory and a 0666 .private without a word, while keygen
// refused a 0755 directory: one rule for both now.
TEST(Faults, SignAndKeygenRefuseKeysOthersCanTamperWith) {
    TempDir dir;
    dir.write("in.zone", small_zone);
    make_keys("example.test.", dir.file("keys"));
    ::chmod(dir.file("keys").c_str(), 0777);
    CliRun open_dir = run(sign_args(dir, "example.test."));
    EXPECT_EQ(open_dir.code, 2) << open_dir.output;
    EXPECT_NE(open_dir.output.find("writable by others"), std::string::npos) << open_dir.output;
    CliRun keygen = run("keygen --zone example.test --algorithm ed25519 --role zsk --key-dir " +
                        dir.file("keys"));
    EXPECT_EQ(keygen.code, 2) << keygen.output;
    ::chmod(dir.file("keys").c_str(), 0700);
    for (const auto& e : fs::directory_iterator(dir.file("keys")))
        if (e.path().extension() == ".private") ::chmod(e.path().c_str(), 0666);
    CliRun open_key = run(sign_args(dir, "example.test."));
    EXPECT_EQ(open_key.code, 2) << open_key.output;
    EXPECT_NE(open_key.output.find("chmod 600"), std::string::npos) << open_key.output;
}

// ---- modes of what zonewarden makes ---------------------------------------------------

// Under umask 000, onboarding made the state directory, zones-out and key-dir's parent
// 0777.
TEST(Faults, UnderUmask000NothingZonewardenMakesIsWorldWritable) {
    TempDir dir;
    const std::string c = write_config(dir,
                                       "state: var/state/state.db\nkey-dir: var/keys/zw\nzones-in: "
                                       "in\nzones-out: var/out/signed\n");
    dir.write("tenant.zone", small_zone);
    ::chmod(dir.file("tenant.zone").c_str(), 0644);
    CliRun r = run(c + "onboard alpha.test --tenant t --zone-file " + dir.file("tenant.zone"),
                   "umask 000;");
    EXPECT_NE(r.code, 2) << r.output;
    EXPECT_EQ(mode_of(dir.file("var")), 0750u);  // made first, for the state
    EXPECT_EQ(mode_of(dir.file("var/state")), 0750u);
    EXPECT_EQ(mode_of(dir.file("var/keys")), 0700u);
    EXPECT_EQ(mode_of(dir.file("var/keys/zw")), 0700u);
    EXPECT_EQ(mode_of(dir.file("var/keys/zw/alpha.test")), 0700u);
    EXPECT_EQ(mode_of(dir.file("var/out")), 0755u);
    EXPECT_EQ(mode_of(dir.file("var/out/signed")), 0755u);
    EXPECT_EQ(mode_of(dir.file("var/out/signed/alpha.test.zone")), 0644u);
    for (const auto& e : fs::directory_iterator(dir.file("var/keys/zw/alpha.test")))
        EXPECT_EQ(mode_of(e.path().string()), e.path().extension() == ".private" ? 0600u : 0644u)
            << e.path();
}

// The signed zone and its state were always 0644, and an existing 0640 output became
// 0644 root:root. Now a new output is never readable by more than its input is, and an
// existing one keeps its mode and group.
TEST(Faults, SignedOutputKeepsItsModeAndGroupAndIsNeverWiderThanItsInput) {
    TempDir dir;
    dir.write("in.zone", small_zone);
    ::chmod(dir.file("in.zone").c_str(), 0600);
    make_keys("example.test.", dir.file("keys"));
    CliRun first = run(sign_args(dir, "example.test.") + " --incremental");
    ASSERT_EQ(first.code, 0) << first.output;
    EXPECT_EQ(mode_of(dir.file("out.zone")), 0600u);
    EXPECT_EQ(mode_of(dir.file("out.zone.zwstate")), 0600u);
    ::chmod(dir.file("out.zone").c_str(), 0640);
    const gid_t group = ::geteuid() == 0 ? 65534 : ::getegid();
    ASSERT_EQ(::chown(dir.file("out.zone").c_str(), static_cast<uid_t>(-1), group), 0);
    CliRun second = run(sign_args(dir, "example.test.") + " --incremental --serial increment");
    ASSERT_EQ(second.code, 0) << second.output;
    struct stat st {};
    ASSERT_EQ(::stat(dir.file("out.zone").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_EQ(st.st_gid, group);
}

// SIGKILL while `sign` writes leaves its temporary file; the next run removes it.
TEST(Faults, TheNextSignRemovesWhatAKilledOneLeft) {
    TempDir dir;
    std::string zone = small_zone;
    for (int i = 0; i < 20000; ++i)
        zone += fmt::format("h{} A 192.0.{}.{}\n", i, i / 250 % 250, i % 250);
    dir.write("in.zone", zone);
    make_keys("example.test.", dir.file("keys"));
    // Kill it once its output is being written under the temporary name.
    const std::string sign =
        fmt::format("sign --zone-file {} --origin example.test. --key-dir {} --out {} --threads 2",
                    dir.file("in.zone"), dir.file("keys"), dir.file("out.zone"));
    const std::string script = fmt::format(
        "{} {} >/dev/null 2>&1 & pid=$!; "
        "for i in $(seq 200); do ls -a {} | grep -q '^\\.out\\.zone\\.tmp-' && break; sleep 0.05; "
        "done; "
        "kill -9 $pid; wait $pid; ls -a {} | grep -c '^\\.out\\.zone\\.tmp-'",
        ZW_BINARY, sign, dir.path(), dir.path());
    FILE* p = ::popen(("bash -c " + shell_word(script)).c_str(), "r");
    char count[16] = {};
    ASSERT_NE(std::fgets(count, sizeof count, p), nullptr);
    ::pclose(p);
    ASSERT_GE(std::atoi(count), 1) << "the run was not caught writing";
    CliRun next = run(sign_args(dir, "example.test."));
    EXPECT_EQ(next.code, 0) << next.output;
    for (const auto& e : fs::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().filename().string().find(".out.zone.tmp-"), std::string::npos)
            << e.path();
}

}  // namespace
