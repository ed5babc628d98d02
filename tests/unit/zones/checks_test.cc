// Each check of build_zone produces its error (or warning) at the right file:line.
#include <gtest/gtest.h>

#include "zone_fixture.h"

namespace zw::zones {
namespace {

TEST(Checks, AGoodZoneHasNoErrors) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "www CNAME ns1\n");
    EXPECT_TRUE(l.diag.errors.empty());
    EXPECT_TRUE(l.diag.warnings.empty());
}

TEST(Checks, NoSoa) {
    testutil::TempDir dir;
    Loaded l = load(dir, "$ORIGIN example.test.\n@ 300 NS ns1\nns1 300 A 192.0.2.1\n");
    EXPECT_NE(find(l.diag.errors, "no SOA"), "");
}

TEST(Checks, TwoSoaRecords) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "@ SOA ns1 host 2 7200 3600 1209600 300\n");
    EXPECT_NE(find(l.diag.errors, "2 SOA records"), "");
}

TEST(Checks, SoaBelowTheApex) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "sub SOA ns1 host 2 7200 3600 1209600 300\n");
    EXPECT_NE(find(l.diag.errors, "not the zone apex").find("zone.db:6:"), std::string::npos);
}

TEST(Checks, NoApexNs) {
    testutil::TempDir dir;
    Loaded l = load(dir,
                    "$ORIGIN example.test.\n$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 300\nns1 "
                    "A 192.0.2.1\n");
    EXPECT_NE(find(l.diag.errors, "has no NS records"), "");
}

TEST(Checks, CnameBesideOtherData) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "www CNAME ns1\nwww TXT \"also\"\n");
    std::string e = find(l.diag.errors, "CNAME at www.example.test. beside other data: TXT");
    EXPECT_NE(e.find("zone.db:6:"), std::string::npos) << e;
}

TEST(Checks, CnameAtTheApex) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "@ CNAME elsewhere.test.\n");
    EXPECT_NE(find(l.diag.errors, "beside other data"), "");
}

TEST(Checks, DsAtTheApexAndDsWithoutDelegation) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "@ DS 1 13 2 " + std::string(64, 'a') +
                             "\nsub DS 1 13 2 " + std::string(64, 'b') + "\n");
    EXPECT_NE(find(l.diag.errors, "DS records at the apex"), "");
    EXPECT_NE(find(l.diag.errors, "without a delegation").find("zone.db:7:"), std::string::npos);
}

TEST(Checks, MissingGlueForAnInBailiwickNameServer) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "child NS ns.child\n");
    std::string e = find(l.diag.errors, "has no glue");
    EXPECT_NE(e.find("zone.db:6:"), std::string::npos) << e;
}

TEST(Checks, ApexNameServerWithoutAddress) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "@ NS ns2\n");
    EXPECT_NE(find(l.diag.errors, "NS ns2.example.test. has no A/AAAA"), "");
}

TEST(Checks, OccludedDataIsKeptWithAWarningAndGlueIsQuiet) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) +
                             "child NS ns.child\n"
                             "ns.child A 192.0.2.53\n"
                             "www.child A 192.0.2.80\n");
    EXPECT_TRUE(l.diag.errors.empty()) << l.diag.errors.front().describe();
    ASSERT_EQ(l.diag.warnings.size(), 1u);
    EXPECT_NE(
        l.diag.warnings.front().describe().find("zone.db:8: www.child.example.test. A is occluded"),
        std::string::npos)
        << l.diag.warnings.front().describe();
    int occluded = 0, delegations = 0;
    for (const auto& node : l.zone.nodes) {
        occluded += node.role == NodeRole::occluded;
        delegations += node.role == NodeRole::delegation;
    }
    EXPECT_EQ(occluded, 2);
    EXPECT_EQ(delegations, 1);
}

// RFC 6672 §2.3: nothing may exist below a DNAME; Knot refuses such a zone, so it is an
// error here, not occluded data (zone_checks_test.cc has the rest).
TEST(Checks, DataBelowADnameIsAnError) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "old DNAME new.test.\nx.old A 192.0.2.7\n");
    EXPECT_NE(find(l.diag.errors, "is below the DNAME"), "");
    EXPECT_EQ(find(l.diag.warnings, "occluded"), "");
}

// With no name server inside the zone nothing below a cut is glue: all of it is reported.
TEST(Checks, OccludedDataIsReportedWhenNoNameServerIsInTheZone) {
    testutil::TempDir dir;
    Loaded l = load(
        dir,
        "$ORIGIN example.test.\n$TTL 300\n@ SOA ns1.provider.test. host 1 7200 3600 1209600 300\n"
        "@ NS ns1.provider.test.\nold NS ns1.provider.test.\nx.old A 192.0.2.7\n");
    EXPECT_TRUE(l.diag.errors.empty()) << l.diag.errors.front().describe();
    EXPECT_NE(find(l.diag.warnings, "x.old.example.test. A is occluded"), "");
}

TEST(Checks, DuplicatesAndTtlMismatchWarn) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) +
                             "www 300 A 192.0.2.80\nwww 300 A 192.0.2.80\nwww 60 A 192.0.2.81\n");
    EXPECT_NE(find(l.diag.warnings, "duplicate A record"), "");
    EXPECT_NE(find(l.diag.warnings, "TTLs differ"), "");
    for (const auto& node : l.zone.nodes) {
        if (node.name.to_text() == "www.example.test.") {
            EXPECT_EQ(node.rrsets.front().ttl, 60u);
        }
    }
}

}  // namespace
}  // namespace zw::zones
