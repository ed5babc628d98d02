// Finding a zone's keys in a directory, one zone at a time or from one scan for many.
#include "signer/key_directory.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <map>

#include "../../testutil/temp_dir.h"

namespace zw::signer {
namespace {

const Instant t0{Seconds{1764000000}};

// One scan of the directory for many zones (sign --manifest) must find for each zone what
// a scan for that zone alone finds: its own keys, whatever the case of the file name, and
// not those of a zone below it or files that only look like keys.
TEST(KeyDirectory, AScanOfTheDirectoryGivesEachZoneItsOwnKeys) {
    testutil::TempDir dir;
    std::string key_dir = dir.file("keys");
    auto name = [](const char* text) { return dns::Name::from_text(text).value(); };
    auto add = [&](const char* zone, KeyRole role) {
        auto key = generate_key(name(zone), dns::alg::ed25519, role, 0, t0).value();
        return write_key_pair(key_dir, key, role).value();
    };
    add("example.test.", KeyRole::ksk);
    add("example.test.", KeyRole::zsk);
    add("sub.example.test.", KeyRole::csk);
    std::string other = add("other.test.", KeyRole::csk);
    std::string upper = dir.file("keys/KOTHER.TEST." + other.substr(other.find('+')));
    for (const char* ext : {".key", ".private"})
        ::rename((other + ext).c_str(), (upper + ext).c_str());
    dir.write("keys/README", "not a key");
    dir.write("keys/Kexample.test.+015+1.private", "too short a name");
    dir.write("keys/Kexample.test.+015+99999.key", "a public half alone");
    dir.write("keys/Kexample.test.+015+99999.key~", "an editor's backup: not a key file");

    ::unlink(dir.file("keys/Kexample.test.+015+99999.key")
                 .c_str());  // LoneHalvesAreNamed has its own test
    auto index = KeyDirectory::scan(key_dir);
    ASSERT_TRUE(index) << index.error().message;
    auto tags = [](const Result<std::vector<KeyPair>>& keys) {
        std::vector<std::uint16_t> out;
        for (const auto& k : keys.value()) out.push_back(k.tag());
        return out;
    };
    const std::map<std::string, std::size_t> expected{
        {"example.test.", 2}, {"sub.example.test.", 1}, {"other.test.", 1}, {"none.test.", 0}};
    for (const auto& [zone, count] : expected) {
        auto once = index->read_zone_keys(name(zone.c_str()));
        auto alone = read_zone_keys(key_dir, name(zone.c_str()));
        EXPECT_EQ(tags(once).size(), count) << zone;
        EXPECT_EQ(tags(once), tags(alone)) << zone;
    }
    EXPECT_FALSE(KeyDirectory::scan(dir.file("missing")));
}

// A half without the other is never taken for "no key": `sign` would sign with one key
// fewer and exit 0. Both lone cases are errors naming the file and what to do, from a scan
// for one zone and from a scan of the whole directory alike; the rollover's key material
// (LoneHalves::skip) leaves them out.
TEST(KeyDirectory, LoneHalvesAreNamedNotSkipped) {
    testutil::TempDir dir;
    std::string key_dir = dir.file("keys");
    auto zone = dns::Name::from_text("example.test.").value();
    std::vector<std::string> bases;
    for (auto role : {KeyRole::ksk, KeyRole::zsk}) {
        auto key = generate_key(zone, dns::alg::ed25519, role, 0, t0).value();
        bases.push_back(write_key_pair(key_dir, key, role).value());
    }
    ASSERT_EQ(read_zone_keys(key_dir, zone).value().size(), 2u);
    for (const char* lost : {".private", ".key"}) {
        std::string kept = std::string(lost) == ".key" ? ".private" : ".key";
        std::filesystem::rename(bases[1] + lost, dir.file("lost"));
        auto index = KeyDirectory::scan(key_dir);
        ASSERT_TRUE(index);
        for (const auto& r : {read_zone_keys(key_dir, zone), index->read_zone_keys(zone)}) {
            ASSERT_FALSE(r) << lost;
            EXPECT_NE(r.error().message.find(bases[1] + kept + " has no " + lost),
                      std::string::npos)
                << r.error().message;
        }
        auto skipped = read_zone_keys(key_dir, zone, LoneHalves::skip);
        ASSERT_TRUE(skipped);
        EXPECT_EQ(skipped->size(), 1u);
        std::filesystem::rename(dir.file("lost"), bases[1] + lost);
    }
}

// Zone names become file names through dns::file_name_text only: a name with '/' in it
// writes its keys inside the key directory, and they are found again.
TEST(KeyDirectory, ZoneNamesWithSlashesStayInsideTheKeyDirectory) {
    testutil::TempDir dir;
    std::string key_dir = dir.file("keys");
    for (const std::string& text : {std::string("0/26.2.0.192.in-addr.arpa."),
                                    dir.file("escape") + "/y.test.", std::string("a|b.test.")}) {
        auto zone = dns::Name::from_text(text).value();
        auto key = generate_key(zone, dns::alg::ed25519, KeyRole::csk, 0, t0).value();
        auto base = write_key_pair(key_dir, key, KeyRole::csk);
        ASSERT_TRUE(base) << base.error().message;
        EXPECT_EQ(std::filesystem::path(*base).parent_path(), std::filesystem::path(key_dir))
            << *base;
        auto found = read_zone_keys(key_dir, zone);
        ASSERT_TRUE(found) << found.error().message;
        EXPECT_EQ(found->size(), 1u) << text;
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("escape")));
    // Named as BIND's dnssec-keygen names the keys of such a zone.
    std::size_t classless = 0;
    for (const auto& e : std::filesystem::directory_iterator(key_dir))
        if (e.path().filename().string().starts_with("K0%2F26.2.0.192.in-addr.arpa.+015+"))
            ++classless;
    EXPECT_EQ(classless, 2u);
}

}  // namespace
}  // namespace zw::signer
