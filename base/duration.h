#pragma once
// Durations as operators write them in policies and on the command line: "90d", "1h",
// "5m", "30s", or a bare number of seconds. Combinations like "1h30m" are accepted too.

#include <chrono>
#include <string>
#include <string_view>

#include "base/error.h"

namespace zw {

using Seconds = std::chrono::seconds;
using Instant = std::chrono::sys_seconds;

[[nodiscard]] Result<Seconds> parse_duration(std::string_view text);

// The shortest exact form: 90d, 1h30m, 0s.
[[nodiscard]] std::string format_duration(Seconds d);

// RFC 3339 in UTC, second precision: 2026-11-28T21:15:53Z.
[[nodiscard]] std::string format_instant(Instant t);

}  // namespace zw
