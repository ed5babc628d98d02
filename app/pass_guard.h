#pragma once
// The last line of defence around one zone's pass. The parts return typed errors, so an
// exception can only be a bug or memory exhaustion; whatever escapes a pass fails that
// zone's pass with exit 4 (internal error) and a message naming the zone, and the caller
// goes on: `tick` with the next zone, `run` with the next zone and its next wake. Around
// each wake of `run` a second guard catches what escapes outside the zones' passes.

#include <functional>
#include <string_view>

#include "app/zone_pass.h"
#include "base/duration.h"

namespace zw::app {

[[nodiscard]] PassResult guarded_zone_pass(PassEnv& env, const store::ZoneInfo& zone);

// The guard itself, around any pass.
[[nodiscard]] PassResult guard_pass(std::string_view zone, LogSink& log,
                                    const std::function<PassResult()>& pass);

// The guard around one wake of the daemon, for what lies outside the zones' own passes
// (opening the state, listing the zones): `wake` returns how long to sleep; if it throws,
// the exception is reported on stderr and the daemon sleeps `retry` before it tries again.
[[nodiscard]] Seconds guard_wake(const std::function<Seconds()>& wake, Seconds retry);

}  // namespace zw::app
