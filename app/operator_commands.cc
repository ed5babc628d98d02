// The operator's commands of DESIGN.md: onboard, tick, status, keys, check, rollover,
// offboard (run lives in daemon.cc). Each loads the configuration, opens the state, and
// leaves the work to the zone pass, the status report or the store.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/key_material.h"
#include "app/live_check.h"
#include "app/live_observer.h"
#include "app/operator_context.h"
#include "app/output.h"
#include "app/publisher.h"
#include "app/status_report.h"
#include "app/zone_pass.h"
#include "base/clock.h"
#include "dns/dnssec.h"
#include "dns/rdata.h"
#include "zones/build.h"
#include "zones/reader.h"

namespace zw::app {

namespace {

using rollover::Record;

int combine(int a, int b) {
    // Errors (2, 3, 4) outrank "pending" (1), which outranks success.
    if (a >= 2 || b >= 2) return std::max(a >= 2 ? a : 0, b >= 2 ? b : 0);
    return std::max(a, b);
}

void print_pass(const PassResult& r) {
    for (const auto& line : r.lines) fmt::print("{}: {}\n", r.zone, line);
    fmt::print("{}: {}{}\n", r.zone,
               r.exit_code == 0   ? "settled or waiting on time"
               : r.exit_code == 1 ? "waiting for a live check"
                                  : "failed",
               r.wake_at ? fmt::format(", next pass due by {}", format_instant(*r.wake_at)) : "");
}

// Runs passes over zones with one store and journal; returns the combined exit code.
int run_passes(const Config& config, store::Store& store, const std::vector<store::ZoneInfo>& zones) {
    auto journal = registrar::Journal::open(config.state);
    if (!journal) return report_failure(journal.error());
    StderrLog log;
    SystemClock clock;
    PassEnv env{config, store, *journal, log, clock};
    int code = 0;
    for (const auto& z : zones) {
        PassResult r = run_zone_pass(env, z);
        print_pass(r);
        code = combine(code, r.exit_code);
    }
    return code;
}

Result<store::ZoneInfo> known_zone(store::Store& store, const std::string& text) {
    auto zone = normalize_zone(text);
    if (!zone) return fail(zone.error());
    auto info = store.zone(*zone);
    if (!info) return fail(info.error());
    if (!*info) return fail(bad_input(fmt::format("{} is not onboarded", *zone)));
    return **info;
}

// ---- onboard ----

struct OnboardOptions {
    std::string zone, tenant, policy, registrar, zone_file, adopt_keys;
};

Result<void> check_zone_file(const std::string& path, const std::string& zone) {
    auto origin = dns::Name::from_text(zone);
    if (!origin) return fail(origin.error());
    if (!std::filesystem::exists(path)) return fail(bad_input(fmt::format("no zone file at {}", path)));
    zones::Diagnostics diag;
    zones::ReadResult read = zones::read_zone_file(path, *origin, {}, diag);
    if (diag.errors.empty()) (void)zones::build_zone(*origin, std::move(read), diag);
    for (const auto& w : diag.warnings) print_warning(w);
    if (diag.errors.empty()) return {};
    for (std::size_t i = 1; i < diag.errors.size(); ++i) print_error(diag.errors[i]);
    return fail(diag.errors.front());
}

// Keys that already sign the zone elsewhere keep doing so: they enter the state as
// published, and the live checks confirm them like any record we introduced ourselves.
Result<void> adopt_keys(const Config& config, store::Store& store, const store::ZoneInfo& info, const std::string& from,
                        Instant now) {
    auto origin = dns::Name::from_text(info.name);
    if (!origin) return fail(origin.error());
    auto material = KeyMaterial::open(config.zone_key_dir(info.name), *origin);
    if (!material) return fail(material.error());
    auto adopted = material->adopt(from);
    if (!adopted) return fail(adopted.error());
    auto state = store.load_zone(info.name);
    if (!state) return fail(state.error());
    if (!state->keys.empty()) return {};  // adopted by an earlier, interrupted onboard
    rollover::Decision d;
    d.next = *state;
    for (const signer::KeyPair* k : *adopted) {
        bool has_zsk = std::ranges::any_of(*adopted, [&](const signer::KeyPair* o) {
            return !o->is_ksk() && o->algorithm() == k->algorithm();
        });
        rollover::Role role = !k->is_ksk() ? rollover::Role::zsk : has_zsk ? rollover::Role::ksk : rollover::Role::csk;
        rollover::KeyState ks;
        ks.key = rollover::KeyRef{d.next.next_key_id++, k->algorithm(), role, k->tag()};
        ks.goal = rollover::Goal::omnipresent;
        ks.created = now;
        ks.active_since = now;
        for (Record r : rollover::all_records) {
            if (!rollover::applies(role, r)) continue;
            ks.at(r) = rollover::RecordStatus{rollover::RecordState::hidden, now, true, now};
        }
        d.next.keys.push_back(ks);
        fmt::print("{}: adopted {} key {} ({})\n", info.name, rollover::name(role), k->tag(),
                   rollover::algorithm_mnemonic(k->algorithm()));
    }
    auto id = store.commit_decision(info.name, now, d);
    if (!id) return fail(id.error());
    return {};
}

int run_onboard(const std::string& config_path, const OnboardOptions& o) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    auto zone = normalize_zone(o.zone);
    if (!zone) return report_failure(zone.error());
    store::ZoneInfo info{*zone, o.tenant, o.policy.empty() ? config->default_policy.value_or("") : o.policy,
                         o.registrar.empty() ? config->default_registrar.value_or("") : o.registrar, ""};
    if (info.policy.empty()) return report_failure(config_error("no --policy given and no defaults.policy configured"));
    if (auto p = config->policy(info.policy); !p) return report_failure(p.error());
    if (info.registrar.empty())
        return report_failure(config_error("no --registrar given and no defaults.registrar configured"));
    if (auto r = zone_registrar(*config, info); !r) return report_failure(r.error());
    if (!o.zone_file.empty()) info.zone_file = std::filesystem::absolute(o.zone_file).lexically_normal().string();
    if (auto ok = check_zone_file(input_file_of(*config, info), info.name); !ok) return report_failure(ok.error());

    auto store = open_writer(*config);
    if (!store) return report_failure(store.error());
    const Instant now = SystemClock{}.now();
    auto existing = store->zone(info.name);
    if (!existing) return report_failure(existing.error());
    if (*existing) {
        const auto& e = **existing;
        if (e.tenant != info.tenant || e.policy != info.policy || e.registrar != info.registrar ||
            e.zone_file != info.zone_file)
            return report_failure(bad_input(fmt::format(
                "{} is onboarded already, with tenant {}, policy {} and registrar {}",
                info.name, e.tenant, e.policy, e.registrar)));
        fmt::print("{}: onboarded already; resuming\n", info.name);
    } else {
        auto id = store->add_zone(info, now);
        if (!id) return report_failure(id.error());
        fmt::print("{}: onboarded for tenant {} with policy {} and registrar {}\n", info.name, info.tenant, info.policy,
                   info.registrar);
    }
    if (!o.adopt_keys.empty())
        if (auto ok = adopt_keys(*config, *store, info, o.adopt_keys, now); !ok) return report_failure(ok.error());
    return run_passes(*config, *store, {info});
}

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

Result<std::vector<ZoneStatus>> statuses(const Config& config, store::Store& store, const std::string& only,
                                         Instant now) {
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
    for (const auto& z : zones) {
        auto s = zone_status(config, store, z, now);
        if (!s) return fail(s.error());
        out.push_back(std::move(*s));
    }
    return out;
}

int run_status(const std::string& config_path, const StatusOptions& o) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    const Instant now = SystemClock{}.now();
    if (o.zone.empty() && !std::filesystem::exists(config->state)) {
        // A fresh installation: no zone yet is a status, not an error.
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
    auto all = statuses(*config, *store, o.zone, now);
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
    auto all = statuses(*config, *store, zone, now);
    if (!all) return report_failure(all.error());
    auto policy = config->policy(all->front().info.policy);
    if (!policy) return report_failure(policy.error());
    fmt::print("{}", keys_text(all->front(), **policy, now));
    return 0;
}

// ---- check ----

int run_check(const std::string& config_path, const std::string& zone_text) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    auto store = open_reader(*config);
    if (!store) return report_failure(store.error());
    auto info = known_zone(*store, zone_text);
    if (!info) return report_failure(info.error());
    auto origin = dns::Name::from_text(info->name);
    if (!origin) return report_failure(origin.error());
    const Instant now = SystemClock{}.now();
    auto report = look_at(*config, *origin, now);
    if (!report) return report_failure(report.error());
    auto pub = store->last_publication(info->name);
    if (!pub) return report_failure(pub.error());

    for (const auto& p : report->parent)
        fmt::print("parent {:<40} {}\n", p.where.label(),
                   p.fault != dns::ServerFault::none ? fmt::format("{}: {}", name(p.fault), p.fault_detail)
                                                     : fmt::format("serial {} DS {} ({})", p.serial.value_or(0),
                                                                   p.ds.rdatas.size(), name(p.ds.validation.state)));
    for (const auto& c : report->child) {
        std::string tags;
        for (const auto& rd : c.dnskey.rdatas) tags += fmt::format("{}{}", tags.empty() ? "" : " ", dns::key_tag(rd));
        fmt::print("child  {:<40} {}\n", c.where.label(),
                   c.fault != dns::ServerFault::none
                       ? fmt::format("{}: {}", name(c.fault), c.fault_detail)
                       : fmt::format("serial {} DNSKEY [{}] ({})", c.serial.value_or(0), tags,
                                     name(c.dnskey.validation.state)));
    }
    std::vector<std::string> problems = disagreements(*report, now);
    // Against what zonewarden publishes: every child server at that serial or later with
    // that DNSKEY set, every parent server with the DS set the key states want.
    if (*pub) {
        rollover::Expectation e;
        e.expect = rollover::Expect::absent;
        e.min_serial = (*pub)->serial;
        auto o = rollover::judge(e, server_answers(*report, Served::soa), now);
        if (o.verdict != rollover::Verdict::confirmed)
            problems.push_back(fmt::format("not every server has serial {}: {}", (*pub)->serial, o.detail));
        auto sorted_tags = [](const std::vector<dns::Bytes>& rdatas, bool ds) {
            std::vector<std::uint16_t> t;
            for (const auto& rd : rdatas)
                if (rd.size() >= 4) t.push_back(ds ? dns::read_u16(rd.data()) : dns::key_tag(rd));
            std::ranges::sort(t);
            return t;
        };
        auto list = [](const std::vector<std::uint16_t>& v) {
            std::string out;
            for (auto t : v) out += fmt::format("{}{}", out.empty() ? "" : " ", t);
            return out;
        };
        std::vector<std::uint16_t> dnskey = (*pub)->dnskey;
        std::ranges::sort(dnskey);
        for (const auto& c : report->child)
            if (c.fault == dns::ServerFault::none && sorted_tags(c.dnskey.rdatas, false) != dnskey)
                problems.push_back(fmt::format("{} serves DNSKEY [{}], zonewarden publishes [{}]", c.where.label(),
                                               list(sorted_tags(c.dnskey.rdatas, false)), list(dnskey)));
        auto state = store->load_zone(info->name);
        if (!state) return report_failure(state.error());
        std::vector<std::uint16_t> ds;
        for (const auto& k : state->keys)
            if (k.key.tag && rollover::applies(k.key.role, Record::ds) && k.at(Record::ds).published)
                ds.push_back(*k.key.tag);
        std::ranges::sort(ds);
        for (const auto& p : report->parent) {
            auto served = sorted_tags(p.ds.rdatas, true);
            served.erase(std::unique(served.begin(), served.end()), served.end());  // one per digest type
            if (p.fault == dns::ServerFault::none && served != ds)
                problems.push_back(fmt::format("parent {} serves DS [{}], zonewarden wants [{}]", p.where.label(),
                                               list(served), list(ds)));
        }
    }
    for (const auto& p : problems) fmt::print("FAIL: {}\n", p);
    if (problems.empty()) fmt::print("OK: every server answered, agrees, validates and is current\n");
    bool unreachable = std::ranges::any_of(report->child, [](const auto& c) { return c.fault != dns::ServerFault::none; }) ||
                       std::ranges::any_of(report->parent, [](const auto& p) { return p.fault != dns::ServerFault::none; });
    return problems.empty() ? 0 : unreachable ? 3 : 1;
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
    auto request = o.emergency ? rollover::RolloverRequest::emergency : rollover::RolloverRequest::scheduled;
    int asked = 0;
    for (const auto& k : state->keys) {
        bool role = o.ksk ? k.key.role != rollover::Role::zsk : k.key.role != rollover::Role::ksk;
        if (!role || k.goal != rollover::Goal::omnipresent || k.successor) continue;
        if (auto ok = store->request_rollover(info->name, k.key.id, request, now); !ok) return report_failure(ok.error());
        fmt::print("{}: {} rollover of key {} requested; the next pass starts it\n", info->name,
                   o.emergency ? "emergency" : "scheduled", k.key.tag ? fmt::format("{}", *k.key.tag) : "?");
        ++asked;
    }
    if (asked == 0)
        return report_failure(bad_input(fmt::format("{} has no settled {} to roll (one may be rolling already)",
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
    if (auto ok = store->set_going_insecure(info->name, SystemClock{}.now()); !ok) return report_failure(ok.error());
    fmt::print("{}: going insecure: the DS goes first, then the zone is unsigned; passes do the rest\n", info->name);
    return 0;
}

}  // namespace

void register_operator_commands(CLI::App& app, const std::string& config_path, int& exit_code) {
    const std::string* cfg = &config_path;

    auto onboard = std::make_shared<OnboardOptions>();
    CLI::App* c = app.add_subcommand("onboard", "Check a tenant zone, generate keys, sign, publish, start securing it");
    c->add_option("zone", onboard->zone, "The zone")->required();
    c->add_option("--tenant", onboard->tenant, "The tenant it belongs to")->required();
    c->add_option("--policy", onboard->policy, "Policy name (default: defaults.policy)");
    c->add_option("--registrar", onboard->registrar, "Registrar name (default: defaults.registrar)");
    c->add_option("--zone-file", onboard->zone_file, "Unsigned input (default: <zones-in>/<zone>.zone)");
    c->add_option("--adopt-keys", onboard->adopt_keys,
                  "Import the BIND-format keys that sign the zone elsewhere, so it moves without a rollover");
    c->footer("Exit 0: settled or waiting on time; 1: waiting for a live check; 2: bad input or configuration; "
              "3: a server or registrar failed.");
    c->callback([onboard, cfg, &exit_code] { exit_code = run_onboard(*cfg, *onboard); });

    auto tick_zones = std::make_shared<std::vector<std::string>>();
    c = app.add_subcommand("tick", "One scheduled pass: move each zone as far as the live checks allow, then exit");
    c->add_option("zones", *tick_zones, "Zones (default: all onboarded)");
    c->footer("Exit 0: every zone settled or waiting on time; 1: a step waits for a live check; 2/3/4: errors.");
    c->callback([tick_zones, cfg, &exit_code] { exit_code = run_tick(*cfg, *tick_zones); });

    auto status = std::make_shared<StatusOptions>();
    c = app.add_subcommand("status", "Per zone: state, keys, what it waits for and since when, next event");
    c->add_option("zone", status->zone, "One zone (default: all)");
    auto* json = c->add_flag("--json", status->json, "JSON, schema 1 (docs/operations.md)");
    c->add_flag("--prometheus", status->prometheus, "Prometheus text exposition")->excludes(json);
    c->callback([status, cfg, &exit_code] { exit_code = run_status(*cfg, *status); });

    auto keys_zone = std::make_shared<std::string>();
    c = app.add_subcommand("keys", "A zone's keys with their record states and timeline");
    c->add_option("zone", *keys_zone, "The zone")->required();
    c->callback([keys_zone, cfg, &exit_code] { exit_code = run_keys(*cfg, *keys_zone); });

    auto check_zone = std::make_shared<std::string>();
    c = app.add_subcommand("check", "Run the live checks now, per server");
    c->add_option("zone", *check_zone, "The zone")->required();
    c->footer("Exit 0: every server answers, agrees, validates and is current; 1: a server disagrees; "
              "3: a server is unreachable.");
    c->callback([check_zone, cfg, &exit_code] { exit_code = run_check(*cfg, *check_zone); });

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
