#pragma once
// One zone's timeline as inline SVG: a row for each record of each key, each stretch a
// bar coloured by its state (classes s-hidden, s-rumoured, s-omnipresent, s-unretentive;
// "pending" hatched, "projected" faded), a time axis, "now" marked, and a marker on each
// record the zone waits for (its title names why, and the servers that block it). The
// page's stylesheet gives the colours; every bar carries data-key, data-record and
// data-state, so a test can read the drawing back.

#include <string>

#include "app/zone_timeline.h"

namespace zw::app {

// "KSK 12345", "next ZSK (projected)", "KSK 23456 (removed)"
[[nodiscard]] std::string timeline_key_label(const TimelineKey& key);
// "DNSKEY", "RRSIG(DNSKEY)", "RRSIG(zone)", "DS"
[[nodiscard]] std::string_view timeline_record_label(rollover::Record record);

[[nodiscard]] std::string timeline_svg(const ZoneTimeline& timeline, const ZoneStatus& status);

}  // namespace zw::app
