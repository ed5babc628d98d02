#include "base/duration.h"

#include <gtest/gtest.h>

namespace zw {
namespace {

TEST(ParseDuration, AcceptsEachUnitAndCombinations) {
    EXPECT_EQ(parse_duration("30s").value(), Seconds{30});
    EXPECT_EQ(parse_duration("5m").value(), Seconds{300});
    EXPECT_EQ(parse_duration("1h").value(), Seconds{3600});
    EXPECT_EQ(parse_duration("90d").value(), Seconds{90 * 86400});
    EXPECT_EQ(parse_duration("2w").value(), Seconds{14 * 86400});
    EXPECT_EQ(parse_duration("1h30m").value(), Seconds{5400});
    EXPECT_EQ(parse_duration("3600").value(), Seconds{3600});
}

TEST(ParseDuration, RejectsGarbageWithAClearMessage) {
    for (const char* text : {"", "h", "1x", "-5m", "1h30", "1.5h", "99999999999999d"}) {
        auto r = parse_duration(text);
        ASSERT_FALSE(r.has_value()) << text;
        EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
        EXPECT_NE(r.error().message.find("invalid duration"), std::string::npos);
    }
}

TEST(FormatDuration, RoundTrips) {
    for (long s : {0L, 1L, 59L, 60L, 3600L, 5400L, 86400L, 90L * 86400 + 7}) {
        EXPECT_EQ(parse_duration(format_duration(Seconds{s})).value(), Seconds{s});
    }
    EXPECT_EQ(format_duration(Seconds{5400}), "1h30m");
}

TEST(FormatInstant, IsRfc3339Utc) {
    EXPECT_EQ(format_instant(Instant{Seconds{0}}), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_instant(Instant{Seconds{1700000000}}), "2023-11-14T22:13:20Z");
}

}  // namespace
}  // namespace zw
