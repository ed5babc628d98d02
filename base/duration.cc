#include "base/duration.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>

namespace zw {

namespace {

// Seconds per unit suffix; 0 for an unknown suffix.
std::int64_t unit_seconds(char c) {
    switch (c) {
        case 's':
            return 1;
        case 'm':
            return 60;
        case 'h':
            return 3600;
        case 'd':
            return 86400;
        case 'w':
            return 7 * 86400;
        default:
            return 0;
    }
}

}  // namespace

Result<Seconds> parse_duration(std::string_view text) {
    auto invalid = [&](std::string_view why) {
        return fail(
            bad_input(fmt::format("invalid duration '{}': {} (use a number with s, m, h, "
                                  "d or w, e.g. 90d or 1h30m)",
                                  text, why)));
    };
    if (text.empty()) return invalid("empty");
    constexpr std::int64_t limit = std::numeric_limits<std::int32_t>::max() * 16LL;
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] < '0' || text[i] > '9') return invalid("expected a digit");
        std::int64_t value = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            value = value * 10 + (text[i] - '0');
            if (value > limit) return invalid("too large");
            ++i;
        }
        std::int64_t unit = 1;
        if (i < text.size()) {
            unit = unit_seconds(text[i]);
            if (unit == 0) return invalid(fmt::format("unknown unit '{}'", text[i]));
            ++i;
        } else if (total != 0) {
            return invalid("a unit is required after the first part");
        }
        total += value * unit;
        if (total > limit) return invalid("too large");
    }
    return Seconds{total};
}

std::string format_duration(Seconds d) {
    std::int64_t s = d.count();
    if (s == 0) return "0s";
    std::string out(s < 0 ? 1 : 0, '-');
    if (s < 0) s = -s;
    for (auto [unit, suffix] : {std::pair{86400LL, 'd'}, {3600LL, 'h'}, {60LL, 'm'}, {1LL, 's'}}) {
        if (s >= unit) {
            out += fmt::format("{}{}", s / unit, suffix);
            s %= unit;
        }
    }
    return out;
}

std::string format_instant(Instant t) {
    auto days = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day ymd{days};
    std::chrono::hh_mm_ss hms{t - days};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

}  // namespace zw
