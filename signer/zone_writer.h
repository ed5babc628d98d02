#pragma once
// Writes a signed zone in presentation format, atomically: SOA first, then every node in
// canonical order with each RRset followed by its RRSIGs, then the NSEC3 records.

#include <string>

#include "signer/signed_zone.h"
#include "zones/atomic_file.h"

namespace zw::signer {

[[nodiscard]] Result<void> write_signed_zone(const SignedZone& zone, const std::string& path);
// The same, formatting on up to `threads` threads; the bytes written do not depend on it.
[[nodiscard]] Result<void> write_signed_zone(const SignedZone& zone, const std::string& path, unsigned threads);

// Writes the text under a temporary name and leaves it there until commit(): the self-
// check may still be running (app/sign_job.cc), and only a checked zone is moved in place.
[[nodiscard]] Result<zones::StagedFile> stage_signed_zone(const SignedZone& zone, const std::string& path,
                                                          unsigned threads);

// The same text into a string (tests, small zones).
[[nodiscard]] Result<std::string> signed_zone_text(const SignedZone& zone);

}  // namespace zw::signer
