#include "store/store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/action_codec.h"
#include "store/history.h"
#include "store/identity.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/store_impl.h"
#include "store/zone_io.h"

namespace zw::store {

using namespace zw::rollover;

namespace {

std::string waiting_summary(const Decision& d) {
    std::string s;
    for (const auto& w : d.waiting_on)
        s += fmt::format("key {} {} [{}] since {}{}: {}\n", w.key,
                         w.record ? std::string(name(*w.record)) : "-", name(w.gate),
                         format_instant(w.since),
                         w.until ? " until " + format_instant(*w.until) : "", w.why);
    return s;
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store> Store::open(const std::string& path, Mode mode, std::optional<int> schema_target) {
    const bool writer = mode != Mode::reader;
    WriterLock lock;
    if (writer) {
        auto l = WriterLock::take(path);
        if (!l) return fail(l.error());
        lock = std::move(*l);
    }
    // Judged under the lock: two `init`s cannot both find the file empty.
    const std::optional<Found> on_disk = found_on_disk(path);
    if (on_disk == Found::missing && mode != Mode::create && mode != Mode::initialise)
        return fail(config_error(fmt::format("there is no state database at {}", path)));
    if (on_disk == Found::empty && mode != Mode::initialise)
        return fail(config_error(
            fmt::format("the state database {} is empty (0 bytes): the state of every zone is "
                        "gone, and starting afresh "
                        "would make new keys while the parents' DS records still name the old "
                        "ones. Restore it from a "
                        "backup, or run 'zonewarden init' to start with an empty state on purpose",
                        path)));
    auto db = sql::Db::open(path, !writer, on_disk == Found::missing);
    if (!db) return fail(db.error());
    if (!on_disk) {
        auto found = identify(*db);
        if (!found) return fail(found.error());
        if (*found == Found::foreign)
            return fail(
                config_error(fmt::format("{} is not a zonewarden state database (another "
                                         "program's, or not SQLite at all): zonewarden "
                                         "neither reads nor overwrites it. Point 'state' at "
                                         "zonewarden's database, or move this file away",
                                         path)));
        if (*found == Found::empty && mode != Mode::initialise)
            return fail(config_error(fmt::format(
                "the state database {} holds no tables: the state of every zone is gone. Restore "
                "it from a "
                "backup, or run 'zonewarden init' to start with an empty state on purpose",
                path)));
    }
    if (writer) {
        // WAL: readers see the last commit and never block the writer (or each other);
        // synchronous=FULL makes a committed decision survive power loss.
        for (auto pragma :
             {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"})
            if (auto r = db->exec(pragma); !r) return fail(r.error());
        if (auto r = migrate(*db, schema_target); !r) return fail(r.error());
        if (auto r = stamp(*db); !r) return fail(r.error());
    } else {
        auto v = zw::store::schema_version(*db);
        if (!v) return fail(v.error());
        if (*v != latest_schema_version())
            return fail(config_error(fmt::format(
                "state database {} has schema {}, expected {}: run a writer (tick) first", path, *v,
                latest_schema_version())));
    }
    return Store(std::make_unique<Impl>(Impl{std::move(*db), std::move(lock), writer}));
}

Result<int> Store::schema_version() { return zw::store::schema_version(impl_->db); }

Result<std::int64_t> Store::add_zone(std::string_view zone, std::string_view tenant,
                                     std::string_view policy, Instant now) {
    return add_zone(ZoneInfo{std::string(zone), std::string(tenant), std::string(policy)}, now);
}

Result<std::int64_t> Store::add_zone(const ZoneInfo& info, Instant now) {
    auto& db = impl_->db;
    auto tx = sql::Transaction::begin(db);
    if (!tx) return fail(tx.error());
    if (auto r = db.run("INSERT INTO tenants (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
                        info.tenant);
        !r)
        return fail(r.error());
    if (auto r = db.run("INSERT INTO zones (name, tenant_id, policy, registrar, zone_file) "
                        "SELECT ?1, id, ?3, ?4, ?5 FROM tenants WHERE name = ?2",
                        info.name, info.tenant, info.policy, info.registrar, info.zone_file);
        !r)
        return fail(bad_input(fmt::format("cannot onboard {}: {}", info.name, r.error().message)));
    std::int64_t id = db.last_insert_id();
    if (auto r =
            append_audit(db, now, info.name, "onboard",
                         fmt::format("tenant={} policy={} registrar={}", info.tenant, info.policy,
                                     info.registrar.empty() ? "-" : info.registrar));
        !r)
        return fail(r.error());
    if (auto r = tx->commit(); !r) return fail(r.error());
    return id;
}

Result<std::vector<ZoneInfo>> Store::zones() {
    auto st = impl_->db.prepare(fmt::format("{} ORDER BY z.name", zone_info_select));
    if (!st) return fail(st.error());
    return st->rows(zone_info);
}

Result<ZoneState> Store::load_zone(std::string_view zone) {
    // One read transaction: a reader sees one committed decision, never half of one.
    auto& db = impl_->db;
    if (auto r = db.exec("BEGIN"); !r) return fail(r.error());
    auto id = zone_id(db, zone);
    Result<ZoneState> z = id ? load_zone_state(db, *id) : Result<ZoneState>(fail(id.error()));
    (void)db.exec("COMMIT");
    return z;
}

Result<void> Store::record_observation(std::string_view zone, const Observation& o) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    std::string_view verdict = o.verdict == Verdict::confirmed ? "confirmed"
                               : o.verdict == Verdict::refuted ? "refuted"
                                                               : "unreachable";
    std::optional<std::int64_t> ttl;
    if (o.ttl) ttl = o.ttl->count();
    return db.run(
        "INSERT INTO observations (zone_id, key_id, record, expect, at, verdict, "
        "ttl, detail) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
        *id, o.key, name(o.record), o.expect == Expect::present ? "present" : "absent", secs(o.at),
        verdict, ttl, o.detail);
}

Result<std::vector<Observation>> Store::observations(std::string_view zone, Instant since) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare(
        "SELECT key_id, record, expect, at, verdict, ttl, detail FROM observations "
        "WHERE zone_id = ?1 AND at >= ?2 ORDER BY at, id",
        *id, secs(since));
    if (!st) return fail(st.error());
    return st->rows([](const sql::Stmt& row) -> Result<Observation> {
        Observation o;
        o.key = static_cast<std::uint32_t>(row.i64(0));
        auto rec = parse_record(row.text(1));
        if (!rec) return fail(internal_error("state database: bad observation record"));
        o.record = *rec;
        o.expect = row.text(2) == "present" ? Expect::present : Expect::absent;
        o.at = instant(row.i64(3));
        std::string v = row.text(4);
        o.verdict = v == "confirmed" ? Verdict::confirmed
                    : v == "refuted" ? Verdict::refuted
                                     : Verdict::unreachable;
        if (auto t = row.opt_i64(5)) o.ttl = Seconds{*t};
        o.detail = row.text(6);
        return o;
    });
}

Result<std::int64_t> Store::commit_decision(std::string_view zone, Instant now, const Decision& d) {
    auto& db = impl_->db;
    auto tx = sql::Transaction::begin(db);
    if (!tx) return fail(tx.error());
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    if (auto r = save_zone_state(db, *id, d.next, now); !r) return fail(r.error());
    if (auto r =
            db.run("INSERT INTO decisions (zone_id, at, wake_at, waiting_on) VALUES (?1,?2,?3,?4)",
                   *id, secs(now), opt_secs(d.wake_at), waiting_summary(d));
        !r)
        return fail(r.error());
    std::int64_t decision = db.last_insert_id();
    auto act =
        db.prepare("INSERT INTO actions (decision_id, zone_id, seq, payload) VALUES (?1,?2,?3,?4)");
    if (!act) return fail(act.error());
    std::int64_t seq = 0;
    for (const auto& a : d.actions) {
        std::string payload = encode(a);
        act->bind_all(decision, *id, seq++, payload);
        if (auto r = act->run(); !r) return fail(r.error());
        act->reset();
        if (auto r = append_audit(db, now, zone, "action", payload); !r) return fail(r.error());
    }
    for (const auto& t : d.transitions)
        if (auto r = append_audit(db, t.at, zone, "transition", transition_text(t)); !r)
            return fail(r.error());
    if (d.measured_dreg)
        if (auto r =
                append_audit(db, now, zone, "dreg-measured", format_duration(*d.measured_dreg));
            !r)
            return fail(r.error());
    if (auto r = tx->commit(); !r) return fail(r.error());
    return decision;
}

Result<std::vector<PendingAction>> Store::pending_actions(std::string_view zone) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare(
        "SELECT id, decision_id, payload FROM actions WHERE zone_id = ?1 AND "
        "done_at IS NULL ORDER BY decision_id, seq",
        *id);
    if (!st) return fail(st.error());
    return st->rows([](const sql::Stmt& row) -> Result<PendingAction> {
        auto a = decode(row.text(2));
        if (!a) return fail(a.error());
        return PendingAction{row.i64(0), row.i64(1), std::move(*a)};
    });
}

Result<std::optional<DecisionRecord>> Store::last_decision(std::string_view zone) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare(
        "SELECT id, at, wake_at, waiting_on FROM decisions WHERE zone_id = ?1 "
        "ORDER BY id DESC LIMIT 1",
        *id);
    if (!st) return fail(st.error());
    return st->first([](const sql::Stmt& row) {
        DecisionRecord d{row.i64(0), instant(row.i64(1)), std::nullopt, row.text(3)};
        if (auto w = row.opt_i64(2)) d.wake_at = instant(*w);
        return d;
    });
}

Result<void> Store::mark_done(std::int64_t action_id, Instant at, std::string_view outcome) {
    return impl_->db.run("UPDATE actions SET done_at = ?2, outcome = ?3 WHERE id = ?1", action_id,
                         secs(at), outcome);
}

namespace {
Result<void> update_key(sql::Db& db, std::string_view zone, std::uint32_t key, Instant now,
                        std::string_view set, std::string_view value, std::string_view event) {
    auto tx = sql::Transaction::begin(db);
    if (!tx) return fail(tx.error());
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    if (auto r = db.run(fmt::format("UPDATE keys SET {} = ?3 WHERE zone_id = ?1 AND key_id = ?2 "
                                    "AND removed IS NULL",
                                    set),
                        *id, key, value);
        !r)
        return r;
    if (sqlite3_changes(db.raw()) != 1)
        return fail(bad_input(fmt::format("zone {} has no key {}", zone, key)));
    if (auto r = append_audit(db, now, zone, event, fmt::format("key {} {}", key, value)); !r)
        return r;
    return tx->commit();
}
}  // namespace

Result<void> Store::set_key_tag(std::string_view zone, std::uint32_t key, std::uint16_t tag,
                                Instant now) {
    return update_key(impl_->db, zone, key, now, "tag", fmt::format("{}", tag), "key-generated");
}

Result<void> Store::request_rollover(std::string_view zone, std::uint32_t key, RolloverRequest r,
                                     Instant now) {
    return update_key(impl_->db, zone, key, now, "request", name(r), "rollover-requested");
}

Result<void> Store::set_going_insecure(std::string_view zone, Instant now) {
    auto& db = impl_->db;
    auto tx = sql::Transaction::begin(db);
    if (!tx) return fail(tx.error());
    if (auto r = db.run("UPDATE zones SET going_insecure = 1 WHERE name = ?1", zone); !r) return r;
    if (auto r = append_audit(db, now, zone, "offboard", "going insecure"); !r) return r;
    return tx->commit();
}

Result<void> Store::record_submission(std::string_view zone, Instant at, std::string_view registrar,
                                      std::string_view ds_set, std::string_view result) {
    auto& db = impl_->db;
    auto tx = sql::Transaction::begin(db);
    if (!tx) return fail(tx.error());
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    if (auto r = db.run("INSERT INTO submissions (zone_id, at, registrar, ds_set, result) "
                        "VALUES (?1,?2,?3,?4,?5)",
                        *id, secs(at), registrar, ds_set, result);
        !r)
        return r;
    if (auto r = append_audit(db, at, zone, "submission",
                              fmt::format("{} {} -> {}", registrar, ds_set, result));
        !r)
        return r;
    return tx->commit();
}

Result<std::vector<AuditEntry>> Store::audit(std::string_view zone) {
    return audit(zone, Instant{});
}

}  // namespace zw::store
