#pragma once
// Records zonewarden keeps in a tenant's zone on its own (docs/dane.md, "TLSA services"):
// the TLSA records of the zone's configured TLS services, computed from the certificate
// files at each signing and merged into what was read from the tenant's input file, which
// is never written to.

#include <span>
#include <string>
#include <vector>

#include "app/config.h"
#include "zones/reader.h"

namespace zw::app {

// The zone's managed records, in the configuration's order; none when it has no services.
[[nodiscard]] Result<std::vector<dns::Rr>> managed_records(const Config& config,
                                                           std::string_view zone);

// Adds the managed records to `read` with the configuration's file:line as their source.
// A record of the same owner and type in the input is an error naming both places.
[[nodiscard]] Result<void> merge_managed_records(zones::ReadResult& read, const Config& config,
                                                 std::string_view zone,
                                                 std::span<const dns::Rr> managed);

}  // namespace zw::app
