// The zone checks: singletons, wildcards, DNAME occlusion, RRset size, glue that a
// wildcard or a sibling delegation provides, and the warnings for deprecated DS.
#include <gtest/gtest.h>

#include "zone_fixture.h"

namespace zw::zones {
namespace {

TEST(ZoneChecks, TwoDnamesAtOneNameAreRefused) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "x DNAME a.example.\nx DNAME b.example.\n");
    std::string e = find(l.diag.errors, "has 2 DNAME records; at most one is allowed");
    EXPECT_NE(e.find("zone.db:6:"), std::string::npos) << e;
}

TEST(ZoneChecks, NsAtAWildcardIsRefused) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "* NS ns1\n");
    std::string e = find(l.diag.errors, "NS at the wildcard *.example.test.");
    EXPECT_NE(e.find("zone.db:6:"), std::string::npos) << e;
}

TEST(ZoneChecks, NsBesideADnameBelowTheApexIsRefused) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "x DNAME a.example.\nx NS ns1\n");
    EXPECT_NE(find(l.diag.errors, "NS beside DNAME at x.example.test."), "");
}

TEST(ZoneChecks, DataBelowADnameIsRefused) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "old DNAME new.test.\nx.old A 192.0.2.7\n");
    std::string e =
        find(l.diag.errors, "x.old.example.test. A is below the DNAME at old.example.test.");
    EXPECT_NE(e.find("zone.db:7:"), std::string::npos) << e;
}

// BIND's ns-address-below-dname: the apex NS's only address is below the apex DNAME.
TEST(ZoneChecks, ApexNameServerWhoseAddressIsBelowADnameIsRefused) {
    testutil::TempDir dir;
    Loaded l = load(dir,
                    "$ORIGIN example.test.\n$TTL 300\n@ SOA ns host 1 7200 3600 1209600 300\n@ "
                    "DNAME example.net.\n"
                    "@ NS ns\nns A 192.0.2.2\n");
    EXPECT_NE(find(l.diag.errors, "ns.example.test. A is below the DNAME at example.test."), "");
}

TEST(ZoneChecks, AnRrsetTooLargeForAMessageIsRefused) {
    testutil::TempDir dir;
    std::string zone = soa_and_ns;
    // 256 TXT records of 255 octets: 256 x 267 octets in an answer.
    for (int i = 0; i < 256; ++i)
        zone += "big TXT \"" + std::to_string(1000 + i) + std::string(250, 'a') + "\"\n";
    Loaded l = load(dir, zone);
    std::string e = find(l.diag.errors, "the TXT RRset at big.example.test. needs");
    EXPECT_NE(e.find("a DNS message holds at most 65535"), std::string::npos) << e;
    testutil::TempDir small;
    std::string fits = soa_and_ns;
    for (int i = 0; i < 200; ++i)
        fits += "big TXT \"" + std::to_string(1000 + i) + std::string(250, 'a') + "\"\n";
    EXPECT_TRUE(load(small, fits).diag.errors.empty());
}

// Knot's glue_wildcard: a wildcard at the target's closest encloser answers for it.
TEST(ZoneChecks, AWildcardCoveringTheTargetIsGlueEnough) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "deleg NS a.ns.ns.xyz\n*.ns.xyz AAAA ::2\n");
    EXPECT_TRUE(l.diag.errors.empty()) << l.diag.errors.front().describe();
    testutil::TempDir below;
    Loaded cut = load(below, std::string(soa_and_ns) + "abc NS a.ns.abc\n*.ns.abc AAAA ::1\n");
    EXPECT_TRUE(cut.diag.errors.empty()) << cut.diag.errors.front().describe();
    EXPECT_NE(find(cut.diag.warnings, "glue only from the wildcard *.ns.abc.example.test."), "");
}

// Knot's glue_in_deleg: targets inside another delegation are that child's to answer for.
TEST(ZoneChecks, TargetsInsideAnotherDelegationWarn) {
    testutil::TempDir dir;
    Loaded l = load(
        dir,
        "$ORIGIN example.test.\n$TTL 300\n@ SOA ns2.d host 1 7200 3600 1209600 300\n@ NS ns2.d\n"
        "d NS ns1.d\nns1.d A 192.0.2.4\ny NS ns1.d\nz NS deep.ns.d\n");
    EXPECT_TRUE(l.diag.errors.empty()) << l.diag.errors.front().describe();
    EXPECT_NE(find(l.diag.warnings,
                   "example.test. NS ns2.d.example.test. is inside the delegation d.example.test."),
              "");
    EXPECT_NE(find(l.diag.warnings,
                   "z.example.test. NS deep.ns.d.example.test. is inside the delegation"),
              "");
    EXPECT_EQ(find(l.diag.warnings, "y.example.test. NS"), "");
    // The delegation's own name, held without an address: Knot refuses it.
    testutil::TempDir bare;
    Loaded b =
        load(bare,
             "$ORIGIN example.test.\n$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 300\n@ NS ns1\n"
             "ns1 A 192.0.2.1\nd NS ns1.d\nns1.d A 192.0.2.4\nx NS d\n");
    EXPECT_NE(
        find(b.diag.errors,
             "x.example.test. NS d.example.test. has no A/AAAA record in the zone, and it lies in "
             "the delegation d.example.test."),
        "");
}

TEST(ZoneChecks, MissingGlueIsStillAnError) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "deleg NS ns.deleg\nother NS dns2\n");
    EXPECT_NE(find(l.diag.errors, "deleg.example.test. NS ns.deleg.example.test. has no glue"), "");
    EXPECT_NE(find(l.diag.errors, "other.example.test. NS dns2.example.test. has no A/AAAA record"),
              "");
}

TEST(ZoneChecks, DeprecatedDsDigestsAndAlgorithmsWarnAsInBind) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + "x NS ns1\nx DS 1 13 1 " + std::string(40, 'a') +
                             "\ny NS ns1\n" + "y DS 1 5 2 " + std::string(64, 'b') +
                             "\nz NS ns1\nz DS 1 13 2 " + std::string(64, 'c') + "\n");
    EXPECT_TRUE(l.diag.errors.empty()) << l.diag.errors.front().describe();
    EXPECT_NE(find(l.diag.warnings, "x.example.test. DS uses the deprecated digest type 1 (SHA-1"),
              "");
    EXPECT_NE(find(l.diag.warnings, "y.example.test. DS names the deprecated algorithm 5 (RSASHA1"),
              "");
    EXPECT_EQ(find(l.diag.warnings, "z.example.test. DS"), "");
}

}  // namespace
}  // namespace zw::zones
