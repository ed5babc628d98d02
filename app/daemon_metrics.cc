#include "app/daemon_metrics.h"

#include <fmt/format.h>

#include "app/prometheus_text.h"

namespace zw::app {

void DaemonMetrics::pass_done(Instant at, double seconds, std::size_t zones, std::size_t failed) {
    std::lock_guard lock(mu_);
    ++passes_;
    pass_seconds_sum_ += seconds;
    last_pass_seconds_ = seconds;
    last_pass_zones_ = zones;
    last_pass_at_ = at;
    zone_failures_ += failed;
}

void DaemonMetrics::count_server(const std::string& server, live::ServerFault fault) {
    ServerCount& c = servers_[server];
    ++c.checks;
    if (fault != live::ServerFault::none) ++c.errors[std::string(name(fault))];
}

void DaemonMetrics::live_check_done(const live::ZoneReport& report) {
    std::lock_guard lock(mu_);
    for (const auto& p : report.parent) count_server(p.where.label(), p.fault);
    for (const auto& c : report.child) count_server(c.where.label(), c.fault);
}

void DaemonMetrics::live_check_failed() {
    std::lock_guard lock(mu_);
    ++failed_looks_;
}

void DaemonMetrics::registrar_submission(std::string_view registrar, bool error) {
    std::lock_guard lock(mu_);
    auto it = registrars_.find(registrar);
    if (it == registrars_.end())
        it = registrars_.emplace(std::string(registrar), RegistrarCount{}).first;
    ++it->second.submissions;
    if (error) ++it->second.errors;
}

std::string DaemonMetrics::prometheus() const {
    std::lock_guard lock(mu_);
    std::string out;
    auto header = [&](std::string_view name, std::string_view type, std::string_view help) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    };
    header("zonewarden_start_time_seconds", "gauge",
           "When this zonewarden run started (Unix time).");
    out += fmt::format("zonewarden_start_time_seconds {}\n", started_.time_since_epoch().count());
    header("zonewarden_pass_duration_seconds", "summary",
           "Wall time of the daemon's passes over every zone.");
    out += fmt::format(
        "zonewarden_pass_duration_seconds_sum {:.6f}\nzonewarden_pass_duration_seconds_count {}\n",
        pass_seconds_sum_, passes_);
    header("zonewarden_last_pass_duration_seconds", "gauge",
           "Wall time of the last pass over every zone.");
    out += fmt::format("zonewarden_last_pass_duration_seconds {:.6f}\n", last_pass_seconds_);
    header("zonewarden_last_pass_timestamp_seconds", "gauge",
           "When the last pass ended (Unix time; 0: none yet).");
    out += fmt::format("zonewarden_last_pass_timestamp_seconds {}\n",
                       last_pass_at_ ? last_pass_at_->time_since_epoch().count() : 0);
    header("zonewarden_last_pass_zones", "gauge", "Zones the last pass went over.");
    out += fmt::format("zonewarden_last_pass_zones {}\n", last_pass_zones_);
    header("zonewarden_zone_pass_failures_total", "counter",
           "Zone passes that ended in an error (configuration, outside failure, internal).");
    out += fmt::format("zonewarden_zone_pass_failures_total {}\n", zone_failures_);
    header("zonewarden_live_check_server_checks_total", "counter",
           "Live checks that asked this server address (parent or child of a zone).");
    for (const auto& [server, c] : servers_)
        out += fmt::format("zonewarden_live_check_server_checks_total{{server=\"{}\"}} {}\n",
                           prometheus_label(server), c.checks);
    header("zonewarden_live_check_server_errors_total", "counter",
           "Live checks in which this server address gave no usable answer, by fault.");
    for (const auto& [server, c] : servers_)
        for (const auto& [fault, n] : c.errors)
            out += fmt::format(
                "zonewarden_live_check_server_errors_total{{server=\"{}\",fault=\"{}\"}} {}\n",
                prometheus_label(server), prometheus_label(fault), n);
    header("zonewarden_live_check_discovery_failures_total", "counter",
           "Live checks that could not even find a zone's servers.");
    out += fmt::format("zonewarden_live_check_discovery_failures_total {}\n", failed_looks_);
    header("zonewarden_registrar_submissions_total", "counter",
           "DS sets handed to this registrar.");
    for (const auto& [name, c] : registrars_)
        out += fmt::format("zonewarden_registrar_submissions_total{{registrar=\"{}\"}} {}\n",
                           prometheus_label(name), c.submissions);
    header("zonewarden_registrar_errors_total", "counter",
           "DS set submissions this registrar failed.");
    for (const auto& [name, c] : registrars_)
        out += fmt::format("zonewarden_registrar_errors_total{{registrar=\"{}\"}} {}\n",
                           prometheus_label(name), c.errors);
    return out;
}

}  // namespace zw::app
