// The presentation writer (dns/presentation.h) against libzscanner, the scanner of Knot's
// loader and of our own reader: for every record type, what we write reads back to the
// octets it was written from. (BIND and ldns read the signed output of
// tests/data/tricky/*.zone in tests/integration/tricky_zones.sh.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dns/presentation.h"
#include "dns/rdata_check.h"
#include "zones/text_scan.h"

namespace zw::zones {
namespace {

struct Record {
    dns::Bytes owner;
    std::uint16_t type;
    std::uint32_t ttl;
    dns::Bytes rdata;
};

std::vector<Record> scan(const std::string& text) {
    TextScanner scanner;
    std::vector<Record> out;
    auto ok = scanner.scan(text, [&](const ScannedRecord& r) {
        out.push_back(Record{
            {r.owner.begin(), r.owner.end()}, r.type, r.ttl, {r.rdata.begin(), r.rdata.end()}});
        return true;
    });
    EXPECT_TRUE(ok.has_value()) << (ok ? "" : ok.error().message) << "\nin:\n" << text;
    return out;
}

std::string write(const Record& r) {
    std::string out;
    dns::append_rr_text(out, dns::Name::from_wire(r.owner).value(), r.ttl, r.type, r.rdata);
    return out + "\n";
}

// One or more records of every type libzscanner reads as text.
const char* const samples[] = {
    "a.test. 300 IN A 192.0.2.1",
    "a.test. 300 IN NS ns\\.dot.a.test.",
    "a.test. 300 IN CNAME T\\@rget.A.test.",
    "a.test. 300 IN SOA ns.a.test. host\\.master.a.test. 2026112801 7200 3600 1209600 300",
    "a.test. 300 IN PTR host.example.",
    "a.test. 300 IN HINFO \"PC Intel\" \"Linux \\\"x\\\"\"",
    "a.test. 300 IN MINFO r.a.test. e.a.test.",
    "a.test. 300 IN MX 10 mail.a.test.",
    "a.test. 300 IN TXT \"v=spf1 -all\" \"\" \"semi;colon\" \"back\\\\slash\" \"\\000\\255\" "
    "\"tab\\009\"",
    "a.test. 300 IN RP admin.a.test. txt.a.test.",
    "a.test. 300 IN AFSDB 1 afs.a.test.",
    "a.test. 300 IN RT 10 relay.a.test.",
    "a.test. 300 IN KEY 256 3 13 AQIDBA==",
    "a.test. 300 IN AAAA 2001:db8::1",
    "a.test. 300 IN AAAA ::ffff:192.0.2.1",
    "a.test. 300 IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
    "a.test. 300 IN LOC 1 2 3.456 S 7 8 9.012 W 123.45m 1m 2m 3m",
    "a.test. 300 IN SRV 0 5 5060 sip.a.test.",
    "a.test. 300 IN NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.test!\" .",
    "a.test. 300 IN KX 10 kx.a.test.",
    "a.test. 300 IN CERT 1 2 3 AQIDBA==",
    "a.test. 300 IN DNAME other.example.",
    "a.test. 300 IN APL 1:192.0.2.0/24 !2:2001:db8::/32",
    "a.test. 300 IN DS 12345 13 2 0D1F0A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7",
    "a.test. 300 IN SSHFP 4 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
    "a.test. 300 IN IPSECKEY 10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
    "a.test. 300 IN IPSECKEY 10 3 2 gw.a.test. AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
    "a.test. 300 IN IPSECKEY 10 0 0 .",
    "a.test. 300 IN RRSIG A 13 2 300 20261212143056 20261128202604 65082 a.test. AQIDBA==",
    "a.test. 300 IN NSEC b.a.test. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY CAA TYPE65280",
    "a.test. 300 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
    "a.test. 300 IN DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
    "a.test. 300 IN NSEC3 1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR MX DNSKEY NS SOA "
    "NSEC3PARAM RRSIG",
    "a.test. 300 IN NSEC3PARAM 1 0 0 -",
    "a.test. 300 IN TLSA 3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
    "a.test. 300 IN SMIMEA 3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
    "a.test. 300 IN CDS 0 0 0 00",
    "a.test. 300 IN CDNSKEY 0 3 0 AA==",
    "a.test. 300 IN OPENPGPKEY AQIDBA==",
    "a.test. 300 IN CSYNC 66 3 A NS AAAA",
    "a.test. 300 IN ZONEMD 2026112801 1 1 "
    "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCD"
    "EF",
    "a.test. 300 IN SVCB 0 target.example.",
    "a.test. 300 IN SVCB 1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1,192.0.2.2",
    "a.test. 300 IN SVCB 1 . alpn=h1\\\\,h2",
    "a.test. 300 IN SVCB 1 . alpn=\"h2,h\\\\,3\" no-default-alpn",
    "a.test. 300 IN SVCB 2 svc.a.test. mandatory=alpn,ipv6hint alpn=h2 ipv6hint=2001:db8::1,::1 "
    "ech=AQIDBA==",
    "a.test. 300 IN SVCB 3 . key7=\"/dns-query{?dns}\" key65000=\"a b\\\"c\" key65001",
    "a.test. 300 IN HTTPS 1 . alpn=h3 port=443",
    "a.test. 300 IN SPF \"v=spf1 -all\"",
    "a.test. 300 IN NID 10 0014:4fff:ff20:ee64",
    "a.test. 300 IN L32 10 10.1.2.0",
    "a.test. 300 IN L64 10 2001:0db8:1140:1000",
    "a.test. 300 IN LP 10 l64-subnet.a.test.",
    "a.test. 300 IN EUI48 00-00-5e-00-53-2a",
    "a.test. 300 IN EUI64 00-00-5e-ef-10-00-00-2a",
    "a.test. 300 IN URI 10 1 \"ftp://ftp1.example.com/public\"",
    "a.test. 300 IN CAA 0 issue \"letsencrypt.org; validationmethods=dns-01\"",
    "a.test. 300 IN CAA 128 tbs \"Unknown \\\"quoted\\\"\"",
    "a.test. 300 IN TYPE65280 \\# 3 010203",
    "a.test. 300 IN TYPE260 \\# 6 0a0101020304",
};

TEST(PresentationRoundTrip, EveryTypeReadsBackToTheSameOctets) {
    std::string all;
    for (const char* s : samples) all += std::string(s) + "\n";
    const std::vector<Record> records = scan(all);
    ASSERT_EQ(records.size(), std::size(samples));
    for (std::size_t i = 0; i < records.size(); ++i) {
        const Record& r = records[i];
        const std::string written = write(r);
        const std::vector<Record> again = scan(written);
        ASSERT_EQ(again.size(), 1u) << samples[i] << "\n  wrote: " << written;
        EXPECT_EQ(again[0].owner, r.owner) << samples[i];
        EXPECT_EQ(again[0].type, r.type) << samples[i] << "\n  wrote: " << written;
        EXPECT_EQ(again[0].ttl, r.ttl) << samples[i];
        EXPECT_EQ(again[0].rdata, r.rdata) << samples[i] << "\n  wrote: " << written;
    }
}

// The ALPN id "h1,h2" is one id: written so that it reads back as one, which ldns's
// printer ("h1\,h2") did not; in the generic form, as ldns reads no text form of it alike.
TEST(PresentationRoundTrip, AnAlpnIdWithACommaStaysOneId) {
    const std::vector<Record> r = scan("a.test. 300 IN SVCB 1 . alpn=h1\\\\,h2\n");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(dns::Bytes(r[0].rdata.begin() + 2, r[0].rdata.end()),
              (dns::Bytes{0, 0, 1, 0, 6, 5, 'h', '1', ',', 'h', '2'}));
    const std::string written = write(r[0]);
    EXPECT_EQ(written.find("alpn=h1\\,h2"), std::string::npos) << written;
    EXPECT_NE(written.find("SVCB\t\\# 13 000100000100060568312c6832"), std::string::npos)
        << written;
    EXPECT_EQ(scan(written).at(0).rdata, r[0].rdata) << written;
}

// Every type's name in the type column (and so in NSEC bit maps and RRSIGs) reads back
// as that type.
TEST(PresentationRoundTrip, EveryTypeNumberReadsBackAsItself) {
    std::string all;
    std::vector<std::uint16_t> types;
    const dns::Bytes rdata{0};
    const auto owner = dns::Name::from_text("a.test.").value();
    for (std::uint32_t t = 1; t <= 65535; ++t) {
        const auto type = static_cast<std::uint16_t>(t);
        if (dns::rdata_problem(type, rdata)) continue;  // never written with this RDATA
        dns::append_rr_text(all, owner, 0, type, rdata);
        all += '\n';
        types.push_back(type);
    }
    const std::vector<Record> records = scan(all);
    ASSERT_EQ(records.size(), types.size());
    for (std::size_t i = 0; i < types.size(); ++i) {
        EXPECT_EQ(records[i].type, types[i]);
        EXPECT_EQ(records[i].rdata, rdata) << "type " << types[i];
    }
}

}  // namespace
}  // namespace zw::zones
