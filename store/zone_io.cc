#include "store/zone_io.h"

#include <fmt/format.h>

namespace zw::store {

using namespace zw::rollover;

namespace {
std::optional<std::int64_t> opt(std::optional<Seconds> d) {
    if (!d) return std::nullopt;
    return d->count();
}
std::optional<std::int64_t> opt(std::optional<std::uint32_t> v) {
    if (!v) return std::nullopt;
    return static_cast<std::int64_t>(*v);
}
Error corrupt(std::string_view what) {
    return internal_error(fmt::format("state database: unexpected {}", what));
}
}  // namespace

Result<std::int64_t> zone_id(sql::Db& db, std::string_view zone) {
    auto st = db.prepare("SELECT id FROM zones WHERE name = ?1", zone);
    if (!st) return fail(st.error());
    auto id = st->first([](const sql::Stmt& row) { return row.i64(0); });
    if (!id) return fail(id.error());
    if (!*id) return fail(bad_input(fmt::format("zone {} is not onboarded", zone)));
    return **id;
}

Result<ZoneState> load_zone_state(sql::Db& db, std::int64_t zone) {
    ZoneState z;
    auto zone_row = db.prepare(
        "SELECT going_insecure, observed_dreg, observed_ds_ttl, next_key_id "
        "FROM zones WHERE id = ?1",
        zone);
    if (!zone_row) return fail(zone_row.error());
    auto found = zone_row->first([&z](const sql::Stmt& st) {
        z.going_insecure = st.i64(0) != 0;
        if (auto v = st.opt_i64(1)) z.observed_dreg = Seconds{*v};
        if (auto v = st.opt_i64(2)) z.observed_ds_ttl = Seconds{*v};
        z.next_key_id = static_cast<std::uint32_t>(st.i64(3));
        return true;
    });
    if (!found) return fail(found.error());
    if (!*found) return fail(corrupt("missing zone row"));

    auto key_rows = db.prepare(
        "SELECT key_id, algorithm, role, tag, goal, created, active_since, predecessor, "
        "successor, request FROM keys WHERE zone_id = ?1 AND removed IS NULL ORDER BY key_id",
        zone);
    if (!key_rows) return fail(key_rows.error());
    auto keys = key_rows->rows([](const sql::Stmt& st) -> Result<KeyState> {
        KeyState k;
        k.key.id = static_cast<std::uint32_t>(st.i64(0));
        k.key.algorithm = static_cast<std::uint8_t>(st.i64(1));
        auto role = parse_role(st.text(2));
        auto goal = parse_goal(st.text(4));
        auto req = parse_rollover_request(st.text(9));
        if (!role || !goal || !req) return fail(corrupt("key role/goal/request"));
        k.key.role = *role;
        k.goal = *goal;
        k.request = *req;
        if (auto t = st.opt_i64(3)) k.key.tag = static_cast<std::uint16_t>(*t);
        k.created = instant(st.i64(5));
        if (auto t = st.opt_i64(6)) k.active_since = instant(*t);
        if (auto t = st.opt_i64(7)) k.predecessor = static_cast<std::uint32_t>(*t);
        if (auto t = st.opt_i64(8)) k.successor = static_cast<std::uint32_t>(*t);
        return k;
    });
    if (!keys) return fail(keys.error());
    z.keys = std::move(*keys);

    struct StateRow {
        std::uint32_t key;
        Record record;
        RecordStatus status;
    };
    auto state_rows = db.prepare(
        "SELECT key_id, record, state, since, published, requested_at "
        "FROM record_states WHERE zone_id = ?1",
        zone);
    if (!state_rows) return fail(state_rows.error());
    auto states = state_rows->rows([](const sql::Stmt& st) -> Result<StateRow> {
        auto rec = parse_record(st.text(1));
        auto state = parse_record_state(st.text(2));
        if (!rec || !state) return fail(corrupt("record state"));
        StateRow row{static_cast<std::uint32_t>(st.i64(0)), *rec,
                     RecordStatus{*state, instant(st.i64(3)), st.i64(4) != 0, std::nullopt}};
        if (auto t = st.opt_i64(5)) row.status.requested_at = instant(*t);
        return row;
    });
    if (!states) return fail(states.error());
    for (const auto& row : *states)
        for (auto& k : z.keys)
            if (k.key.id == row.key) k.at(row.record) = row.status;
    return z;
}

Result<void> save_zone_state(sql::Db& db, std::int64_t zone, const ZoneState& z, Instant now) {
    if (auto r = db.run("UPDATE zones SET going_insecure = ?2, observed_dreg = ?3, "
                        "observed_ds_ttl = ?4, next_key_id = ?5 WHERE id = ?1",
                        zone, z.going_insecure, opt(z.observed_dreg), opt(z.observed_ds_ttl),
                        z.next_key_id);
        !r)
        return r;
    // Keys that left the state are kept, marked removed, for the audit trail.
    if (auto r = db.run("UPDATE keys SET removed = ?2 WHERE zone_id = ?1 AND removed IS NULL", zone,
                        secs(now));
        !r)
        return r;

    auto key = db.prepare(
        "INSERT INTO keys (zone_id, key_id, algorithm, role, tag, goal, created, active_since, "
        "predecessor, successor, request, removed) VALUES "
        "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,NULL) "
        "ON CONFLICT (zone_id, key_id) DO UPDATE SET tag = ?5, goal = ?6, active_since = ?8, "
        "predecessor = ?9, successor = ?10, request = ?11, removed = NULL");
    if (!key) return fail(key.error());
    auto rec = db.prepare(
        "INSERT INTO record_states (zone_id, key_id, record, state, since, published, "
        "requested_at) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT (zone_id, key_id, record) "
        "DO UPDATE SET state = ?4, since = ?5, published = ?6, requested_at = ?7");
    if (!rec) return fail(rec.error());
    for (const auto& k : z.keys) {
        std::optional<std::int64_t> tag;
        if (k.key.tag) tag = *k.key.tag;
        key->bind_all(zone, k.key.id, k.key.algorithm, name(k.key.role), tag, name(k.goal),
                      secs(k.created), opt_secs(k.active_since), opt(k.predecessor),
                      opt(k.successor), name(k.request));
        if (auto r = key->run(); !r) return r;
        key->reset();
        for (Record r : all_records) {
            const RecordStatus& s = k.at(r);
            rec->bind_all(zone, k.key.id, name(r), name(s.state), secs(s.since), s.published,
                          opt_secs(s.requested_at));
            if (auto res = rec->run(); !res) return res;
            rec->reset();
        }
    }
    return {};
}

Result<void> append_audit(sql::Db& db, Instant t, std::string_view zone, std::string_view event,
                          std::string_view detail) {
    return db.run("INSERT INTO audit_log (at, zone, event, detail) VALUES (?1,?2,?3,?4)", secs(t),
                  zone, event, detail);
}

}  // namespace zw::store
