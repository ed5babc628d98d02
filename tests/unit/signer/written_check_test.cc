// What is published is what was signed: the writer reads its text back and compares it
// with the records (signer/written_check.h).
#include <gtest/gtest.h>

#include "signer/written_check.h"
#include "signer/zone_writer.h"
#include "signer_fixture.h"

namespace zw::signer {
namespace {

// SVCB 1 . alpn="h1,h2": one ALPN id with a comma in it.
const dns::Bytes one_alpn_id{0, 1, 0, 0, 1, 0, 6, 5, 'h', '1', ',', 'h', '2'};

Result<void> check(const std::string& text, const WrittenRecords& expected) {
    zones::TextScanner scanner;
    return expected.check(text, scanner);
}

TEST(WrittenCheck, LdnssPrintingOfACommaInAnAlpnIdIsCaught) {
    const auto owner = dns::Name::from_text("a.test.").value();
    WrittenRecords expected;
    expected.add(owner, 64, 300, one_alpn_id);
    // How ldns prints it: read back, that is two ids, "h1" and "h2".
    auto ldns = check("a.test.\t300\tIN\tSVCB\t1 . alpn=h1\\,h2\n", expected);
    ASSERT_FALSE(ldns.has_value());
    EXPECT_NE(
        ldns.error().message.find("the text written for a.test. SVCB reads back as different data"),
        std::string::npos)
        << ldns.error().message;
    EXPECT_TRUE(check("a.test.\t300\tIN\tSVCB\t1 . alpn=h1\\\\,h2\n", expected).has_value());
}

TEST(WrittenCheck, MissingExtraAndUnreadableRecordsAreCaught) {
    const auto owner = dns::Name::from_text("a.test.").value();
    const dns::Bytes a{192, 0, 2, 1};
    WrittenRecords one;
    one.add(owner, dns::rrtype::A, 300, a);
    EXPECT_NE(check("", one).error().message.find("lacks a.test. A"), std::string::npos);
    EXPECT_NE(check("a.test. 300 IN A 192.0.2.1\na.test. 300 IN A 192.0.2.2\n", one)
                  .error()
                  .message.find("more records"),
              std::string::npos);
    EXPECT_NE(check("a.test. 300 IN A 192.0.2.x\n", one).error().message.find("does not read back"),
              std::string::npos);
    EXPECT_NE(check("a.test. 301 IN A 192.0.2.1\n", one).error().message.find("different data"),
              std::string::npos);
    EXPECT_TRUE(check("a.test. 300 IN A 192.0.2.1\n", one).has_value());
}

// The writer runs the check on everything it formats: a record whose text reads back as
// something else (a LOC size of mantissa 10, which the reader would have refused and
// which the text rounds to another value) fails the write instead of being published.
TEST(WrittenCheck, TheWriterRefusesTextThatDoesNotReadBackAsSigned) {
    auto keys = std::vector<KeyPair>{};
    keys.push_back(make_key(dns::alg::ed25519, KeyRole::csk));
    SignedZone sz = sign_zone(load_zone(), keys, params_at(t_now)).value();
    ASSERT_TRUE(signed_zone_text(sz).has_value());
    zones::Node* www = nullptr;
    for (auto& n : sz.zone.nodes)
        if (n.name.to_text() == "mail.example.test.") www = &n;
    ASSERT_NE(www, nullptr);
    zones::RRset loc{29, 300, {}, {}, {}};
    loc.rdatas.push_back(dns::Bytes{0, 0xaa, 0x16, 0x13, 0x89, 0x17, 0x2d, 0xd0, 0x70, 0xbe, 0x15,
                                    0xf0, 0x00, 0x98, 0x8d, 0x20});
    www->rrsets.push_back(std::move(loc));
    auto text = signed_zone_text(sz);
    ASSERT_FALSE(text.has_value());
    EXPECT_NE(text.error().message.find("mail.example.test. LOC"), std::string::npos)
        << text.error().message;
}

}  // namespace
}  // namespace zw::signer
