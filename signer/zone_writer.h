#pragma once
// Writes a signed zone in presentation format, atomically: SOA first, then every node in
// canonical order with each RRset followed by its RRSIGs, then the NSEC3 records. Every
// piece of text formatted is read back and compared with its records before it is
// written (written_check.h): text that reads back as anything else fails the write. Where
// the zone was signed against a previous state (SignedZone::unchanged_from), the text of
// unchanged chunks of nodes is copied from the previous output at the same path when its
// bytes still have the digest of the state's text index, and formatted otherwise; the
// bytes written are the same.

#include <string>

#include "signer/signed_zone.h"
#include "signer/text_index.h"
#include "zones/atomic_file.h"

namespace zw::signer {

struct TextOptions {
    unsigned threads = 1;           // formatting threads; the bytes written do not depend on it
    std::size_t chunk_nodes = 512;  // nodes per chunk of text (the unit of copying)
    // A new file's mode, less the umask (an existing one keeps its own; atomic_file.h).
    mode_t mode = 0644;
};

// What was written: the index the next run copies by (text_index.h), and how much of the
// text was copied instead of formatted.
struct WrittenText {
    TextIndex index;
    std::uint64_t bytes = 0;
    std::uint64_t copied_bytes = 0;
};

[[nodiscard]] Result<void> write_signed_zone(const SignedZone& zone, const std::string& path);
// The same, formatting on up to `threads` threads; the bytes written do not depend on it.
[[nodiscard]] Result<void> write_signed_zone(const SignedZone& zone, const std::string& path,
                                             unsigned threads);
[[nodiscard]] Result<void> write_signed_zone(const SignedZone& zone, const std::string& path,
                                             const TextOptions& options);

// Writes the text under a temporary name and leaves it there until commit(): the self-
// check may still be running (app/sign_job.cc), and only a checked zone is moved in place.
// With `written`, every chunk is hashed, for a state written beside it.
[[nodiscard]] Result<zones::StagedFile> stage_signed_zone(const SignedZone& zone,
                                                          const std::string& path,
                                                          const TextOptions& options,
                                                          WrittenText* written = nullptr);

// The same text into a string (tests, small zones).
[[nodiscard]] Result<std::string> signed_zone_text(const SignedZone& zone);

}  // namespace zw::signer
