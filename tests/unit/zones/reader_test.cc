#include <gtest/gtest.h>

#include "zone_fixture.h"

namespace zw::zones {
namespace {

TEST(Reader, DirectivesRelativeNamesMultilineAndIncludeRelativeToTheFile) {
    testutil::TempDir dir;
    std::filesystem::create_directory(dir.file("sub"));
    dir.write("sub/hosts.inc", "www A 192.0.2.80\nmail A 192.0.2.25\n");
    std::string main = dir.write("sub/main.zone",
                                 "$ORIGIN example.test.\n"
                                 "$TTL 1h\n"
                                 "@ IN SOA ns1 hostmaster (\n"
                                 "      7 ; serial\n"
                                 "      7200 3600 1209600 300 )\n"
                                 "  NS ns1\n"
                                 "ns1 600 A 192.0.2.1\n"
                                 "$INCLUDE hosts.inc\n"
                                 "$ORIGIN sub.example.test.\n"
                                 "deep TXT \"x\"\n");
    Diagnostics diag;
    auto origin = dns::Name::from_text("example.test.").value();
    auto read = read_zone_file(main, origin, {}, diag);
    ASSERT_TRUE(diag.errors.empty()) << diag.errors.front().describe();
    ASSERT_EQ(read.records.size(), 6u);
    EXPECT_EQ(read.files.size(), 2u);
    Zone zone = build_zone(origin, std::move(read), diag);
    ASSERT_TRUE(diag.errors.empty()) << diag.errors.front().describe();
    const Node& apex = zone.apex();
    EXPECT_EQ(apex.find(dns::rrtype::SOA)->ttl, 3600u);
    bool saw_www = false, saw_deep = false, saw_ns1 = false;
    for (const auto& node : zone.nodes) {
        if (node.name.to_text() == "www.example.test.") {
            saw_www = true;
            EXPECT_NE(zone.location(node.rrsets.front().where).file.find("hosts.inc"),
                      std::string::npos);
            EXPECT_EQ(node.rrsets.front().where.line, 1u);
        }
        if (node.name.to_text() == "ns1.example.test.") {
            saw_ns1 = true;
            EXPECT_EQ(node.rrsets.front().ttl, 600u);
            EXPECT_EQ(node.rrsets.front().where.line, 7u);
        }
        saw_deep = saw_deep || node.name.to_text() == "deep.sub.example.test.";
    }
    EXPECT_TRUE(saw_www && saw_deep && saw_ns1);
}

TEST(Reader, SyntaxErrorNamesTheIncludedFileAndLine) {
    testutil::TempDir dir;
    dir.write("bad.inc", "ok A 192.0.2.1\nbroken A 999.1.1.1\n");
    Loaded l = load(dir, std::string(soa_and_ns) + "$INCLUDE " + dir.file("bad.inc") + "\n");
    ASSERT_FALSE(l.diag.errors.empty());
    EXPECT_NE(l.diag.errors.front().describe().find("bad.inc:2:"), std::string::npos)
        << l.diag.errors.front().describe();
}

// A tenant's zone file must not read files outside its own directory (another tenant's
// zone, a key file), neither by path nor through a symbolic link.
TEST(Reader, IncludeOutsideTheZoneFilesDirectoryIsRefused) {
    testutil::TempDir outside, dir;
    std::string secret = outside.write("other-tenant.zone", "www A 192.0.2.66\n");
    std::filesystem::create_symlink(secret, dir.file("link.inc"));
    for (const std::string& target :
         {secret, std::string("link.inc"),
          std::string("../") + std::filesystem::path(outside.path()).filename().string() +
              "/other-tenant.zone"}) {
        Loaded l = load(dir, std::string(soa_and_ns) + "$INCLUDE " + target + "\n");
        ASSERT_FALSE(l.diag.errors.empty()) << target;
        EXPECT_NE(l.diag.errors.front().describe().find("zone.db:6: $INCLUDE"), std::string::npos)
            << l.diag.errors.front().describe();
    }
    // Text that is not a file cannot include at all.
    Diagnostics diag;
    auto origin = dns::Name::from_text("example.test.").value();
    (void)read_zone_text(std::string(soa_and_ns) + "$INCLUDE " + secret + "\n", "inline", origin,
                         {}, diag);
    ASSERT_FALSE(diag.errors.empty());
    EXPECT_NE(diag.errors.front().message.find("not allowed"), std::string::npos);
}

TEST(Reader, OutOfZoneDataIsAnErrorWithItsLine) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "www.other.test. A 192.0.2.9\n");
    EXPECT_NE(find(l.diag.errors, "outside the zone").find("zone.db:6:"), std::string::npos);
}

TEST(Reader, DnssecRecordsInTheInputAreStrippedWithOneWarningPerType) {
    testutil::TempDir dir;
    Loaded l = load(
        dir,
        std::string(soa_and_ns) +
            "@ DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+"
            "e+MAnLr+Wi9xMWyQLc8NAA==\n"
            "@ DNSKEY 256 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=\n"
            "@ NSEC ns1 SOA NS RRSIG NSEC DNSKEY\n");
    ASSERT_TRUE(l.diag.errors.empty());
    EXPECT_NE(find(l.diag.warnings, "2 DNSKEY record(s)").find("zone.db:6:"), std::string::npos);
    EXPECT_NE(find(l.diag.warnings, "1 NSEC record(s)").find("zone.db:8:"), std::string::npos);
    EXPECT_EQ(l.zone.apex().find(dns::rrtype::DNSKEY), nullptr);
}

TEST(Reader, MissingFileIsReported) {
    Diagnostics diag;
    auto origin = dns::Name::from_text("example.test.").value();
    auto read = read_zone_file("/nonexistent/zone.db", origin, {}, diag);
    ASSERT_EQ(diag.errors.size(), 1u);
    EXPECT_NE(diag.errors.front().describe().find("/nonexistent/zone.db"), std::string::npos);
}

TEST(Reader, OtherClassesAreRefused) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "chaos CH TXT \"x\"\n");
    EXPECT_FALSE(l.diag.errors.empty());
}

}  // namespace
}  // namespace zw::zones
