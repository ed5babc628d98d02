#include "store/history.h"

#include <fmt/format.h>

#include <sstream>

#include "store/store_impl.h"
#include "store/zone_io.h"

namespace zw::store {

using namespace zw::rollover;

namespace {

std::optional<Cause> parse_cause(std::string_view s) {
    for (Cause c : {Cause::decided, Cause::confirmed, Cause::waited})
        if (name(c) == s) return c;
    return std::nullopt;
}

}  // namespace

std::string transition_text(const Transition& t) {
    return fmt::format("key {} {} {} -> {} ({})", t.key, name(t.record), name(t.from), name(t.to),
                       name(t.cause));
}

std::optional<Transition> transition_of(const AuditEntry& entry) {
    if (entry.event != "transition") return std::nullopt;
    std::istringstream in(entry.detail);
    std::string word, record, from, arrow, to, cause;
    std::uint32_t key = 0;
    if (!(in >> word >> key >> record >> from >> arrow >> to >> cause) || word != "key" ||
        arrow != "->" || cause.size() < 3 || cause.front() != '(' || cause.back() != ')')
        return std::nullopt;
    auto r = parse_record(record);
    auto f = parse_record_state(from);
    auto s = parse_record_state(to);
    auto c = parse_cause(cause.substr(1, cause.size() - 2));
    if (!r || !f || !s || !c) return std::nullopt;
    return Transition{key, *r, *f, *s, *c, entry.at};
}

Result<std::vector<AuditEntry>> Store::audit(std::string_view zone, Instant since) {
    auto st = impl_->db.prepare(
        "SELECT id, at, zone, event, detail FROM audit_log WHERE zone = ?1 AND at >= ?2 ORDER BY "
        "id",
        zone, secs(since));
    if (!st) return fail(st.error());
    return st->rows([](const sql::Stmt& row) {
        return AuditEntry{row.i64(0), instant(row.i64(1)), row.text(2), row.text(3), row.text(4)};
    });
}

Result<std::vector<RemovedKey>> Store::removed_keys(std::string_view zone, Instant since) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare(
        "SELECT key_id, algorithm, role, tag, created, removed FROM keys "
        "WHERE zone_id = ?1 AND removed IS NOT NULL AND removed >= ?2 ORDER BY key_id",
        *id, secs(since));
    if (!st) return fail(st.error());
    return st->rows([](const sql::Stmt& row) -> Result<RemovedKey> {
        auto role = parse_role(row.text(2));
        if (!role) return fail(internal_error("state database: unexpected key role"));
        RemovedKey k;
        k.key = KeyRef{static_cast<std::uint32_t>(row.i64(0)),
                       static_cast<std::uint8_t>(row.i64(1)), *role, std::nullopt};
        if (auto t = row.opt_i64(3)) k.key.tag = static_cast<std::uint16_t>(*t);
        k.created = instant(row.i64(4));
        k.removed = instant(row.i64(5));
        return k;
    });
}

}  // namespace zw::store
