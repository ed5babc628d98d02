#pragma once
// Every zone's status at `now`, or one zone's, from an open state database: what
// `status`, `keys`, `report` and the daemon's HTTP endpoint all show.

#include <string>
#include <vector>

#include "app/status_report.h"

namespace zw::app {

[[nodiscard]] Result<std::vector<ZoneStatus>> collect_statuses(const Config& config,
                                                               store::Store& store,
                                                               const std::string& only,
                                                               Instant now);

}  // namespace zw::app
