// zonewarden onboard: check a tenant zone, record it, generate (or adopt) its keys, and run
// its first pass, which signs, publishes and starts the insecure -> secure process.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/commands.h"
#include "app/key_material.h"
#include "app/operator_context.h"
#include "app/output.h"
#include "app/pass_guard.h"
#include "app/progress.h"
#include "app/publisher.h"
#include "app/zone_pass.h"
#include "base/clock.h"
#include "zones/build.h"
#include "zones/reader.h"

namespace zw::app {

namespace {

using rollover::Record;

struct OnboardOptions {
    std::vector<std::string> zones;
    std::string tenant, policy, registrar, zone_file, adopt_keys, zones_from;
};

struct Tenancy {
    std::string zone, tenant;
};

// Output of one zone's onboarding, printed between redraws of the progress line.
struct Say {
    ProgressLine& line;
    void out(const std::string& text) { line.print(stdout, text); }
    void warning(const Error& e) {
        line.print(stderr, fmt::format("zonewarden: warning: {}\n", e.describe()));
    }
    int failure(const Error& e) {
        line.print(stderr, fmt::format("zonewarden: error: {}\n", e.describe()));
        return exit_code_for(e.kind);
    }
};

// --zones-from: one zone per line, "ZONE [TENANT]" ('#' starts a comment); a line without
// a tenant takes --tenant.
Result<std::vector<Tenancy>> read_zone_list(const std::string& path, const std::string& tenant) {
    std::ifstream in(path);
    if (!in) return fail(bad_input(fmt::format("cannot read {}", path)));
    std::vector<Tenancy> out;
    std::string line;
    for (std::uint64_t n = 1; std::getline(in, line); ++n) {
        line = line.substr(0, line.find('#'));
        std::istringstream words(line);
        Tenancy t;
        std::string extra;
        if (!(words >> t.zone)) continue;
        words >> t.tenant;
        if (words >> extra)
            return fail(bad_input("expected 'ZONE [TENANT]'", SourceLocation{path, n}));
        if (t.tenant.empty()) t.tenant = tenant;
        if (t.tenant.empty())
            return fail(bad_input(fmt::format("{} has no tenant and no --tenant was given", t.zone),
                                  SourceLocation{path, n}));
        out.push_back(std::move(t));
    }
    return out;
}

Result<void> check_zone_file(const std::string& path, const std::string& zone, Say& say) {
    auto origin = dns::Name::from_text(zone);
    if (!origin) return fail(origin.error());
    if (!std::filesystem::exists(path))
        return fail(bad_input(fmt::format("no zone file at {}", path)));
    zones::Diagnostics diag;
    zones::ReadResult read = zones::read_zone_file(path, *origin, {}, diag);
    if (diag.errors.empty()) (void)zones::build_zone(*origin, std::move(read), diag);
    for (const auto& w : diag.warnings) say.warning(w);
    if (diag.errors.empty()) return {};
    for (std::size_t i = 1; i < diag.errors.size(); ++i) (void)say.failure(diag.errors[i]);
    return fail(diag.errors.front());
}

// Keys that already sign the zone elsewhere keep doing so: they enter the state as
// published, and the live checks confirm them like any record we introduced ourselves.
Result<void> adopt_keys(const Config& config, store::Store& store, const store::ZoneInfo& info,
                        const std::string& from, Instant now, Say& say) {
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
        rollover::Role role = !k->is_ksk() ? rollover::Role::zsk
                              : has_zsk    ? rollover::Role::ksk
                                           : rollover::Role::csk;
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
        say.out(fmt::format("{}: adopted {} key {} ({})\n", info.name, rollover::name(role),
                            k->tag(), rollover::algorithm_mnemonic(k->algorithm())));
    }
    auto id = store.commit_decision(info.name, now, d);
    if (!id) return fail(id.error());
    return {};
}

// Onboarding a zone that is being (or was) offboarded brings it back: the engine takes up
// the keys that are still there, or signs with new ones once they are all gone.
Result<void> stop_offboarding(store::Store& store, const store::ZoneInfo& info, Instant now,
                              Say& say) {
    auto state = store.load_zone(info.name);
    if (!state) return fail(state.error());
    if (!state->going_insecure) return {};
    rollover::Decision d;
    d.next = *state;
    d.next.going_insecure = false;
    auto id = store.commit_decision(info.name, now, d);
    if (!id) return fail(id.error());
    say.out(fmt::format("{}: was {}; secured again from here\n", info.name,
                        state->keys.empty() ? "offboarded" : "being offboarded"));
    return {};
}

// The state database, the registrar journal and the pass environment, opened when the
// first zone has passed its checks: a command that refuses every zone records nothing.
struct Session {
    const Config& config;
    std::optional<store::Store> store;
    std::optional<registrar::Journal> journal;
    StderrLog log;
    SystemClock clock;
    std::optional<PassEnv> env;

    Result<void> open() {
        if (env) return {};
        auto s = open_writer(config);
        if (!s) return fail(s.error());
        store.emplace(std::move(*s));
        auto j = registrar::Journal::open(config.state);
        if (!j) return fail(j.error());
        journal.emplace(std::move(*j));
        env.emplace(PassEnv{config, *store, *journal, log, clock, nullptr});
        return {};
    }
};

// One zone: check its file, record it (or resume an interrupted onboarding), adopt keys,
// then its first pass.
int onboard_one(Session& session, const OnboardOptions& o, const Tenancy& t, Say& say) {
    const Config& config = session.config;
    auto zone = normalize_zone(t.zone);
    if (!zone) return say.failure(zone.error());
    store::ZoneInfo info{
        *zone, t.tenant, o.policy.empty() ? config.default_policy.value_or("") : o.policy,
        o.registrar.empty() ? config.default_registrar.value_or("") : o.registrar, ""};
    if (!o.zone_file.empty())
        info.zone_file = std::filesystem::absolute(o.zone_file).lexically_normal().string();
    if (auto ok = check_zone_file(input_file_of(config, info), info.name, say); !ok)
        return say.failure(ok.error());
    if (auto ok = session.open(); !ok) return say.failure(ok.error());
    store::Store& store = *session.store;

    const Instant now = session.clock.now();
    auto existing = store.zone(info.name);
    if (!existing) return say.failure(existing.error());
    if (*existing) {
        const auto& e = **existing;
        if (e.tenant != info.tenant || e.policy != info.policy || e.registrar != info.registrar ||
            e.zone_file != info.zone_file)
            return say.failure(bad_input(
                fmt::format("{} is onboarded already, with tenant {}, policy {} and registrar {}",
                            info.name, e.tenant, e.policy, e.registrar)));
        say.out(fmt::format("{}: onboarded already; resuming\n", info.name));
    } else {
        // Keys of this zone already in key-dir, unknown to the state: the state was lost or
        // the zone was onboarded elsewhere. New keys would not match the DS records that
        // may name these at the parent: keep them on purpose, or move them away.
        if (auto key = first_key_file(config.zone_key_dir(info.name)); key && o.adopt_keys.empty())
            return say.failure(bad_input(fmt::format(
                "{} is not onboarded, but its key directory holds keys ({}): the parent's DS "
                "records may name "
                "them. Keep them with '--adopt-keys {}', or move them away to start with new keys",
                info.name, *key, config.zone_key_dir(info.name))));
        auto id = store.add_zone(info, now);
        if (!id) return say.failure(id.error());
        say.out(fmt::format("{}: onboarded for tenant {} with policy {} and registrar {}\n",
                            info.name, info.tenant, info.policy, info.registrar));
    }
    if (!o.adopt_keys.empty())
        if (auto ok = adopt_keys(config, store, info, o.adopt_keys, now, say); !ok)
            return say.failure(ok.error());
    if (auto ok = stop_offboarding(store, info, now, say); !ok) return say.failure(ok.error());
    PassResult r = guarded_zone_pass(*session.env, info);
    say.out(pass_text(r));
    return r.exit_code;
}

int run_onboard(const std::string& config_path, const OnboardOptions& o) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    std::vector<Tenancy> zones;
    for (const auto& z : o.zones) {
        if (o.tenant.empty())
            return report_failure(bad_input(fmt::format("{}: give its --tenant", z)));
        zones.push_back(Tenancy{z, o.tenant});
    }
    if (!o.zones_from.empty()) {
        auto listed = read_zone_list(o.zones_from, o.tenant);
        if (!listed) return report_failure(listed.error());
        zones.insert(zones.end(), listed->begin(), listed->end());
    }
    if (zones.empty())
        return report_failure(
            bad_input("name the zones to onboard (ZONE... or --zones-from FILE)"));
    if (zones.size() > 1 && (!o.zone_file.empty() || !o.adopt_keys.empty()))
        return report_failure(bad_input("--zone-file and --adopt-keys are for one zone at a time"));
    // The settings every zone shares are checked once, before any zone is touched.
    store::ZoneInfo shared{
        "", "", o.policy.empty() ? config->default_policy.value_or("") : o.policy,
        o.registrar.empty() ? config->default_registrar.value_or("") : o.registrar, ""};
    if (shared.policy.empty())
        return report_failure(config_error("no --policy given and no defaults.policy configured"));
    if (auto p = config->policy(shared.policy); !p) return report_failure(p.error());
    if (shared.registrar.empty())
        return report_failure(
            config_error("no --registrar given and no defaults.registrar configured"));
    if (auto r = zone_registrar(*config, shared); !r) return report_failure(r.error());

    Session session{*config, {}, {}, {}, {}, {}};
    std::atomic<std::size_t> done{0};
    std::string what = zones.size() == 1 ? "onboarding " + zones.front().zone : "onboarding zones";
    ProgressLine progress(
        [&] {
            return ProgressState{what, done.load(), zones.size(), "zones"};
        },
        zones.size() > 1 && stderr_is_terminal());
    Say say{progress};
    int code = 0;
    for (const auto& t : zones) {
        code = combine_exit_codes(code, onboard_one(session, o, t, say));
        ++done;
    }
    return code;
}

}  // namespace

void register_onboard_command(CLI::App& app, const std::string& config_path, int& exit_code) {
    const std::string* cfg = &config_path;
    auto onboard = std::make_shared<OnboardOptions>();
    CLI::App* c = app.add_subcommand(
        "onboard", "Check a tenant zone, generate keys, sign, publish, start securing it");
    c->add_option("zones", onboard->zones, "The zones (the same tenant, policy and registrar)");
    c->add_option("--tenant", onboard->tenant, "The tenant they belong to");
    c->add_option("--zones-from", onboard->zones_from,
                  "A file of zones to onboard, one 'ZONE [TENANT]' a line ('#' comments; no "
                  "tenant: --tenant)");
    c->add_option("--policy", onboard->policy, "Policy name (default: defaults.policy)");
    c->add_option("--registrar", onboard->registrar,
                  "Registrar name (default: defaults.registrar)");
    c->add_option("--zone-file", onboard->zone_file,
                  "Unsigned input (default: <zones-in>/<zone>.zone)");
    c->add_option(
        "--adopt-keys", onboard->adopt_keys,
        "Import the BIND-format keys that sign the zone elsewhere, so it moves without a rollover");
    c->footer(
        "Exit 0: settled or waiting on time; 1: waiting for a live check; 2: bad input or "
        "configuration; "
        "3: a server or registrar failed (the worst over all zones). Many zones show their "
        "progress on a "
        "terminal (stderr).");
    c->callback([onboard, cfg, &exit_code] { exit_code = run_onboard(*cfg, *onboard); });
}

}  // namespace zw::app
