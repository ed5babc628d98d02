#pragma once
// Reads RFC 1035 master files ($ORIGIN, $TTL, $INCLUDE relative to the including file,
// relative names, multi-line records) with Knot's libzscanner, which parses an order of
// magnitude faster than ldns's reader.
//
// $INCLUDE is resolved against the including file's directory and must stay, symbolic
// links followed, below the directory of the top-level zone file: a tenant's zone file
// cannot pull in another tenant's zone or a key. Zone text that is not a file cannot
// include at all.
//
// DNSSEC records in the unsigned input (DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, CDS,
// CDNSKEY) are stripped with one warning per type naming the first place and the count:
// they are ours to make, and a zone that was signed elsewhere can then be re-signed as is.

#include <optional>
#include <string>

#include "zones/zone.h"

namespace zw::zones {

// A zone file that is larger holds no zone a hosting provider runs, and would take tens
// of gigabytes of memory to sign.
inline constexpr std::uint64_t max_zone_file_bytes = std::uint64_t{2} << 30;

struct ReadOptions {
    std::uint32_t default_ttl = 3600;  // used until the file sets $TTL
    std::size_t max_errors = 20;       // stop reporting after this many
    // The zone file and each $INCLUDE: regular files of at most this size only (a FIFO
    // would block the read, a device never end it).
    std::uint64_t max_file_bytes = max_zone_file_bytes;
};

struct ReadResult {
    std::vector<std::string> files;
    std::vector<SourcedRr> records;
};

// Reads the file; syntax errors, records outside the origin, classes other than IN and
// malformed RDATA are added to diag.errors (file:line each) and reading goes on so the
// operator sees them all.
[[nodiscard]] ReadResult read_zone_file(const std::string& path, const dns::Name& origin,
                                        const ReadOptions& options, Diagnostics& diag);

// The same for zone data held in memory (tests, the bundled demo zone).
[[nodiscard]] ReadResult read_zone_text(const std::string& text, const std::string& label,
                                        const dns::Name& origin, const ReadOptions& options,
                                        Diagnostics& diag);

}  // namespace zw::zones

namespace zw::zones {

// The SOA serial of an existing zone file, reading only until the apex SOA (signed output
// puts it first). nullopt when the file does not exist or holds no SOA for origin.
[[nodiscard]] std::optional<std::uint32_t> read_published_serial(const std::string& path,
                                                                 const dns::Name& origin);

}  // namespace zw::zones
