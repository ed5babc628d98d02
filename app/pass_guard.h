#pragma once
// The last line of defence around one zone's pass. The parts return typed errors, so an
// exception can only be a bug or memory exhaustion; whatever escapes a pass fails that
// zone's pass with exit 4 (internal error) and a message naming the zone, and the caller
// goes on: `tick` with the next zone, `run` with the next zone and its next wake.

#include <functional>
#include <string_view>

#include "app/zone_pass.h"

namespace zw::app {

[[nodiscard]] PassResult guarded_zone_pass(PassEnv& env, const store::ZoneInfo& zone);

// The guard itself, around any pass.
[[nodiscard]] PassResult guard_pass(std::string_view zone, LogSink& log, const std::function<PassResult()>& pass);

}  // namespace zw::app
