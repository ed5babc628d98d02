#include "app/status_service.h"

#include <fmt/format.h>

#include <filesystem>

#include "app/operator_context.h"
#include "app/status_collect.h"
#include "app/status_page.h"

namespace zw::app {

StatusService::StatusService(std::shared_ptr<const Config> config, const DaemonMetrics* metrics,
                             const Clock& clock, Seconds max_age)
    : config_(std::move(config)), metrics_(metrics), clock_(clock), max_age_(max_age) {}

void StatusService::set_config(std::shared_ptr<const Config> config) {
    std::lock_guard lock(mu_);
    config_ = std::move(config);
    snapshot_.reset();
}

Result<std::shared_ptr<const StatusService::Snapshot>> StatusService::snapshot() {
    const Instant now = clock_.now();
    std::shared_ptr<const Config> config;
    {
        std::lock_guard lock(mu_);
        if (snapshot_ && now >= snapshot_->at &&
            now - snapshot_->at <
                std::max<std::chrono::steady_clock::duration>(max_age_, 2 * snapshot_->took))
            return snapshot_;
        config = config_;
    }
    const auto started = std::chrono::steady_clock::now();
    auto fresh = std::make_shared<Snapshot>();
    fresh->at = now;
    fresh->config = config;
    // A fresh installation has no database yet: no zones is a status, not an error.
    if (std::filesystem::exists(config->state)) {
        auto store = open_reader(*config);
        if (!store) return fail(store.error());
        auto zones = collect_statuses(*config, *store, "", now);
        if (!zones) return fail(zones.error());
        fresh->zones = std::move(*zones);
    }
    fresh->took = std::chrono::steady_clock::now() - started;
    std::lock_guard lock(mu_);
    snapshot_ = fresh;
    return std::shared_ptr<const Snapshot>(fresh);
}

HttpReply StatusService::handle(std::string_view path, std::string_view query) {
    if (path != "/" && path != "/status.json" && path != "/metrics")
        return {404, "text/plain; charset=utf-8", "not found; try /, /status.json or /metrics\n"};
    auto snap = snapshot();
    if (!snap)
        return {503, "text/plain; charset=utf-8",
                fmt::format("status unavailable: {}\n", snap.error().describe())};
    const Snapshot& s = **snap;
    if (path == "/status.json")
        return {200, "application/json", status_json(s.zones, s.at).dump(2) + "\n"};
    if (path == "/metrics") {
        std::string body = status_prometheus(s.zones, s.at);
        if (metrics_) body += metrics_->prometheus();
        return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(body)};
    }
    PageOptions options = page_options(query);
    std::optional<store::Store> store;
    TimelineSource timeline = [&](const ZoneStatus& z) -> Result<ZoneTimeline> {
        if (!store) {
            auto opened = open_reader(*s.config);
            if (!opened) return fail(opened.error());
            store.emplace(std::move(*opened));
        }
        return zone_timeline(*s.config, *store, z, s.at, options.back, options.ahead);
    };
    return {200, "text/html; charset=utf-8", status_page(s.zones, s.at, options, timeline)};
}

}  // namespace zw::app
