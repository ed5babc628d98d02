#pragma once
// The check that what is published is what was signed: the text the writer formats is
// read back with libzscanner (the scanner of Knot's loader) and compared, record by
// record, with the records it was formatted from. The self-check (verify_zone.h) verifies
// the zone in memory; this closes the gap between memory and the file, where a printer
// that writes an SVCB ALPN id with a comma as two ids publishes a record nobody signed.
//
// Text copied from a previous output was checked when it was first formatted, and its
// digest (text_digest.h) shows it is the same text.

#include <span>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "dns/name.h"
#include "zones/text_scan.h"

namespace zw::signer {

// The records of one piece of text, in the order they were formatted.
class WrittenRecords {
  public:
    void add(const dns::Name& owner, std::uint16_t type, std::uint32_t ttl,
             std::span<const std::uint8_t> rdata) {
        records_.push_back(Expected{&owner, type, ttl, rdata});
    }
    void clear() { records_.clear(); }

    // An internal error naming the first record whose text reads back differently (or
    // not at all), or a count mismatch.
    [[nodiscard]] Result<void> check(std::string_view text, zones::TextScanner& scanner) const;

  private:
    struct Expected {
        const dns::Name* owner;
        std::uint16_t type;
        std::uint32_t ttl;
        std::span<const std::uint8_t> rdata;
    };
    std::vector<Expected> records_;
};

}  // namespace zw::signer
