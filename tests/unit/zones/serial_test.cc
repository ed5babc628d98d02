#include "zones/serial.h"

#include <gtest/gtest.h>

namespace zw::zones {
namespace {

Instant at(int y, unsigned m, unsigned d, int hour = 12) {
    return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{hour};
}

TEST(Rfc1982, ComparisonWrapsAround) {
    EXPECT_EQ(serial_compare(1, 2), SerialOrder::less);
    EXPECT_EQ(serial_compare(0xffffffffu, 0), SerialOrder::less);  // 0 follows 2^32-1
    EXPECT_EQ(serial_compare(0, 0xffffffffu), SerialOrder::greater);
    EXPECT_EQ(serial_compare(0, 0x80000000u), SerialOrder::undefined);
    EXPECT_EQ(serial_compare(5, 5), SerialOrder::equal);
    EXPECT_EQ(serial_add(0xffffffffu, 2), 1u);
}

TEST(SerialPolicy, KeepAndIncrement) {
    EXPECT_EQ(next_serial(SerialPolicy::keep, 7, 9, at(2026, 11, 28)), 7u);
    EXPECT_EQ(next_serial(SerialPolicy::increment, 7, std::nullopt, at(2026, 11, 28)), 8u);
    // Already published 9 (an earlier signing run): go past it, not past the input.
    EXPECT_EQ(next_serial(SerialPolicy::increment, 7, 9, at(2026, 11, 28)), 10u);
    EXPECT_EQ(next_serial(SerialPolicy::increment, 0xffffffffu, std::nullopt, at(2026, 11, 28)),
              0u);
}

TEST(SerialPolicy, UnixtimeMovesForwardEvenWhenTheClockDoesNot) {
    Instant now = at(2026, 11, 28);
    auto t = static_cast<std::uint32_t>(now.time_since_epoch().count());
    EXPECT_EQ(next_serial(SerialPolicy::unixtime, 5, std::nullopt, now), t);
    EXPECT_EQ(next_serial(SerialPolicy::unixtime, 5, t, now), t + 1);
}

TEST(SerialPolicy, DateIsYyyymmddnn) {
    EXPECT_EQ(next_serial(SerialPolicy::date, 2026010100, std::nullopt, at(2026, 11, 28)),
              2026112800u);
    EXPECT_EQ(next_serial(SerialPolicy::date, 2026112800, std::nullopt, at(2026, 11, 28)),
              2026112801u);
    EXPECT_EQ(next_serial(SerialPolicy::date, 1, 2026112805, at(2026, 11, 28)), 2026112806u);
    // A serial already beyond today's range is never moved backwards.
    EXPECT_EQ(next_serial(SerialPolicy::date, 2099010100, std::nullopt, at(2026, 11, 28)),
              2099010101u);
}

TEST(SerialPolicy, NamesAreParsed) {
    EXPECT_EQ(serial_policy_from_text("date").value(), SerialPolicy::date);
    EXPECT_FALSE(serial_policy_from_text("datetime").has_value());
}

}  // namespace
}  // namespace zw::zones
