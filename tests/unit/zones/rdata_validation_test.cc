// RDATA that BIND, Knot or ldns would refuse to load is refused when the zone is read,
// at its file:line, instead of being signed and published.
#include <gtest/gtest.h>

#include <algorithm>

#include "zone_fixture.h"

namespace zw::zones {
namespace {

// The error for the one bad record, the last line of the zone (soa_and_ns is 5 lines).
std::string error_for(const std::string& records) {
    testutil::TempDir dir;
    Loaded l = load(dir, std::string(soa_and_ns) + records + "\n");
    if (l.diag.errors.empty()) return "";
    return l.diag.errors.front().describe();
}

void expect_refused(const std::string& records, const std::string& reason) {
    const std::string e = error_for(records);
    const auto line = 6 + std::count(records.begin(), records.end(), '\n');
    EXPECT_NE(e.find("zone.db:" + std::to_string(line) + ":"), std::string::npos)
        << records << " -> " << (e.empty() ? "accepted" : e);
    EXPECT_NE(e.find(reason), std::string::npos) << records << " -> " << e;
}

TEST(RdataValidation, WrongLengthForTheType) {
    expect_refused("x A \\# 3 010203", "ends inside field 1");
    expect_refused("x A \\# 5 0102030405", "1 octet(s) left over");
    expect_refused("x AAAA \\# 4 20010db8", "ends inside field 1");
    expect_refused("x TXT \\# 2 0561", "ends inside field 1");
    expect_refused("x TXT \\# 1 05", "ends inside field 1");
    expect_refused("x MX \\# 3 000a01", "ends inside field 2");
    expect_refused("x CNAME \\# 2 0161", "ends inside field 1 (domain name)");
    expect_refused("x KEY \\# 4 01010308", "has 3 of the 4 fields");
    expect_refused("x HINFO \\# 2 0161", "has 1 of the 2 fields");
}

TEST(RdataValidation, DigestsOfTheWrongLengthForTheirType) {
    expect_refused("x NS ns1\nx DS 1 13 2 0102", "DS digest of type 2 is 2 octets; it must be 32");
    expect_refused("x NS ns1\nx DS 1 13 1 " + std::string(64, 'a'),
                   "DS digest of type 1 is 32 octets; it must be 20");
    expect_refused("x NS ns1\nx DS 1 13 9 " + std::string(64, 'a'), "DS digest type 9");
    expect_refused("x SSHFP 4 2 0102", "SSHFP fingerprint of type 2 is 2 octets; it must be 32");
    expect_refused("x SSHFP 4 1 " + std::string(64, 'a'),
                   "SSHFP fingerprint of type 1 is 32 octets; it must be 20");
    EXPECT_EQ(error_for("x SSHFP 4 2 " + std::string(64, 'a')), "");
    EXPECT_EQ(error_for("x SSHFP 4 9 0102"), "");  // a type nobody knows the length of
}

TEST(RdataValidation, MetaTypesAreNotData) {
    for (const char* type :
         {"TYPE0", "TYPE41", "TYPE128", "TYPE249", "TYPE250", "TYPE251", "TYPE252", "TYPE255"}) {
        expect_refused(std::string("x ") + type + " \\# 0", "is a query or meta type");
    }
    EXPECT_EQ(error_for("x TYPE65280 \\# 0"), "");
    EXPECT_EQ(error_for("x TYPE127 \\# 1 00"), "");
}

// Knot's scanner checks some of this in the text form; the generic form gets past it.
TEST(RdataValidation, SvcbParametersAsBindChecksThem) {
    expect_refused("x SVCB \\# 9 0001 00 0000 0002 0001",
                   "mandatory lists alpn, which is not there");
    expect_refused("x SVCB \\# 7 0001 00 0002 0000", "no-default-alpn without alpn");
    expect_refused("x SVCB 1 . key3=\\001", "parameter port: a port is 2 octets");
    expect_refused("x SVCB \\# 16 0001 00 0003 0002 01bb 0001 0003 026832",
                   "parameter alpn is out of order");
    EXPECT_EQ(error_for("x SVCB 1 . alpn=h2 no-default-alpn port=443"), "");
    EXPECT_EQ(error_for("x HTTPS 1 . alpn=h1\\\\,h2"), "");
    EXPECT_EQ(error_for("x HTTPS 1 . alpn=a\\\\\\\\b"), "");
}

// What the scanner refuses is named: the type, the SVCB key, the token.
TEST(RdataValidation, ScannerErrorsNameTheToken) {
    expect_refused("x FOOBAR 1", "near 'FOOBAR'");
    expect_refused("x SVCB 1 . nosuchkey=1", "near 'nosuchkey=1'");
    expect_refused("x A 192.0.2.999", "near '192.0.2.999'");
}

}  // namespace
}  // namespace zw::zones
