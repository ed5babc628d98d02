// The operator-facing records of a zone (schema 3): its settings, its last publication,
// its last live check, and the notifications already sent.

#include <fmt/format.h>

#include <charconv>

#include "store/store_impl.h"
#include "store/zone_io.h"

namespace zw::store {

namespace {

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
    auto st = impl_->db.prepare(fmt::format("{} WHERE z.name = ?1", zone_info_select), zone);
    if (!st) return fail(st.error());
    return st->first(zone_info);
}

Result<void> Store::record_publication(std::string_view zone, const Publication& p) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto tx = sql::Transaction::begin(db);
    if (!tx) return fail(tx.error());
    if (auto r = db.run(
            "INSERT OR REPLACE INTO publications (zone_id, at, serial, dnskey, ds, cds, signed, "
            "earliest_expiry, refresh_at, input_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
            "?10)",
            *id, secs(p.at), p.serial, tags_text(p.dnskey), tags_text(p.ds), tags_text(p.cds),
            p.is_signed, opt_secs(p.earliest_expiry), opt_secs(p.refresh_at), p.input_hash);
        !r)
        return fail(r.error());
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
        "FROM publications WHERE zone_id = ?1",
        *id);
    if (!st) return fail(st.error());
    return st->first([](const sql::Stmt& row) {
        Publication p;
        p.at = instant(row.i64(0));
        p.serial = static_cast<std::uint32_t>(row.i64(1));
        p.dnskey = tags_from(row.text(2));
        p.ds = tags_from(row.text(3));
        p.cds = tags_from(row.text(4));
        p.is_signed = row.i64(5) != 0;
        if (auto e = row.opt_i64(6)) p.earliest_expiry = instant(*e);
        if (auto r = row.opt_i64(7)) p.refresh_at = instant(*r);
        p.input_hash = row.text(8);
        return p;
    });
}

Result<void> Store::record_check(std::string_view zone, const CheckRecord& c) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    return db.run(
        "INSERT OR REPLACE INTO checks (zone_id, at, ok, failures, detail) VALUES (?1, ?2, ?3, ?4, "
        "?5)",
        *id, secs(c.at), c.ok, c.failures, c.detail);
}

Result<std::optional<CheckRecord>> Store::last_check(std::string_view zone) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    auto st = db.prepare("SELECT at, ok, failures, detail FROM checks WHERE zone_id = ?1", *id);
    if (!st) return fail(st.error());
    return st->first([](const sql::Stmt& row) {
        return CheckRecord{instant(row.i64(0)), row.i64(1) != 0, row.i64(2), row.text(3)};
    });
}

Result<bool> Store::first_notification(std::string_view zone, std::string_view event,
                                       std::string_view subject, Instant now) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    if (auto r = db.run(
            "INSERT INTO notifications (zone_id, event, subject, at) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT DO NOTHING",
            *id, event, subject, secs(now));
        !r)
        return fail(r.error());
    return db.changes() > 0;
}

Result<void> Store::clear_notifications(std::string_view zone, std::string_view event) {
    auto& db = impl_->db;
    auto id = zone_id(db, zone);
    if (!id) return fail(id.error());
    return db.run("DELETE FROM notifications WHERE zone_id = ?1 AND event = ?2", *id, event);
}

}  // namespace zw::store
