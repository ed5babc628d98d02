#include "store/schema.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace zw::store {

namespace {

// Append only: a shipped migration never changes, a new one is added at the end.
constexpr std::array<std::string_view, 3> migrations{
    // 1: tenants, zones, keys and their record states; observations; decisions with their
    // actions; registrar submissions; the audit log.
    R"sql(
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE zones (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    policy TEXT NOT NULL,
    going_insecure INTEGER NOT NULL DEFAULT 0,
    observed_dreg INTEGER,
    observed_ds_ttl INTEGER,
    next_key_id INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE keys (
    zone_id INTEGER NOT NULL REFERENCES zones(id),
    key_id INTEGER NOT NULL,
    algorithm INTEGER NOT NULL,
    role TEXT NOT NULL,
    tag INTEGER,
    goal TEXT NOT NULL,
    created INTEGER NOT NULL,
    active_since INTEGER,
    predecessor INTEGER,
    successor INTEGER,
    request TEXT NOT NULL DEFAULT 'none',
    removed INTEGER,
    PRIMARY KEY (zone_id, key_id)
);
CREATE TABLE record_states (
    zone_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    record TEXT NOT NULL,
    state TEXT NOT NULL,
    since INTEGER NOT NULL,
    published INTEGER NOT NULL,
    requested_at INTEGER,
    PRIMARY KEY (zone_id, key_id, record),
    FOREIGN KEY (zone_id, key_id) REFERENCES keys(zone_id, key_id)
);
CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    zone_id INTEGER NOT NULL REFERENCES zones(id),
    key_id INTEGER NOT NULL,
    record TEXT NOT NULL,
    expect TEXT NOT NULL,
    at INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    ttl INTEGER,
    detail TEXT NOT NULL
);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    zone_id INTEGER NOT NULL REFERENCES zones(id),
    at INTEGER NOT NULL,
    wake_at INTEGER,
    waiting_on TEXT NOT NULL
);
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    decision_id INTEGER NOT NULL REFERENCES decisions(id),
    zone_id INTEGER NOT NULL REFERENCES zones(id),
    seq INTEGER NOT NULL,
    payload TEXT NOT NULL,
    done_at INTEGER,
    outcome TEXT
);
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    zone_id INTEGER NOT NULL REFERENCES zones(id),
    at INTEGER NOT NULL,
    registrar TEXT NOT NULL,
    ds_set TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    zone TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT NOT NULL
);
-- The audit trail is evidence: rows are only ever added.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql",
    // 2: lookups that status and the executor make on every pass.
    R"sql(
CREATE INDEX observations_by_zone_time ON observations(zone_id, at);
CREATE INDEX actions_pending ON actions(zone_id, done_at);
CREATE INDEX audit_by_zone ON audit_log(zone, id);
)sql",
    // 3: what the operator commands need per zone: its registrar and input file, what was
    // last published (serial, key sets, signature expiry), the last live check, and which
    // notifications already went out (so a hook fires once per situation).
    R"sql(
ALTER TABLE zones ADD COLUMN registrar TEXT NOT NULL DEFAULT '';
ALTER TABLE zones ADD COLUMN zone_file TEXT NOT NULL DEFAULT '';
CREATE TABLE publications (
    zone_id INTEGER PRIMARY KEY REFERENCES zones(id),
    at INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    dnskey TEXT NOT NULL,
    ds TEXT NOT NULL,
    cds TEXT NOT NULL,
    signed INTEGER NOT NULL,
    earliest_expiry INTEGER,
    refresh_at INTEGER,
    input_hash TEXT NOT NULL
);
CREATE TABLE checks (
    zone_id INTEGER PRIMARY KEY REFERENCES zones(id),
    at INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL
);
CREATE TABLE notifications (
    zone_id INTEGER NOT NULL REFERENCES zones(id),
    event TEXT NOT NULL,
    subject TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (zone_id, event, subject)
);
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations.size()); }

Result<int> schema_version(sql::Db& db) {
    auto st = db.prepare("PRAGMA user_version");
    if (!st) return fail(st.error());
    auto version = st->first([](const sql::Stmt& row) { return static_cast<int>(row.i64(0)); });
    if (!version) return fail(version.error());
    return version->value_or(0);
}

Result<int> migrate(sql::Db& db, std::optional<int> target) {
    int want = target.value_or(latest_schema_version());
    auto have = schema_version(db);
    if (!have) return have;
    if (*have > latest_schema_version())
        return fail(
            config_error(fmt::format("state database has schema {}, newer than this "
                                     "zonewarden ({}); upgrade zonewarden",
                                     *have, latest_schema_version())));
    for (int v = *have + 1; v <= want; ++v) {
        auto tx = sql::Transaction::begin(db);
        if (!tx) return fail(tx.error());
        if (auto r = db.exec(migrations[static_cast<std::size_t>(v - 1)]); !r)
            return fail(r.error());
        if (auto r = db.exec(fmt::format("PRAGMA user_version = {}", v)); !r)
            return fail(r.error());
        if (auto r = tx->commit(); !r) return fail(r.error());
    }
    return std::max(*have, want);
}

}  // namespace zw::store
