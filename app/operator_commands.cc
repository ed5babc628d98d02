// The operator's commands tick, status, keys, rollover and offboard (onboard,
// check and run have their own files). Each loads the configuration, opens the state, and
// leaves the work to the zone pass, the status report or the store.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/operator_context.h"
#include "app/output.h"
#include "app/status_collect.h"
#include "app/status_report.h"
#include "app/zone_pass.h"
#include "base/clock.h"

namespace zw::app {

namespace {

// ---- tick ----

int run_tick(const std::string& config_path, const std::vector<std::string>& names) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    auto store = open_writer(*config);
    if (!store) return report_failure(store.error());
    std::vector<store::ZoneInfo> zones;
    if (names.empty()) {
        auto all = store->zones();
        if (!all) return report_failure(all.error());
        zones = std::move(*all);
    }
    for (const auto& n : names) {
        auto z = known_zone(*store, n);
        if (!z) return report_failure(z.error());
        zones.push_back(std::move(*z));
    }
    return run_passes(*config, *store, zones);
}

// ---- status, keys ----

struct StatusOptions {
    std::string zone;
    bool json = false, prometheus = false;
};

int run_status(const std::string& config_path, const StatusOptions& o) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    const Instant now = SystemClock{}.now();
    if (o.zone.empty() && !std::filesystem::exists(config->state)) {
        // A fresh installation: no zone yet is a status, not an error. A database that was
        // lost is an error (missing_state_is_fresh).
        if (auto fresh = missing_state_is_fresh(*config); !fresh)
            return report_failure(fresh.error());
        std::vector<ZoneStatus> none;
        if (o.json)
            fmt::print("{}\n", status_json(none, now).dump(2));
        else if (o.prometheus)
            fmt::print("{}", status_prometheus(none, now));
        else
            fmt::print("{}", status_text(none, now));
        return 0;
    }
    auto store = open_reader(*config);
    if (!store) return report_failure(store.error());
    auto all = collect_statuses(*config, *store, o.zone, now);
    if (!all) return report_failure(all.error());
    if (o.json)
        fmt::print("{}\n", status_json(*all, now).dump(2));
    else if (o.prometheus)
        fmt::print("{}", status_prometheus(*all, now));
    else
        fmt::print("{}", status_text(*all, now));
    return 0;
}

int run_keys(const std::string& config_path, const std::string& zone) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    auto store = open_reader(*config);
    if (!store) return report_failure(store.error());
    const Instant now = SystemClock{}.now();
    auto all = collect_statuses(*config, *store, zone, now);
    if (!all) return report_failure(all.error());
    auto policy = config->policy(all->front().info.policy);
    if (!policy) return report_failure(policy.error());
    fmt::print("{}", keys_text(all->front(), **policy, now));
    return 0;
}

// ---- rollover, offboard ----

struct RolloverOptions {
    std::string zone;
    bool ksk = false, zsk = false, emergency = false;
};

int run_rollover(const std::string& config_path, const RolloverOptions& o) {
    if (o.ksk == o.zsk) return report_failure(bad_input("say which key rolls: --ksk or --zsk"));
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    auto store = open_writer(*config);
    if (!store) return report_failure(store.error());
    auto info = known_zone(*store, o.zone);
    if (!info) return report_failure(info.error());
    auto state = store->load_zone(info->name);
    if (!state) return report_failure(state.error());
    const Instant now = SystemClock{}.now();
    auto request =
        o.emergency ? rollover::RolloverRequest::emergency : rollover::RolloverRequest::scheduled;
    int asked = 0;
    for (const auto& k : state->keys) {
        bool role = o.ksk ? k.key.role != rollover::Role::zsk : k.key.role != rollover::Role::ksk;
        if (!role || k.goal != rollover::Goal::omnipresent || k.successor) continue;
        if (auto ok = store->request_rollover(info->name, k.key.id, request, now); !ok)
            return report_failure(ok.error());
        fmt::print("{}: {} rollover of key {} requested; the next pass starts it\n", info->name,
                   o.emergency ? "emergency" : "scheduled",
                   k.key.tag ? fmt::format("{}", *k.key.tag) : "?");
        ++asked;
    }
    if (asked == 0 && state->going_insecure)
        return report_failure(bad_input(fmt::format(
            "{} is being offboarded: every key is leaving; onboard it again to roll keys",
            info->name)));
    if (asked == 0)
        return report_failure(
            bad_input(fmt::format("{} has no settled {} to roll (one may be rolling already)",
                                  info->name, o.ksk ? "KSK" : "ZSK")));
    return 0;
}

int run_offboard(const std::string& config_path, const std::string& zone) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    auto store = open_writer(*config);
    if (!store) return report_failure(store.error());
    auto info = known_zone(*store, zone);
    if (!info) return report_failure(info.error());
    if (auto ok = store->set_going_insecure(info->name, SystemClock{}.now()); !ok)
        return report_failure(ok.error());
    fmt::print(
        "{}: going insecure: the DS goes first, then the zone is unsigned; passes do the rest\n",
        info->name);
    return 0;
}

}  // namespace

void register_operator_commands(CLI::App& app, const std::string& config_path, int& exit_code) {
    register_onboard_command(app, config_path, exit_code);
    const std::string* cfg = &config_path;

    auto tick_zones = std::make_shared<std::vector<std::string>>();
    CLI::App* c = app.add_subcommand(
        "tick", "One scheduled pass: move each zone as far as the live checks allow, then exit");
    c->add_option("zones", *tick_zones, "Zones (default: all onboarded)");
    c->footer(
        "Exit 0: every zone settled or waiting on time; 1: a step waits for a live check; 2/3/4: "
        "errors "
        "(4 also when a zone is stuck: no record can move again without an outside change).");
    c->callback([tick_zones, cfg, &exit_code] { exit_code = run_tick(*cfg, *tick_zones); });

    auto status = std::make_shared<StatusOptions>();
    c = app.add_subcommand("status",
                           "Per zone: state, keys, what it waits for and since when, next event");
    c->add_option("zone", status->zone, "One zone (default: all)");
    auto* json = c->add_flag("--json", status->json, "JSON, schema 1 (docs/operations.md)");
    c->add_flag("--prometheus", status->prometheus, "Prometheus text exposition")->excludes(json);
    c->callback([status, cfg, &exit_code] { exit_code = run_status(*cfg, *status); });

    auto keys_zone = std::make_shared<std::string>();
    c = app.add_subcommand("keys", "A zone's keys with their record states and timeline");
    c->add_option("zone", *keys_zone, "The zone")->required();
    c->callback([keys_zone, cfg, &exit_code] { exit_code = run_keys(*cfg, *keys_zone); });

    register_check_command(app, config_path, exit_code);

    auto roll = std::make_shared<RolloverOptions>();
    c = app.add_subcommand("rollover", "Ask for a KSK or ZSK rollover; the next pass starts it");
    c->add_option("zone", roll->zone, "The zone")->required();
    c->add_flag("--ksk", roll->ksk, "Roll the KSK (or CSK)");
    c->add_flag("--zsk", roll->zsk, "Roll the ZSK (or CSK)");
    c->add_flag("--emergency", roll->emergency, "As fast as safety allows (a compromised key)");
    c->callback([roll, cfg, &exit_code] { exit_code = run_rollover(*cfg, *roll); });

    auto off = std::make_shared<std::string>();
    c = app.add_subcommand("offboard", "Go insecure safely: DS away first, then unsigned");
    c->add_option("zone", *off, "The zone")->required();
    c->callback([off, cfg, &exit_code] { exit_code = run_offboard(*cfg, *off); });
}

}  // namespace zw::app
