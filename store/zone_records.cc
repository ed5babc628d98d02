// The operator-facing records of a zone (schema 3): its settings, its last publication,
// its last live check, and the notifications already sent.

#include <fmt/format.h>

#include <charconv>

#include "store/store_impl.h"
#include "store/zone_io.h"

namespace zw::store {

namespace {

std::int64_t secs(Instant t) { return t.time_since_epoch().count(); }
Instant instant(std::int64_t s) { return Instant{Seconds{s}}; }
std::optional<std::int64_t> opt_secs(const std::optional<Instant>& t) {
    return t ? std::optional<std::int64_t>{secs(*t)} : std::nullopt;
}

std::string tags_text(const std::vector<std::uint16_t>& tags) {
    std::string out;
    for (auto t : tags) out += fmt::format("{}{}", out.empty() ? "" : ",", t);
    return out;
}

std::vector<std::uint16_t> tags_from(std::string_view text) {
    std::vector<std::uint16_t> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        auto item = text.substr(0, comma);
        std::uint16_t v = 0;
        if (std::from_chars(item.data(), item.data() + item.size(), v).ec == std::errc{})
            out.push_back(v);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace

Result<std::optional<ZoneInfo>> Store::zone(std::string_view zone) {
    auto st = impl_->db.prepare(
        "SELECT z.name, t.name, z.policy, z.registrar, z.zone_file FROM zones z "
        "JOIN tenants t ON t.id = z.tenant_id WHERE z.name = ?1");
    if (!st) return fail(st.error());
    st->bind(1, zone);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return std::optional<ZoneInfo>{};
    return std::optional<ZoneInfo>{
        ZoneInfo{st->text(0), st->text(1), st->text(2), st->text(3), st->text(4)}};
}

Result<void> Store::record_publication(std::string_view zone, const Publication& p) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto tx = sql::Transaction::begin(db);
    if (!tx) return fail(tx.error());
    auto st = db.prepare(
        "INSERT OR REPLACE INTO publications (zone_id, at, serial, dnskey, ds, cds, signed, "
        "earliest_expiry, refresh_at, input_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10)");
    if (!st) return fail(st.error());
    st->bind(1, *id)
        .bind(2, secs(p.at))
        .bind(3, static_cast<std::int64_t>(p.serial))
        .bind(4, tags_text(p.dnskey));
    st->bind(5, tags_text(p.ds)).bind(6, tags_text(p.cds)).bind(7, std::int64_t{p.is_signed});
    st->bind(8, opt_secs(p.earliest_expiry)).bind(9, opt_secs(p.refresh_at)).bind(10, p.input_hash);
    if (auto r = st->run(); !r) return fail(r.error());
    if (auto r = append_audit(db, p.at, zone, "publish",
                              fmt::format("serial={} dnskey=[{}] cds=[{}] signed={}", p.serial,
                                          tags_text(p.dnskey), tags_text(p.cds), p.is_signed));
        !r)
        return fail(r.error());
    return tx->commit();
}

Result<std::optional<Publication>> Store::last_publication(std::string_view zone) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare(
        "SELECT at, serial, dnskey, ds, cds, signed, earliest_expiry, refresh_at, input_hash "
        "FROM publications WHERE zone_id = ?1");
    if (!st) return fail(st.error());
    st->bind(1, *id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return std::optional<Publication>{};
    Publication p;
    p.at = instant(st->i64(0));
    p.serial = static_cast<std::uint32_t>(st->i64(1));
    p.dnskey = tags_from(st->text(2));
    p.ds = tags_from(st->text(3));
    p.cds = tags_from(st->text(4));
    p.is_signed = st->i64(5) != 0;
    if (auto e = st->opt_i64(6)) p.earliest_expiry = instant(*e);
    if (auto r = st->opt_i64(7)) p.refresh_at = instant(*r);
    p.input_hash = st->text(8);
    return std::optional<Publication>{std::move(p)};
}

Result<void> Store::record_check(std::string_view zone, const CheckRecord& c) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare(
        "INSERT OR REPLACE INTO checks (zone_id, at, ok, failures, detail) VALUES (?1, ?2, ?3, ?4, "
        "?5)");
    if (!st) return fail(st.error());
    st->bind(1, *id)
        .bind(2, secs(c.at))
        .bind(3, std::int64_t{c.ok})
        .bind(4, c.failures)
        .bind(5, c.detail);
    return st->run();
}

Result<std::optional<CheckRecord>> Store::last_check(std::string_view zone) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare("SELECT at, ok, failures, detail FROM checks WHERE zone_id = ?1");
    if (!st) return fail(st.error());
    st->bind(1, *id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return std::optional<CheckRecord>{};
    return std::optional<CheckRecord>{
        CheckRecord{instant(st->i64(0)), st->i64(1) != 0, st->i64(2), st->text(3)}};
}

Result<bool> Store::first_notification(std::string_view zone, std::string_view event,
                                       std::string_view subject, Instant now) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare(
        "INSERT INTO notifications (zone_id, event, subject, at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT DO NOTHING");
    if (!st) return fail(st.error());
    st->bind(1, *id).bind(2, event).bind(3, subject).bind(4, secs(now));
    if (auto r = st->run(); !r) return fail(r.error());
    return db.changes() > 0;
}

Result<void> Store::clear_notifications(std::string_view zone, std::string_view event) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare("DELETE FROM notifications WHERE zone_id = ?1 AND event = ?2");
    if (!st) return fail(st.error());
    st->bind(1, *id).bind(2, event);
    return st->run();
}

}  // namespace zw::store
