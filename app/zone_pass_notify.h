#pragma once
// The notifications of a zone pass: the notify hook runs once per situation (the store
// remembers which went out), and a situation that ends is forgotten so that its return
// notifies again.

#include <string_view>

#include "app/zone_pass_context.h"
#include "rollover/engine.h"

namespace zw::app {

// Runs the notify hook unless this (event, subject) already went out or no hook is set.
void notify(PassContext& pass, std::string_view event, std::string_view subject,
            std::string_view message, Instant now);

// The situation `event` is over: its next occurrence notifies again.
void forget_notifications(PassContext& pass, std::string_view event);

// The wait of each blocked record that has lasted longer than notify-after.
void notify_long_waits(PassContext& pass, const rollover::Decision& d, Instant now);

// A zone that cannot move without an outside change is a bug or an impossible policy:
// the pass fails (exit 4) and the operator hears of it once per cycle of waits.
void report_stuck(PassContext& pass, const rollover::Decision& d, Instant now);

}  // namespace zw::app
