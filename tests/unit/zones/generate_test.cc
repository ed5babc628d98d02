// $GENERATE as BIND's ARM defines it (tests/integration/generate_vs_bind.sh holds the
// same inputs against named-checkzone).
#include <gtest/gtest.h>

#include <vector>

#include "zone_fixture.h"
#include "zones/generate.h"

namespace zw::zones {
namespace {

std::vector<std::string> expand(const std::string& arguments) {
    std::vector<std::string> lines;
    auto ok = expand_generate(arguments, [&](std::string_view l) { lines.emplace_back(l); });
    EXPECT_TRUE(ok.has_value()) << arguments << ": " << (ok ? "" : ok.error().message);
    return lines;
}

std::string refusal(const std::string& arguments) {
    auto ok = expand_generate(arguments, [](std::string_view) {});
    return ok ? "" : ok.error().message;
}

TEST(Generate, TheArmsExamples) {
    EXPECT_EQ(expand("1-2 @ NS SERVER$.EXAMPLE."),
              (std::vector<std::string>{"@ IN NS SERVER1.EXAMPLE.", "@ IN NS SERVER2.EXAMPLE."}));
    EXPECT_EQ(expand("1-127 $ CNAME $.0").at(126), "127 IN CNAME 127.0");
    EXPECT_EQ(expand("1-3 HOST-$ MX \"0 .\"").at(2), "HOST-3 IN MX 0 .");
    EXPECT_EQ(expand("0-2 HOST-${0,4,d} A 1.2.3.${1,0,d}"),
              (std::vector<std::string>{"HOST-0000 IN A 1.2.3.1", "HOST-0001 IN A 1.2.3.2",
                                        "HOST-0002 IN A 1.2.3.3"}));
    EXPECT_EQ(
        expand("1024-1026 ${0,3,n} AAAA 2001:db8::${0,4,x}"),
        (std::vector<std::string>{"0.0.4 IN AAAA 2001:db8::0400", "1.0.4 IN AAAA 2001:db8::0401",
                                  "2.0.4 IN AAAA 2001:db8::0402"}));
}

TEST(Generate, ModifiersBasesStepsAndEscapes) {
    EXPECT_EQ(expand("10-30/10 h${-5,3,o} 600 IN TXT x${0,0,X}"),
              (std::vector<std::string>{"h005 600 IN TXT xA", "h017 600 IN TXT x14",
                                        "h031 600 IN TXT x1E"}));
    EXPECT_EQ(expand("255-255 ${0,0,N} PTR a$$b\\$"),
              (std::vector<std::string>{"F.F IN PTR a\\$b\\$"}));
    EXPECT_EQ(expand("1024-1024 ${-2000,0,n} A 1.2.3.4").at(0), "0.3.c.f.f.f.f.f IN A 1.2.3.4");
    EXPECT_EQ(expand("19-28/2147483645 $ CNAME x"), (std::vector<std::string>{"19 IN CNAME x"}));
    EXPECT_EQ(expand("1-1 x IN 300 A 192.0.2.$ ; comment").at(0), "x 300 IN A 192.0.2.1");
}

TEST(Generate, BadRangesModifiersTypesAndCounts) {
    EXPECT_NE(refusal("9--10 host$ 3600 A 192.0.2.$").find("invalid range '9--10'"),
              std::string::npos);
    EXPECT_NE(refusal("1-3/ $ A 1.2.3.$").find("invalid range"), std::string::npos);
    EXPECT_NE(refusal("1-3/0 $ A 1.2.3.$").find("invalid range"), std::string::npos);
    EXPECT_NE(refusal("5-1 $ A 1.2.3.$").find("invalid range"), std::string::npos);
    EXPECT_NE(refusal("0-7 host$ A 1.2.3.${1,0,dgarbage}").find("bad modifier"), std::string::npos);
    EXPECT_NE(refusal("0-7 host$ A 1.2.3.${1000").find("bad modifier"), std::string::npos);
    EXPECT_NE(refusal("1-1 host$ TXT foo${2147483647}").find("out of range"), std::string::npos);
    EXPECT_NE(refusal("0-7 tkey$ TKEY \"x\"").find("meta RR type 'TKEY'"), std::string::npos);
    EXPECT_NE(refusal("0-7 x$ NOSUCHTYPE y").find("unknown RR type 'NOSUCHTYPE'"),
              std::string::npos);
    EXPECT_NE(refusal("0-7 x$ CH TXT y").find("class CH is not supported"), std::string::npos);
    EXPECT_NE(refusal("0-70000 x$ A 10.0.0.1").find("at most 65536"), std::string::npos);
    EXPECT_NE(refusal("0-7 x$ A").find("want start-stop"), std::string::npos);
}

// Read through a zone file: records at the directive's line, at the current origin and
// default TTL; errors at file:line.
TEST(Generate, InAZoneFile) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) +
                             "$ORIGIN 2.0.192.in-addr.arpa.example.test.\n"
                             "$GENERATE 1-3 $ PTR host-$.example.net.\n"
                             "$GENERATE 1-2 h$ A 192.0.2.$\n");
    ASSERT_TRUE(l.diag.errors.empty()) << l.diag.errors.front().describe();
    int ptrs = 0;
    for (const auto& node : l.zone.nodes) {
        if (const RRset* ptr = node.find(dns::rrtype::PTR)) {
            ++ptrs;
            EXPECT_EQ(ptr->where.line, 7u);
            EXPECT_EQ(ptr->ttl, 300u);
        }
    }
    EXPECT_EQ(ptrs, 3);
    testutil::TempDir bad;
    Loaded b =
        load(bad, std::string(soa_and_ns) +
                      "$GENERATE 1-3 h$ A 192.0.2.${1,0,q}\n$GENERATE 1-2 h$ A 10.0.0.999\n");
    EXPECT_NE(find(b.diag.errors, "bad modifier").find("zone.db:6:"), std::string::npos);
    EXPECT_NE(find(b.diag.errors, "near '10.0.0.999'").find("zone.db:7:"), std::string::npos);
}

}  // namespace
}  // namespace zw::zones
