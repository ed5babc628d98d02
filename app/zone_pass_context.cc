#include "app/zone_pass_context.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/zone_pass_notify.h"

namespace zw::app {

void PassContext::note(std::string line) {
    env.log.event(LogLevel::info, "zone-pass", {{"zone", info.name}, {"what", line}});
    result.lines.push_back(std::move(line));
}

void PassContext::failed(const Error& e) {
    note(fmt::format("error: {}", e.describe()));
    result.exit_code = std::max(result.exit_code, exit_code_for(e.kind));
    if ((e.kind == ErrorKind::bad_input || e.kind == ErrorKind::config) && !notifying)
        notify(*this, "failed", e.describe(), fmt::format("{}: {}", info.name, e.describe()),
               env.clock.now());
}

void PassContext::wake_no_later(Instant t) {
    result.wake_at = result.wake_at ? std::min(*result.wake_at, t) : t;
}

}  // namespace zw::app
