#include "app/status_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/publisher.h"

namespace zw::app {

namespace {

using rollover::Record;
using rollover::RecordState;

std::string when(const std::optional<Instant>& t) { return t ? format_instant(*t) : "-"; }
nlohmann::json when_json(const std::optional<Instant>& t) {
    return t ? nlohmann::json(format_instant(*t)) : nlohmann::json(nullptr);
}

std::optional<std::uint16_t> tag_of(const rollover::ZoneState& state, std::uint32_t id) {
    for (const auto& k : state.keys)
        if (k.key.id == id) return k.key.tag;
    return std::nullopt;
}

std::string key_label(const rollover::ZoneState& state, std::uint32_t id) {
    auto tag = tag_of(state, id);
    return tag ? fmt::format("{}", *tag) : fmt::format("#{}", id);
}

// "DS 12345 at parent" / "DNSKEY 23456": how an operator names a record of a key.
std::string record_label(const rollover::ZoneState& state, const rollover::Wait& w) {
    if (!w.record) return fmt::format("key {}", key_label(state, w.key));
    switch (*w.record) {
        case Record::ds:
            return fmt::format("DS {} at parent", key_label(state, w.key));
        case Record::dnskey:
            return fmt::format("DNSKEY {}", key_label(state, w.key));
        case Record::krrsig:
            return fmt::format("RRSIG(DNSKEY) by {}", key_label(state, w.key));
        case Record::zrrsig:
            return fmt::format("zone signatures by {}", key_label(state, w.key));
    }
    return "";
}

bool all_at(const rollover::KeyState& k, RecordState s) {
    for (Record r : rollover::all_records)
        if (rollover::applies(k.key.role, r) && k.at(r).state != s) return false;
    return true;
}

}  // namespace

std::string stuck_path(const rollover::ZoneState& state, const rollover::Stuck& stuck) {
    std::string out;
    for (const auto& w : stuck.waits) out += (out.empty() ? "" : " -> ") + record_label(state, w);
    if (stuck.cycle && !stuck.waits.empty())
        out += " -> " + record_label(state, stuck.waits.front());
    return out;
}

std::vector<std::string> stuck_lines(const rollover::ZoneState& state,
                                     const rollover::Stuck& stuck) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < stuck.waits.size(); ++i) {
        const auto& w = stuck.waits[i];
        out.push_back(fmt::format("{}{}: {}: {}", i == 0 ? "" : "-> ", record_label(state, w),
                                  rollover::name(w.gate), w.why));
    }
    if (stuck.cycle && !stuck.waits.empty())
        out.push_back(fmt::format("-> back to {}", record_label(state, stuck.waits.front())));
    else
        out.push_back("-> which stays where it is");
    return out;
}

void explain_waits(store::Store& store, const std::string& zone,
                   std::vector<rollover::Wait>& waits) {
    // Only checks made while the waits lasted can explain them.
    std::optional<Instant> from;
    for (const auto& w : waits)
        if (w.gate == rollover::Gate::observation) from = from ? std::min(*from, w.since) : w.since;
    if (!from) return;
    auto seen = store.observations(zone, *from);
    if (!seen) return;
    for (auto& w : waits) {
        if (w.gate != rollover::Gate::observation || !w.record) continue;
        for (auto it = seen->rbegin(); it != seen->rend(); ++it) {
            if (it->key != w.key || it->record != *w.record) continue;
            if (it->verdict != rollover::Verdict::confirmed)
                w.why = fmt::format("{} (last check {}: {})", w.why, format_instant(it->at),
                                    it->detail);
            break;
        }
    }
}

std::string condition_of(const rollover::ZoneState& state,
                         const std::optional<store::Publication>& pub) {
    const bool is_signed = pub && pub->is_signed;
    if (state.going_insecure) return is_signed || !state.keys.empty() ? "offboarding" : "insecure";
    if (!is_signed) return "unsigned";
    bool ds_everywhere = std::ranges::any_of(state.keys, [](const rollover::KeyState& k) {
        return rollover::applies(k.key.role, Record::ds) &&
               k.at(Record::ds).state == RecordState::omnipresent;
    });
    if (!ds_everywhere) return "securing";
    bool moving = std::ranges::any_of(state.keys, [](const rollover::KeyState& k) {
        return k.goal == rollover::Goal::hidden || !all_at(k, RecordState::omnipresent);
    });
    return moving ? "rolling" : "secure";
}

Result<ZoneStatus> zone_status(const Config& config, store::Store& store,
                               const store::ZoneInfo& zone, Instant now) {
    ZoneStatus s;
    s.info = zone;
    auto state = store.load_zone(zone.name);
    if (!state) return fail(state.error());
    s.state = std::move(*state);
    auto pub = store.last_publication(zone.name);
    if (!pub) return fail(pub.error());
    s.publication = *pub;
    auto check = store.last_check(zone.name);
    if (!check) return fail(check.error());
    s.last_check = *check;
    s.condition = condition_of(s.state, s.publication);

    auto policy = config.policy(zone.policy);
    if (!policy) {
        s.error = policy.error().message;
        return s;
    }
    // What a pass would decide now without new checks: the same engine, nothing stored.
    rollover::Decision d = rollover::advance(**policy, s.state, {}, now, config.engine_test_hooks);
    s.next_event = d.wake_at;
    if (s.publication && s.publication->refresh_at)
        s.next_event = s.next_event ? std::min(*s.next_event, *s.publication->refresh_at)
                                    : s.publication->refresh_at;
    explain_waits(store, zone.name, d.waiting_on);
    // A key the planner would create in the next pass is not a key yet: status shows what
    // is stored, and the next pass will show it (status must never name a key it lists not).
    std::erase_if(d.waiting_on, [&](const rollover::Wait& w) {
        return std::ranges::none_of(s.state.keys,
                                    [&](const rollover::KeyState& k) { return k.key.id == w.key; });
    });
    s.waiting = std::move(d.waiting_on);
    s.stuck = std::move(d.stuck);
    if (s.stuck) s.condition = "stuck";
    return s;
}

std::string status_text(const std::vector<ZoneStatus>& zones, Instant now) {
    std::string out;
    for (const auto& z : zones) {
        out += fmt::format("{}  {}  (tenant {}, policy {}, registrar {})\n", z.info.name,
                           z.condition, z.info.tenant, z.info.policy,
                           z.info.registrar.empty() ? "-" : z.info.registrar);
        if (!z.error.empty()) out += fmt::format("  error: {}\n", z.error);
        if (z.publication)
            out += fmt::format("  serial {}  published {}  earliest signature expiry {}\n",
                               z.publication->serial, format_instant(z.publication->at),
                               when(z.publication->earliest_expiry));
        for (const auto& k : z.state.keys) {
            out += fmt::format(
                "  key {} {} {} alg {} goal {}:", k.key.tag ? fmt::format("{}", *k.key.tag) : "?",
                rollover::name(k.key.role), k.key.id, k.key.algorithm, rollover::name(k.goal));
            for (Record r : rollover::all_records) {
                if (!rollover::applies(k.key.role, r)) continue;
                const auto& st = k.at(r);
                out += fmt::format(" {} {}{}", rollover::name(r), rollover::name(st.state),
                                   rollover::pending(st) ? (st.published ? "(+)" : "(-)") : "");
            }
            out += "\n";
        }
        for (const auto& w : z.waiting) {
            out += fmt::format("  waits: {}: {} since {} ({} ago){}: {}\n",
                               record_label(z.state, w), rollover::name(w.gate),
                               format_instant(w.since), format_duration(now - w.since),
                               w.until ? " until " + format_instant(*w.until) : "", w.why);
        }
        if (z.stuck) {
            out +=
                "  stuck: no record can move again without an outside change (a bug or an "
                "impossible "
                "policy); the waits:\n";
            for (const auto& line : stuck_lines(z.state, *z.stuck))
                out += fmt::format("    {}\n", line);
        }
        out += fmt::format("  next event {}", when(z.next_event));
        if (z.last_check)
            out += fmt::format("  last check {} {}{}", format_instant(z.last_check->at),
                               z.last_check->ok ? "ok" : "failed",
                               z.last_check->ok ? ""
                                                : fmt::format(" ({}x): {}", z.last_check->failures,
                                                              z.last_check->detail));
        out += "\n";
    }
    if (zones.empty()) out += "no zones; onboard one with 'zonewarden onboard ZONE --tenant T'\n";
    return out;
}

std::string keys_text(const ZoneStatus& z, const rollover::Policy& policy, Instant now) {
    std::string out = fmt::format(
        "{}  policy {}: {} {}, DNSKEY TTL {}, propagation {}\n", z.info.name, policy.name,
        rollover::algorithm_mnemonic(policy.algorithm), rollover::name(policy.roles),
        format_duration(policy.dnskey_ttl), format_duration(policy.propagation_delay));
    for (const auto& k : z.state.keys) {
        out += fmt::format(
            "key {} (id {}): {} {} goal {}, created {}, active since {}{}{}\n",
            k.key.tag ? fmt::format("{}", *k.key.tag) : "?", k.key.id, rollover::name(k.key.role),
            rollover::algorithm_mnemonic(k.key.algorithm), rollover::name(k.goal),
            format_instant(k.created), when(k.active_since),
            k.predecessor ? fmt::format(", succeeds {}", key_label(z.state, *k.predecessor)) : "",
            k.successor ? fmt::format(", succeeded by {}", key_label(z.state, *k.successor)) : "");
        for (Record r : rollover::all_records) {
            if (!rollover::applies(k.key.role, r)) continue;
            const auto& st = k.at(r);
            out += fmt::format(
                "  {:<7} {:<12} since {}  {}{}\n", rollover::name(r), rollover::name(st.state),
                format_instant(st.since), st.published ? "published" : "withdrawn",
                rollover::pending(st)
                    ? fmt::format(" (not yet confirmed, requested {})", when(st.requested_at))
                    : "");
        }
    }
    for (const auto& w : z.waiting)
        out +=
            fmt::format("waits: {}: {}{}: {}\n", record_label(z.state, w), rollover::name(w.gate),
                        w.until ? fmt::format(" until {} (in {})", format_instant(*w.until),
                                              format_duration(std::max(Seconds{0}, *w.until - now)))
                                : "",
                        w.why);
    return out;
}

nlohmann::json status_json(const std::vector<ZoneStatus>& zones, Instant now) {
    nlohmann::json jz = nlohmann::json::array();
    for (const auto& z : zones) {
        nlohmann::json keys = nlohmann::json::array();
        for (const auto& k : z.state.keys) {
            nlohmann::json records = nlohmann::json::object();
            for (Record r : rollover::all_records) {
                if (!rollover::applies(k.key.role, r)) continue;
                const auto& st = k.at(r);
                records[std::string(rollover::name(r))] = {
                    {"state", std::string(rollover::name(st.state))},
                    {"published", st.published},
                    {"since", format_instant(st.since)}};
            }
            keys.push_back(
                {{"id", k.key.id},
                 {"tag", k.key.tag ? nlohmann::json(*k.key.tag) : nlohmann::json(nullptr)},
                 {"algorithm", k.key.algorithm},
                 {"role", std::string(rollover::name(k.key.role))},
                 {"goal", std::string(rollover::name(k.goal))},
                 {"records", records}});
        }
        nlohmann::json waiting = nlohmann::json::array();
        for (const auto& w : z.waiting) {
            auto tag = tag_of(z.state, w.key);
            waiting.push_back(
                {{"key", w.key},
                 {"tag", tag ? nlohmann::json(*tag) : nlohmann::json(nullptr)},
                 {"record", w.record ? nlohmann::json(std::string(rollover::name(*w.record)))
                                     : nlohmann::json(nullptr)},
                 {"gate", std::string(rollover::name(w.gate))},
                 {"since", format_instant(w.since)},
                 {"until", when_json(w.until)},
                 {"why", w.why}});
        }
        nlohmann::json published = {{"dnskey", nlohmann::json::array()},
                                    {"ds", nlohmann::json::array()},
                                    {"cds", nlohmann::json::array()}};
        if (z.publication)
            published = {{"dnskey", z.publication->dnskey}, {"cds", z.publication->cds}};
        published["ds"] = wanted_ds_tags(z.state);
        nlohmann::json check = nullptr;
        if (z.last_check)
            check = {{"at", format_instant(z.last_check->at)},
                     {"ok", z.last_check->ok},
                     {"detail", z.last_check->detail}};
        nlohmann::json j{{"zone", z.info.name},
                         {"tenant", z.info.tenant},
                         {"policy", z.info.policy},
                         {"registrar", z.info.registrar},
                         {"state", z.condition},
                         {"serial", z.publication ? nlohmann::json(z.publication->serial)
                                                  : nlohmann::json(nullptr)},
                         {"published", published},
                         {"keys", keys},
                         {"waiting", waiting},
                         {"next_event", when_json(z.next_event)},
                         {"earliest_signature_expiry",
                          when_json(z.publication ? z.publication->earliest_expiry : std::nullopt)},
                         {"last_check", check}};
        nlohmann::json stuck = nullptr;
        if (z.stuck) {
            nlohmann::json waits = nlohmann::json::array();
            for (const auto& w : z.stuck->waits)
                waits.push_back(
                    {{"key", w.key},
                     {"tag", tag_of(z.state, w.key) ? nlohmann::json(*tag_of(z.state, w.key))
                                                    : nlohmann::json(nullptr)},
                     {"record", w.record ? nlohmann::json(std::string(rollover::name(*w.record)))
                                         : nlohmann::json(nullptr)},
                     {"gate", std::string(rollover::name(w.gate))},
                     {"why", w.why}});
            stuck = {{"cycle", z.stuck->cycle},
                     {"path", stuck_path(z.state, *z.stuck)},
                     {"waits", waits}};
        }
        j["stuck"] = stuck;
        if (!z.error.empty()) j["error"] = z.error;
        jz.push_back(std::move(j));
    }
    return {{"schema", 1}, {"generated", format_instant(now)}, {"zones", jz}};
}

std::string status_prometheus(const std::vector<ZoneStatus>& zones, Instant now) {
    auto secs = [](Instant t) { return t.time_since_epoch().count(); };
    std::string out =
        "# HELP zonewarden_signature_expiry_timestamp_seconds Earliest RRSIG expiration in the "
        "published zone.\n"
        "# TYPE zonewarden_signature_expiry_timestamp_seconds gauge\n";
    for (const auto& z : zones)
        if (z.publication && z.publication->earliest_expiry)
            out += fmt::format("zonewarden_signature_expiry_timestamp_seconds{{zone=\"{}\"}} {}\n",
                               z.info.name, secs(*z.publication->earliest_expiry));
    out +=
        "# HELP zonewarden_blocked_seconds How long the longest wait for a live check has lasted.\n"
        "# TYPE zonewarden_blocked_seconds gauge\n";
    for (const auto& z : zones) {
        Seconds blocked{0};
        for (const auto& w : z.waiting)
            if (w.gate == rollover::Gate::observation) blocked = std::max(blocked, now - w.since);
        out += fmt::format("zonewarden_blocked_seconds{{zone=\"{}\"}} {}\n", z.info.name,
                           blocked.count());
    }
    out +=
        "# HELP zonewarden_check_failures Consecutive failed live checks.\n"
        "# TYPE zonewarden_check_failures gauge\n";
    for (const auto& z : zones)
        out += fmt::format("zonewarden_check_failures{{zone=\"{}\"}} {}\n", z.info.name,
                           z.last_check && !z.last_check->ok ? z.last_check->failures : 0);
    out +=
        "# HELP zonewarden_stuck 1 when no record of the zone can move again without an outside "
        "change.\n"
        "# TYPE zonewarden_stuck gauge\n";
    for (const auto& z : zones)
        out += fmt::format("zonewarden_stuck{{zone=\"{}\"}} {}\n", z.info.name, z.stuck ? 1 : 0);
    out +=
        "# HELP zonewarden_zone_state The zone's condition (1 for the current one).\n"
        "# TYPE zonewarden_zone_state gauge\n";
    for (const auto& z : zones)
        out += fmt::format("zonewarden_zone_state{{zone=\"{}\",state=\"{}\"}} 1\n", z.info.name,
                           z.condition);
    return out;
}

}  // namespace zw::app
