#pragma once
// Turns records as read into a Zone: canonical order, RRsets, node roles, and the checks a
// hosting operator needs before anything is signed.

#include "zones/reader.h"
#include "zones/zone.h"

namespace zw::zones {

// Errors (each with file:line) go to diag.errors: exactly one SOA and it at the apex, apex
// NS present, CNAME beside other data, DS at the apex or away from a delegation, NS
// targets inside the zone without an address (missing glue). Warnings: data occluded by a
// delegation or DNAME that is not glue (kept in the output, never signed), RRsets whose
// TTLs differ (the lowest is used, RFC 2181 §5.2), duplicate records.
[[nodiscard]] Zone build_zone(const dns::Name& origin, ReadResult read, Diagnostics& diag);

}  // namespace zw::zones
