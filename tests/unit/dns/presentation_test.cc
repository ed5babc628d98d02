#include "dns/presentation.h"

#include <gtest/gtest.h>

#include "dns/rdata.h"

namespace zw::dns {
namespace {

std::string text(const Rr& rr) {
    std::string out;
    append_rr_text(out, rr.owner, rr.ttl, rr.type, rr.rdata);
    return out;
}

Rr parse(const std::string& s) {
    auto rr = rr_from_text(s);
    EXPECT_TRUE(rr.has_value()) << s << ": " << (rr ? "" : rr.error().message);
    return rr.value_or(Rr{});
}

// What we write, ldns reads back to the same record.
TEST(Presentation, RoundTripsThroughAnIndependentParser) {
    const char* records[] = {
        "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026112801 7200 3600 "
        "1209600 300",
        "example.test. 300 IN A 192.0.2.1",
        "example.test. 300 IN AAAA 2001:db8::1",
        "example.test. 300 IN MX 10 mail.example.test.",
        "example.test. 300 IN TXT \"v=spf1 -all\" \"second \\\"quoted\\\" string\" \"tab\\009x\"",
        "_sip._tcp.example.test. 300 IN SRV 10 20 5060 sip.example.test.",
        "example.test. 300 IN NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.test!\" .",
        "example.test. 300 IN CAA 0 issue \"ca.example\"",
        "example.test. 300 IN DS 12345 13 2 "
        "0D1F0A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7",
        "example.test. 300 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
        "example.test. 300 IN RRSIG A 13 2 300 20261212143056 20261128202604 65082 example.test. "
        "OZoWTI9o65WR7AZ7Xe1TpUjj9J3EQ07p3O/P/P11vsYLujuj9IK9jDR/BajQbzL3nNJxlSNRBGZroIsf6aomAw==",
        "example.test. 300 IN NSEC www.example.test. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY "
        "TYPE65280",
        "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.test. 300 IN NSEC3 1 1 12 AABBCCDD "
        "2T7B4G4VSA5SMI47K61MV5BV1A22BOJR MX DNSKEY NS SOA NSEC3PARAM RRSIG",
        "example.test. 300 IN NSEC3 1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR",
        "example.test. 0 IN NSEC3PARAM 1 0 0 -",
        "example.test. 300 IN CDS 0 0 0 00",
        "example.test. 300 IN CDNSKEY 0 3 0 AA==",
        "example.test. 300 IN TYPE65280 \\# 3 010203",
    };
    for (const char* r : records) {
        Rr rr = parse(r);
        std::string written = text(rr);
        Rr again = parse(written);
        EXPECT_EQ(again, rr) << r << "\n  wrote: " << written;
    }
}

// RRSIG times are written as YYYYMMDDHHmmSS UTC (RFC 4034 §3.2) from the epoch to the end
// of the 32-bit range, leap days included; ldns reads each back to the same number.
TEST(Presentation, SignatureTimesAcrossTheWholeRange) {
    const std::pair<std::uint32_t, const char*> cases[] = {
        {0, "19700101000000"},           {951868799, "20000229235959"},
        {1709251199, "20240229235959"},  {1709251200, "20240301000000"},
        {1764000000, "20251124160000"},  {4102444800, "21000101000000"},
        {0xffffffffu, "21060207062815"},
    };
    for (const auto& [t, want] : cases) {
        std::string rr = "example.test. 300 IN RRSIG A 13 2 300 " + std::string(want) + " " +
                         std::string(want) + " 1 example.test. AAAA";
        Rr parsed = parse(rr);
        std::string written = text(parsed);
        EXPECT_NE(written.find(std::string(" ") + want + " " + want + " "), std::string::npos)
            << t << ": " << written;
        // Expiration and inception are RDATA octets 8-15, in network order.
        ASSERT_GE(parsed.rdata.size(), 16u);
        std::uint32_t stored = static_cast<std::uint32_t>(parsed.rdata[8]) << 24 |
                               parsed.rdata[9] << 16 | parsed.rdata[10] << 8 | parsed.rdata[11];
        EXPECT_EQ(stored, t) << want;
    }
}

TEST(Presentation, SpecialCharactersInNamesAreEscaped) {
    Name origin = Name::from_text("example.test.").value();
    for (const char* label :
         {"\\\"quote", "\\$dollar", "\\@at", "semi\\;colon", "sp\\032ace", "dot\\.ted"}) {
        Name owner = Name::from_text(label, &origin).value();
        std::string written = text(Rr{owner, rrtype::A, 300, {192, 0, 2, 1}});
        EXPECT_EQ(written.rfind(label, 0), 0u) << written;
        Rr again = parse(written);
        EXPECT_EQ(again.owner, owner) << written;
    }
    // Names inside RDATA get the same escaping.
    Name target = Name::from_text("\\@mail", &origin).value();
    Bytes mx{0, 10};
    mx.insert(mx.end(), target.bytes().begin(), target.bytes().end());
    EXPECT_EQ(text(Rr{origin, rrtype::MX, 300, mx}),
              "example.test.\t300\tIN\tMX\t10 \\@mail.example.test.");
}

TEST(Presentation, MalformedRdataIsWrittenInTheGenericForm) {
    Name origin = Name::from_text("example.test.").value();
    EXPECT_EQ(text(Rr{origin, rrtype::A, 300, {1, 2, 3}}),
              "example.test.\t300\tIN\tA\t\\# 3 010203");
    EXPECT_EQ(text(Rr{origin, rrtype::MX, 300, {0, 10, 5, 'a'}}),
              "example.test.\t300\tIN\tMX\t\\# 4 000a0561");
}

}  // namespace
}  // namespace zw::dns
