#pragma once
// When a zone pass comes back: the engine's wake time, the publication's signature
// refresh, and for a change waiting on the servers the moment they may have it. A zone
// waiting on a live check ends its pass with exit code 1.

#include "app/zone_pass_context.h"
#include "rollover/engine.h"

namespace zw::app {

[[nodiscard]] Result<void> schedule_next_pass(PassContext& pass, const rollover::Decision& d,
                                              Instant now);

}  // namespace zw::app
