#pragma once
// Writes a signed zone in presentation format, atomically: SOA first, then every node in
// canonical order with each RRset followed by its RRSIGs, then the NSEC3 records.

#include <string>

#include "signer/signed_zone.h"

namespace zw::signer {

[[nodiscard]] Result<void> write_signed_zone(const SignedZone& zone, const std::string& path);
// The same, formatting on up to `threads` threads; the bytes written do not depend on it.
[[nodiscard]] Result<void> write_signed_zone(const SignedZone& zone, const std::string& path, unsigned threads);

// The same text into a string (tests, small zones).
[[nodiscard]] Result<std::string> signed_zone_text(const SignedZone& zone);

}  // namespace zw::signer
