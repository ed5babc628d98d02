#include "registrar/journal.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "dns/encoding.h"
#include "store/sqlite.h"

namespace zw::registrar {

namespace {

// Version 1 of the journal's own schema; later versions append statements here.
constexpr std::string_view journal_schema_v1 = R"sql(
CREATE TABLE IF NOT EXISTS registrar_journal_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS registrar_journal (
    id INTEGER PRIMARY KEY,
    zone TEXT NOT NULL,
    registrar TEXT NOT NULL,
    operation TEXT NOT NULL,
    entries TEXT NOT NULL,
    state TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    sent_at INTEGER NOT NULL,
    answered_at INTEGER
);
CREATE INDEX IF NOT EXISTS registrar_journal_open ON registrar_journal(zone, registrar, state);
)sql";

template <typename E, std::size_t N>
std::optional<E> from_text(std::string_view t, const std::array<E, N>& all) {
    for (auto e : all)
        if (to_text(e) == t) return e;
    return std::nullopt;
}
constexpr std::array all_ops{Operation::add, Operation::remove, Operation::replace,
                             Operation::submit};
constexpr std::array all_states{JournalState::sent, JournalState::accepted, JournalState::done,
                                JournalState::failed};

}  // namespace

std::string_view to_text(Operation o) {
    switch (o) {
        case Operation::add:
            return "add";
        case Operation::remove:
            return "remove";
        case Operation::replace:
            return "replace";
        case Operation::submit:
            return "submit";
    }
    return "?";
}

std::string_view to_text(JournalState s) {
    switch (s) {
        case JournalState::sent:
            return "sent";
        case JournalState::accepted:
            return "accepted";
        case JournalState::done:
            return "done";
        case JournalState::failed:
            return "failed";
    }
    return "?";
}

std::string entries_to_json(const std::vector<Entry>& entries) {
    auto arr = nlohmann::json::array();
    for (const auto& e : entries) {
        nlohmann::json j{{"key_tag", e.key_tag}, {"algorithm", e.algorithm}};
        if (!e.id.empty()) j["id"] = e.id;
        if (e.has_digest()) {
            j["digest_type"] = *e.digest_type;
            j["digest"] = dns::hex_encode(e.digest);
        }
        if (e.flags) j["flags"] = *e.flags;
        if (e.has_key()) j["public_key"] = dns::base64_encode(e.public_key);
        arr.push_back(std::move(j));
    }
    return arr.dump();
}

Result<std::vector<Entry>> entries_from_json(std::string_view text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return fail(bad_input("entries: not a JSON array"));
    std::vector<Entry> out;
    try {
        for (const auto& o : j) {
            Entry e;
            e.id = o.value("id", "");
            e.key_tag = o.at("key_tag").get<std::uint16_t>();
            e.algorithm = o.at("algorithm").get<std::uint8_t>();
            if (o.contains("digest")) {
                e.digest_type = o.at("digest_type").get<std::uint8_t>();
                auto d = dns::hex_decode(o.at("digest").get<std::string>());
                if (!d) return fail(bad_input("entries: bad hex digest"));
                e.digest = std::move(*d);
            }
            if (o.contains("flags")) e.flags = o.at("flags").get<std::uint16_t>();
            if (o.contains("public_key")) {
                auto k = dns::base64_decode(o.at("public_key").get<std::string>());
                if (!k) return fail(bad_input("entries: bad base64 public key"));
                e.public_key = std::move(*k);
            }
            out.push_back(std::move(e));
        }
    } catch (const nlohmann::json::exception& ex) {
        return fail(bad_input(fmt::format("entries: {}", ex.what())));
    }
    return out;
}

struct Journal::Impl {
    store::sql::Db db;
};

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::Journal(Journal&&) noexcept = default;
Journal& Journal::operator=(Journal&&) noexcept = default;
Journal::~Journal() = default;

Result<Journal> Journal::open(const std::string& path) {
    auto db = store::sql::Db::open(path, false);
    if (!db) return fail(db.error());
    // synchronous=FULL: a "sent" row must be on disk before the request leaves (WAL is the
    // store's choice for the same file; setting it here too is harmless).
    for (auto pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"})
        if (auto r = db->exec(pragma); !r) return fail(r.error());
    auto tx = store::sql::Transaction::begin(*db);
    if (!tx) return fail(tx.error());
    if (auto r = db->exec(journal_schema_v1); !r) return fail(r.error());
    auto v = db->prepare("SELECT max(version) FROM registrar_journal_version");
    if (!v) return fail(v.error());
    if (auto row = v->step(); !row) return fail(row.error());
    auto have = v->opt_i64(0);
    if (have && *have > 1)
        return fail(config_error(fmt::format(
            "registrar journal in {} has version {}, newer than this zonewarden", path, *have)));
    if (!have)
        if (auto r = db->exec("INSERT INTO registrar_journal_version(version) VALUES (1)"); !r)
            return fail(r.error());
    if (auto r = tx->commit(); !r) return fail(r.error());
    return Journal(std::make_unique<Impl>(Impl{std::move(*db)}));
}

Result<std::int64_t> Journal::sent(std::string_view zone, std::string_view registrar, Operation op,
                                   const std::vector<Entry>& entries, Instant now) {
    auto st = impl_->db.prepare(
        "INSERT INTO registrar_journal(zone, registrar, operation, entries, state, sent_at) "
        "VALUES (?, ?, ?, ?, 'sent', ?)");
    if (!st) return fail(st.error());
    st->bind(1, zone).bind(2, registrar).bind(3, to_text(op)).bind(4, entries_to_json(entries));
    st->bind(5, static_cast<std::int64_t>(now.time_since_epoch().count()));
    if (auto r = st->run(); !r) return fail(r.error());
    return impl_->db.last_insert_id();
}

Result<void> Journal::answered(std::int64_t id, JournalState state, std::string_view reference,
                               std::string_view detail, Instant now) {
    auto st = impl_->db.prepare(
        "UPDATE registrar_journal SET state = ?, reference = ?, detail = ?, answered_at = ? "
        "WHERE id = ?");
    if (!st) return fail(st.error());
    st->bind(1, to_text(state)).bind(2, reference).bind(3, detail);
    st->bind(4, static_cast<std::int64_t>(now.time_since_epoch().count())).bind(5, id);
    return st->run();
}

namespace {
Result<std::vector<JournalRecord>> read_records(store::sql::Db& db, std::string_view zone,
                                                std::string_view registrar, bool open_only) {
    auto st = db.prepare(fmt::format(
        "SELECT id, zone, registrar, operation, entries, state, reference, detail, sent_at, "
        "answered_at FROM registrar_journal WHERE zone = ? AND registrar = ? {} ORDER BY id",
        open_only ? "AND state IN ('sent', 'accepted')" : ""));
    if (!st) return fail(st.error());
    st->bind(1, zone).bind(2, registrar);
    std::vector<JournalRecord> out;
    for (;;) {
        auto row = st->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        JournalRecord r;
        r.id = st->i64(0);
        r.zone = st->text(1);
        r.registrar = st->text(2);
        auto op = from_text(st->text(3), all_ops);
        auto state = from_text(st->text(5), all_states);
        auto entries = entries_from_json(st->text(4));
        if (!op || !state || !entries)
            return fail(
                internal_error(fmt::format("registrar journal row {} is unreadable", r.id)));
        r.operation = *op;
        r.state = *state;
        r.entries = std::move(*entries);
        r.reference = st->text(6);
        r.detail = st->text(7);
        r.sent_at = Instant(Seconds(st->i64(8)));
        if (auto a = st->opt_i64(9)) r.answered_at = Instant(Seconds(*a));
        out.push_back(std::move(r));
    }
    return out;
}
}  // namespace

Result<std::vector<JournalRecord>> Journal::open_records(std::string_view zone,
                                                         std::string_view registrar) {
    return read_records(impl_->db, zone, registrar, true);
}

Result<std::vector<JournalRecord>> Journal::history(std::string_view zone,
                                                    std::string_view registrar) {
    return read_records(impl_->db, zone, registrar, false);
}

}  // namespace zw::registrar
