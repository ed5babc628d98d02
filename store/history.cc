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
        "id");
    if (!st) return fail(st.error());
    st->bind(1, zone).bind(2, std::int64_t{since.time_since_epoch().count()});
    std::vector<AuditEntry> out;
    for (;;) {
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) return out;
        out.push_back(AuditEntry{st->i64(0), Instant{Seconds{st->i64(1)}}, st->text(2), st->text(3),
                                 st->text(4)});
    }
}

Result<std::vector<RemovedKey>> Store::removed_keys(std::string_view zone, Instant since) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare(
        "SELECT key_id, algorithm, role, tag, created, removed FROM keys "
        "WHERE zone_id = ?1 AND removed IS NOT NULL AND removed >= ?2 ORDER BY key_id");
    if (!st) return fail(st.error());
    st->bind(1, *id).bind(2, std::int64_t{since.time_since_epoch().count()});
    std::vector<RemovedKey> out;
    for (;;) {
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) return out;
        auto role = parse_role(st->text(2));
        if (!role) return fail(internal_error("state database: unexpected key role"));
        RemovedKey k;
        k.key = KeyRef{static_cast<std::uint32_t>(st->i64(0)),
                       static_cast<std::uint8_t>(st->i64(1)), *role, std::nullopt};
        if (auto t = st->opt_i64(3)) k.key.tag = static_cast<std::uint16_t>(*t);
        k.created = Instant{Seconds{st->i64(4)}};
        k.removed = Instant{Seconds{*st->opt_i64(5)}};
        out.push_back(k);
    }
}

}  // namespace zw::store
