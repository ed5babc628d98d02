#include "dns/rr.h"

#include <gtest/gtest.h>

#include "dns/rdata.h"

namespace zw::dns {
namespace {

TEST(Rdata, EmbeddedNamesAreLowercasedForRfc4034Types) {
    auto mx = rr_from_text("Example.COM. 300 IN MX 10 Mail.Example.COM.").value();
    EXPECT_EQ(rr_to_text(mx).value(), "example.com.\t300\tIN\tMX\t10 mail.example.com.");
    // TXT holds no names: case is data and must survive.
    auto txt = rr_from_text("example.com. 300 IN TXT \"Hello World\"").value();
    EXPECT_NE(rr_to_text(txt).value().find("Hello World"), std::string::npos);
}

TEST(Rdata, SoaSerialIsReadAndRewritten) {
    auto soa =
        rr_from_text(
            "example.com. 300 IN SOA ns1.example.com. h.example.com. 41 7200 3600 1209600 300")
            .value();
    auto t = soa_timers(soa.rdata).value();
    EXPECT_EQ(t.serial, 41u);
    EXPECT_EQ(t.minimum, 300u);
    ASSERT_TRUE(set_soa_serial(soa.rdata, 42));
    EXPECT_EQ(soa_timers(soa.rdata)->serial, 42u);
}

TEST(Rdata, MalformedNameInRdataIsDetected) {
    Bytes bad{0, 10, 5, 'a', 'b'};  // MX preference, then a label running past the end
    EXPECT_FALSE(lowercase_rdata_names(rrtype::MX, bad));
    EXPECT_TRUE(lowercase_rdata_names(rrtype::A, bad));  // not a name-bearing type
}

TEST(Rdata, NsTargetIsExtracted) {
    auto ns = rr_from_text("example.com. 300 IN NS NS1.Example.com.").value();
    EXPECT_EQ(rdata_target_name(rrtype::NS, ns.rdata).value().to_text(), "ns1.example.com.");
}

}  // namespace
}  // namespace zw::dns
