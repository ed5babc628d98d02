#pragma once
// The live checks of a zone pass: one survey of the zone's and its parent's servers,
// judged against each Probe the engine asked for. Every observation is stored (the engine
// reads them back), and so is the check as a whole, with its count of failures in a row,
// for status.

#include <vector>

#include "app/zone_pass_context.h"
#include "rollover/engine.h"

namespace zw::app {

[[nodiscard]] Result<std::vector<rollover::Observation>> run_live_checks(
    PassContext& pass, const std::vector<rollover::Probe>& probes);

}  // namespace zw::app
