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
    std::vector<Name> expected{n("example."),       n("a.example."),      n("yljkjljk.a.example."),
                               n("Z.a.example."),   n("zABC.a.EXAMPLE."), n("z.example."),
                               n("\\001.z.example."), n("*.z.example."),  n("\\200.z.example.")};
    std::vector<Name> shuffled{expected.rbegin(), expected.rend()};
    std::swap(shuffled[1], shuffled[4]);
    std::sort(shuffled.begin(), shuffled.end(), CanonicalLess{});
    EXPECT_EQ(shuffled, expected);
}

}  // namespace
}  // namespace zw::dns
