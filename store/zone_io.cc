#include "store/zone_io.h"

#include <fmt/format.h>

namespace zw::store {

using namespace zw::rollover;

namespace {
std::int64_t secs(Instant t) { return t.time_since_epoch().count(); }
Instant at(std::int64_t s) { return Instant{Seconds{s}}; }
std::optional<std::int64_t> opt(std::optional<Instant> t) {
    if (!t) return std::nullopt;
    return secs(*t);
}
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
    auto st = db.prepare("SELECT id FROM zones WHERE name = ?1");
    if (!st) return fail(st.error());
    st->bind(1, zone);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(bad_input(fmt::format("zone {} is not onboarded", zone)));
    return st->i64(0);
}

Result<ZoneState> load_zone_state(sql::Db& db, std::int64_t zone) {
    ZoneState z;
    {
        auto st = db.prepare(
            "SELECT going_insecure, observed_dreg, observed_ds_ttl, next_key_id "
            "FROM zones WHERE id = ?1");
        if (!st) return fail(st.error());
        st->bind(1, zone);
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) return fail(corrupt("missing zone row"));
        z.going_insecure = st->i64(0) != 0;
        if (auto v = st->opt_i64(1)) z.observed_dreg = Seconds{*v};
        if (auto v = st->opt_i64(2)) z.observed_ds_ttl = Seconds{*v};
        z.next_key_id = static_cast<std::uint32_t>(st->i64(3));
    }
    auto st = db.prepare(
        "SELECT key_id, algorithm, role, tag, goal, created, active_since, predecessor, "
        "successor, request FROM keys WHERE zone_id = ?1 AND removed IS NULL ORDER BY key_id");
    if (!st) return fail(st.error());
    st->bind(1, zone);
    for (;;) {
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        KeyState k;
        k.key.id = static_cast<std::uint32_t>(st->i64(0));
        k.key.algorithm = static_cast<std::uint8_t>(st->i64(1));
        auto role = parse_role(st->text(2));
        auto goal = parse_goal(st->text(4));
        auto req = parse_rollover_request(st->text(9));
        if (!role || !goal || !req) return fail(corrupt("key role/goal/request"));
        k.key.role = *role;
        k.goal = *goal;
        k.request = *req;
        if (auto t = st->opt_i64(3)) k.key.tag = static_cast<std::uint16_t>(*t);
        k.created = at(st->i64(5));
        if (auto t = st->opt_i64(6)) k.active_since = at(*t);
        if (auto t = st->opt_i64(7)) k.predecessor = static_cast<std::uint32_t>(*t);
        if (auto t = st->opt_i64(8)) k.successor = static_cast<std::uint32_t>(*t);
        z.keys.push_back(k);
    }
    auto rs = db.prepare(
        "SELECT key_id, record, state, since, published, requested_at "
        "FROM record_states WHERE zone_id = ?1");
    if (!rs) return fail(rs.error());
    rs->bind(1, zone);
    for (;;) {
        auto row = rs->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        auto id = static_cast<std::uint32_t>(rs->i64(0));
        auto rec = parse_record(rs->text(1));
        auto state = parse_record_state(rs->text(2));
        if (!rec || !state) return fail(corrupt("record state"));
        for (auto& k : z.keys) {
            if (k.key.id != id) continue;
            RecordStatus& r = k.at(*rec);
            r.state = *state;
            r.since = at(rs->i64(3));
            r.published = rs->i64(4) != 0;
            if (auto t = rs->opt_i64(5)) r.requested_at = at(*t);
        }
    }
    return z;
}

Result<void> save_zone_state(sql::Db& db, std::int64_t zone, const ZoneState& z, Instant now) {
    auto up = db.prepare(
        "UPDATE zones SET going_insecure = ?2, observed_dreg = ?3, "
        "observed_ds_ttl = ?4, next_key_id = ?5 WHERE id = ?1");
    if (!up) return fail(up.error());
    up->bind(1, zone).bind(2, std::int64_t{z.going_insecure}).bind(3, opt(z.observed_dreg));
    up->bind(4, opt(z.observed_ds_ttl)).bind(5, std::int64_t{z.next_key_id});
    if (auto r = up->run(); !r) return r;

    // Keys that left the state are kept, marked removed, for the audit trail.
    auto rm = db.prepare("UPDATE keys SET removed = ?2 WHERE zone_id = ?1 AND removed IS NULL");
    if (!rm) return fail(rm.error());
    rm->bind(1, zone).bind(2, secs(now));
    if (auto r = rm->run(); !r) return r;

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
        key->bind(1, zone).bind(2, std::int64_t{k.key.id}).bind(3, std::int64_t{k.key.algorithm});
        key->bind(4, name(k.key.role));
        if (k.key.tag)
            key->bind(5, std::int64_t{*k.key.tag});
        else
            key->bind_null(5);
        key->bind(6, name(k.goal)).bind(7, secs(k.created)).bind(8, opt(k.active_since));
        key->bind(9, opt(k.predecessor)).bind(10, opt(k.successor)).bind(11, name(k.request));
        if (auto r = key->run(); !r) return r;
        key->reset();
        for (Record r : all_records) {
            const RecordStatus& s = k.at(r);
            rec->bind(1, zone).bind(2, std::int64_t{k.key.id}).bind(3, name(r));
            rec->bind(4, name(s.state)).bind(5, secs(s.since)).bind(6, std::int64_t{s.published});
            rec->bind(7, opt(s.requested_at));
            if (auto res = rec->run(); !res) return res;
            rec->reset();
        }
    }
    return {};
}

Result<void> append_audit(sql::Db& db, Instant t, std::string_view zone, std::string_view event,
                          std::string_view detail) {
    auto st = db.prepare("INSERT INTO audit_log (at, zone, event, detail) VALUES (?1,?2,?3,?4)");
    if (!st) return fail(st.error());
    st->bind(1, secs(t)).bind(2, zone).bind(3, event).bind(4, detail);
    return st->run();
}

}  // namespace zw::store
