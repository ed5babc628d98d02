// zonewarden onboard: check a tenant zone, record it, generate (or adopt) its keys, and run
// its first pass, which signs, publishes and starts the insecure -> secure process.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "app/commands.h"
#include "app/key_material.h"
#include "app/operator_context.h"
#include "app/output.h"
#include "app/publisher.h"
#include "app/zone_pass.h"
#include "base/clock.h"
#include "zones/build.h"
#include "zones/reader.h"

namespace zw::app {

namespace {

using rollover::Record;


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

// Onboarding a zone that is being (or was) offboarded brings it back: the engine takes up
// the keys that are still there, or signs with new ones once they are all gone.
Result<void> stop_offboarding(store::Store& store, const store::ZoneInfo& info, Instant now) {
    auto state = store.load_zone(info.name);
    if (!state) return fail(state.error());
    if (!state->going_insecure) return {};
    rollover::Decision d;
    d.next = *state;
    d.next.going_insecure = false;
    auto id = store.commit_decision(info.name, now, d);
    if (!id) return fail(id.error());
    fmt::print("{}: was {}; secured again from here\n", info.name,
               state->keys.empty() ? "offboarded" : "being offboarded");
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
        // Keys of this zone already in key-dir, unknown to the state: the state was lost or
        // the zone was onboarded elsewhere. New keys would not match the DS records that
        // may name these at the parent: keep them on purpose, or move them away.
        if (auto key = first_key_file(config->zone_key_dir(info.name)); key && o.adopt_keys.empty())
            return report_failure(bad_input(fmt::format(
                "{} is not onboarded, but its key directory holds keys ({}): the parent's DS records may name "
                "them. Keep them with '--adopt-keys {}', or move them away to start with new keys",
                info.name, *key, config->zone_key_dir(info.name))));
        auto id = store->add_zone(info, now);
        if (!id) return report_failure(id.error());
        fmt::print("{}: onboarded for tenant {} with policy {} and registrar {}\n", info.name, info.tenant, info.policy,
                   info.registrar);
    }
    if (!o.adopt_keys.empty())
        if (auto ok = adopt_keys(*config, *store, info, o.adopt_keys, now); !ok) return report_failure(ok.error());
    if (auto ok = stop_offboarding(*store, info, now); !ok) return report_failure(ok.error());
    return run_passes(*config, *store, {info});
}

}  // namespace

void register_onboard_command(CLI::App& app, const std::string& config_path, int& exit_code) {
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
}

}  // namespace zw::app
