#pragma once
// Turns records as read into a Zone: canonical order, RRsets, node roles, and the checks a
// hosting operator needs before anything is signed.

#include "zones/reader.h"
#include "zones/zone.h"

namespace zw::zones {

// Errors (each with file:line) go to diag.errors: exactly one SOA and it at the apex, apex
// NS present, CNAME beside other data, more than one CNAME or DNAME at a name, NS at a
// wildcard or beside a DNAME, data below a DNAME, DS at the apex or away from a
// delegation, an RRset too large for a DNS message, NS targets without an address
// (zones/glue.cc). Warnings: data occluded by a delegation that is not glue (kept in the
// output, never signed), NS targets inside another delegation, glue from a wildcard,
// deprecated DS digests and algorithms, RRsets whose TTLs differ (the lowest is used,
// RFC 2181 §5.2), duplicate records.
[[nodiscard]] Zone build_zone(const dns::Name& origin, ReadResult read, Diagnostics& diag);

}  // namespace zw::zones
