// Finding a zone's keys in a directory, one zone at a time or from one scan for many.
#include "signer/key_directory.h"

#include <gtest/gtest.h>
#include <cstdio>

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
    for (const char* ext : {".key", ".private"}) ::rename((other + ext).c_str(), (upper + ext).c_str());
    dir.write("keys/README", "not a key");
    dir.write("keys/Kexample.test.+015+1.private", "too short a name");
    dir.write("keys/Kexample.test.+015+99999.key", "a public half alone");

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

}  // namespace
}  // namespace zw::signer
