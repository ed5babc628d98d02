#include "app/status_collect.h"

#include "app/operator_context.h"

namespace zw::app {

Result<std::vector<ZoneStatus>> collect_statuses(const Config& config, store::Store& store,
                                                 const std::string& only, Instant now) {
    std::vector<store::ZoneInfo> zones;
    if (only.empty()) {
        auto all = store.zones();
        if (!all) return fail(all.error());
        zones = std::move(*all);
    } else {
        auto z = known_zone(store, only);
        if (!z) return fail(z.error());
        zones.push_back(std::move(*z));
    }
    std::vector<ZoneStatus> out;
    out.reserve(zones.size());
    for (const auto& z : zones) {
        auto s = zone_status(config, store, z, now);
        if (!s) return fail(s.error());
        out.push_back(std::move(*s));
    }
    return out;
}

}  // namespace zw::app
