#include "zones/serial.h"

#include <fmt/format.h>

namespace zw::zones {

Result<SerialPolicy> serial_policy_from_text(std::string_view text) {
    if (text == "keep") return SerialPolicy::keep;
    if (text == "increment") return SerialPolicy::increment;
    if (text == "unixtime") return SerialPolicy::unixtime;
    if (text == "date") return SerialPolicy::date;
    return fail(bad_input(
        fmt::format("unknown serial policy '{}': use keep, increment, unixtime or date", text)));
}

SerialOrder serial_compare(std::uint32_t a, std::uint32_t b) {
    if (a == b) return SerialOrder::equal;
    std::uint32_t diff = b - a;  // modulo 2^32
    if (diff == 0x80000000u) return SerialOrder::undefined;
    return diff < 0x80000000u ? SerialOrder::less : SerialOrder::greater;
}

std::uint32_t serial_add(std::uint32_t s, std::uint32_t n) { return s + (n & 0x7fffffffu); }

std::uint32_t next_serial(SerialPolicy policy, std::uint32_t input,
                          std::optional<std::uint32_t> published, Instant now) {
    std::uint32_t base = input;
    if (published && serial_compare(*published, input) == SerialOrder::greater) base = *published;
    // The candidate must be strictly newer than everything served or provided so far.
    auto newer_or_next = [&](std::uint32_t candidate) {
        bool beats_base = serial_compare(candidate, base) == SerialOrder::greater;
        bool beats_published =
            !published || serial_compare(candidate, *published) == SerialOrder::greater;
        return beats_base && beats_published ? candidate : serial_add(base, 1);
    };
    switch (policy) {
        case SerialPolicy::keep:
            return input;
        case SerialPolicy::increment:
            return serial_add(base, 1);
        case SerialPolicy::unixtime:
            return newer_or_next(static_cast<std::uint32_t>(now.time_since_epoch().count()));
        case SerialPolicy::date: {
            std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(now)};
            auto yyyymmdd = static_cast<std::uint32_t>(static_cast<int>(ymd.year()) * 10000 +
                                                       static_cast<unsigned>(ymd.month()) * 100 +
                                                       static_cast<unsigned>(ymd.day()));
            return newer_or_next(yyyymmdd * 100);
        }
    }
    return input;
}

}  // namespace zw::zones
