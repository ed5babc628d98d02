#include "app/zone_pass_schedule.h"

#include <algorithm>

namespace zw::app {

Result<void> schedule_next_pass(PassContext& pass, const rollover::Decision& d, Instant now) {
    if (d.wake_at) pass.wake_no_later(*d.wake_at);
    // A change waiting for the servers is looked at again once they may have it: the
    // propagation delay of the side that must serve it (never sooner than a second).
    bool on_check = false;
    for (const auto& w : d.waiting_on) {
        if (w.gate != rollover::Gate::observation) continue;
        on_check = true;
        Seconds dprp = w.record == rollover::Record::ds ? pass.policy->parent.propagation_delay
                                                        : pass.policy->propagation_delay;
        pass.wake_no_later(now + std::max(Seconds{1}, dprp));
    }
    if (on_check && pass.result.exit_code == 0) pass.result.exit_code = 1;
    auto pub = pass.env.store.last_publication(pass.info.name);
    if (!pub) return fail(pub.error());
    if (*pub && (*pub)->refresh_at) pass.wake_no_later(*(*pub)->refresh_at);
    return {};
}

}  // namespace zw::app
