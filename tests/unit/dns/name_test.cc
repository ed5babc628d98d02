#include "dns/name.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace zw::dns {
namespace {

Name n(const char* text) { return Name::from_text(text).value(); }

TEST(Name, TextRoundTripLowercasesAndEscapes) {
    EXPECT_EQ(n("WWW.Example.COM.").to_text(), "www.example.com.");
    EXPECT_EQ(n("a\\.b.example.").to_text(), "a\\.b.example.");
    EXPECT_EQ(n("a\\000b.example.").to_text(), "a\\000b.example.");
    EXPECT_EQ(n(".").to_text(), ".");
    EXPECT_EQ(n("example.com.").label_count(), 2);
}

TEST(Name, RelativeNamesTakeTheOrigin) {
    Name origin = n("example.com.");
    EXPECT_EQ(Name::from_text("www", &origin).value().to_text(), "www.example.com.");
    EXPECT_EQ(Name::from_text("@", &origin).value(), origin);
    EXPECT_EQ(Name::from_text("www.other.", &origin).value().to_text(), "www.other.");
}

TEST(Name, SubdomainOnLabelBoundariesOnly) {
    EXPECT_TRUE(n("a.example.com.").is_subdomain_of(n("example.com.")));
    EXPECT_TRUE(n("example.com.").is_subdomain_of(n("example.com.")));
    EXPECT_FALSE(n("badexample.com.").is_subdomain_of(n("example.com.")));
    EXPECT_FALSE(n("example.com.").is_subdomain_of(n("a.example.com.")));
    EXPECT_EQ(n("a.b.example.").parent(), n("b.example."));
    EXPECT_TRUE(n("*.example.").is_wildcard());
}

// RFC 4034 §6.1 gives this exact order as its example.
TEST(Name, CanonicalOrderIsRfc4034Section6_1) {
    std::vector<Name> expected{
        n("example."),         n("a.example."),      n("yljkjljk.a.example."),
        n("Z.a.example."),     n("zABC.a.EXAMPLE."), n("z.example."),
        n("\\001.z.example."), n("*.z.example."),    n("\\200.z.example.")};
    std::vector<Name> shuffled{expected.rbegin(), expected.rend()};
    std::swap(shuffled[1], shuffled[4]);
    std::sort(shuffled.begin(), shuffled.end(), CanonicalLess{});
    EXPECT_EQ(shuffled, expected);
}

// The one mapping of a name into file names (zone files, key files, key directories) is
// BIND's: nothing a name holds can make a path ('/' in a label, a label "..", a leading
// '/'), and plain names read as they always did.
TEST(Name, FileNameTextIsBindsAndNeverAPath) {
    EXPECT_EQ(file_name_text(n("Example.COM.")), "example.com.");
    EXPECT_EQ(file_name_text(n("_dmarc.a-b.example.")), "_dmarc.a-b.example.");
    EXPECT_EQ(file_name_text(Name()), ".");
    EXPECT_EQ(file_name_text(n("0/26.2.0.192.in-addr.arpa.")), "0%2F26.2.0.192.in-addr.arpa.");
    EXPECT_EQ(file_name_text(n("/tmp/x/y.test.")), "%2Ftmp%2Fx%2Fy.test.");
    EXPECT_EQ(file_name_text(n(R"(\\.\..test.)")), "%5C.%2E.test.");
    EXPECT_EQ(file_name_text(n(R"(a\000\255*.test.)")), "a%00%FF%2A.test.");
    for (const char* special : {"|", "&", "<", ">", "?", "!", "#", "~", "[", "]",       "{",    "}",
                                "'", "%", "^", "=", "+", ",", ":", "`", "$", R"(\032)", R"(\\)"}) {
        auto name = Name::from_text(std::string("a") + special + "b.test.");
        ASSERT_TRUE(name) << special;
        std::string text = file_name_text(*name);
        EXPECT_EQ(text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_.%ABCDEF"),
                  std::string::npos)
            << text;
        EXPECT_EQ(text.find('/'), std::string::npos);
    }
}

}  // namespace
}  // namespace zw::dns
