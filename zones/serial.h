#pragma once
// SOA serial policies and RFC 1982 serial number arithmetic.

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/duration.h"
#include "base/error.h"

namespace zw::zones {

enum class SerialPolicy { keep, increment, unixtime, date };

[[nodiscard]] Result<SerialPolicy> serial_policy_from_text(std::string_view text);

enum class SerialOrder { less, equal, greater, undefined };

// RFC 1982 §3.2: comparison in sequence space; undefined when the distance is exactly 2^31.
[[nodiscard]] SerialOrder serial_compare(std::uint32_t a, std::uint32_t b);
// RFC 1982 §3.1: addition of n in [0, 2^31 - 1].
[[nodiscard]] std::uint32_t serial_add(std::uint32_t s, std::uint32_t n);

// The serial to publish. `input` is the serial in the unsigned zone; `published` the one
// the name servers have now, if known. The result is greater than both (RFC 1982) unless
// the policy is keep. unixtime and date fall back to "previous + 1" when the clock-derived
// value would not move forward.
[[nodiscard]] std::uint32_t next_serial(SerialPolicy policy, std::uint32_t input,
                                        std::optional<std::uint32_t> published, Instant now);

}  // namespace zw::zones
