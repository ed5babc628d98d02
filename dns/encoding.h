#pragma once
// Text encodings used in zone and key files: base64 (RFC 4648 §4), base32hex without
// padding (NSEC3 owner labels, RFC 5155 §3.3), hex.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dns/rr.h"

namespace zw::dns {

[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> data);
// The same, appended to out (a signed zone's writer encodes millions of signatures).
void append_base64(std::string& out, std::span<const std::uint8_t> data);
// Ignores white space; nullopt for characters outside the alphabet or bad padding.
[[nodiscard]] std::optional<Bytes> base64_decode(std::string_view text);
[[nodiscard]] std::string base32hex_encode(std::span<const std::uint8_t> data);
[[nodiscard]] std::string hex_encode(std::span<const std::uint8_t> data);
[[nodiscard]] std::optional<Bytes> hex_decode(std::string_view text);

}  // namespace zw::dns
