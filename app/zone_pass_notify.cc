#include "app/zone_pass_notify.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "app/hooks.h"
#include "app/status_report.h"

namespace zw::app {

void notify(PassContext& pass, std::string_view event, std::string_view subject,
            std::string_view message, Instant now) {
    if (pass.env.config.notify.empty() || pass.notifying) return;
    pass.notifying = true;
    struct Reset {
        bool& flag;
        ~Reset() { flag = false; }
    } reset{pass.notifying};
    auto first = pass.env.store.first_notification(pass.info.name, event, subject, now);
    if (!first) return pass.failed(first.error());
    if (!*first) return;
    std::string line(message.substr(0, message.find('\n')));
    HookRun run{
        pass.env.config.notify,
        {{"ZW_ZONE", pass.info.name}, {"ZW_EVENT", std::string(event)}, {"ZW_MESSAGE", line}},
        std::string(message) + "\n",
        Seconds{60}};
    if (auto ok = run_hook(run); !ok)
        pass.failed(ok.error());
    else
        pass.note(fmt::format("notified ({}): {}", event, line));
}

void forget_notifications(PassContext& pass, std::string_view event) {
    if (auto ok = pass.env.store.clear_notifications(pass.info.name, event); !ok)
        pass.failed(ok.error());
}

void notify_long_waits(PassContext& pass, const rollover::Decision& d, Instant now) {
    bool any = false;
    std::vector<rollover::Wait> waits = d.waiting_on;
    explain_waits(pass.env.store, pass.info.name, waits);
    for (const auto& w : waits) {
        if (w.gate != rollover::Gate::observation || now - w.since < pass.env.config.notify_after)
            continue;
        any = true;
        std::string subject =
            fmt::format("key {} {}", w.key, w.record ? rollover::name(*w.record) : "-");
        notify(pass, "blocked", subject,
               fmt::format("{}: {} blocked since {}: {}", pass.info.name, subject,
                           format_instant(w.since), w.why),
               now);
    }
    if (!any) forget_notifications(pass, "blocked");
}

void report_stuck(PassContext& pass, const rollover::Decision& d, Instant now) {
    if (!d.stuck) return forget_notifications(pass, "stuck");
    std::string path = stuck_path(d.next, *d.stuck);
    pass.note(fmt::format("stuck: no record can move again without an outside change: {}", path));
    pass.result.exit_code = std::max(pass.result.exit_code, exit_code_for(ErrorKind::internal));
    std::string body = fmt::format(
        "{}: stuck, no record can move again without an outside change "
        "(a bug or an impossible policy): {}",
        pass.info.name, path);
    for (const auto& line : stuck_lines(d.next, *d.stuck)) body += "\n  " + line;
    notify(pass, "stuck", path, body, now);
}

}  // namespace zw::app
