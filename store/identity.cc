#include "store/identity.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>

namespace zw::store {

namespace {

Result<std::int64_t> number(sql::Db& db, std::string_view query) {
    auto st = db.prepare(query);
    if (!st) return fail(st.error());
    auto value = st->first([](const sql::Stmt& row) { return row.i64(0); });
    if (!value) return fail(value.error());
    return value->value_or(0);
}

}  // namespace

std::optional<Found> found_on_disk(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return errno == ENOENT ? std::optional(Found::missing) : std::nullopt;
    if (st.st_size != 0) return std::nullopt;
    // A zero-byte database with a write-ahead log is SQLite's to read, not ours to judge.
    struct stat wal {};
    if (::stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size != 0) return std::nullopt;
    return Found::empty;
}

Result<Found> identify(sql::Db& db) {
    // The first read of a file that is not SQLite fails here ("file is not a database").
    auto id = number(db, "PRAGMA application_id");
    if (!id) {
        if (sqlite3_errcode(db.raw()) == SQLITE_NOTADB) return Found::foreign;
        return fail(id.error());
    }
    if (*id == application_id) return Found::ours;
    if (*id != 0) return Found::foreign;
    auto version = number(db, "PRAGMA user_version");
    auto objects = number(db, "SELECT count(*) FROM sqlite_master");
    auto tables = number(db,
                         "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                         "('zones', 'audit_log')");
    for (const auto* r : {&version, &objects, &tables})
        if (!*r) return fail(r->error());
    if (*version == 0 && *objects == 0) return Found::empty;
    if (*version >= 1 && *tables == 2) return Found::ours;
    return Found::foreign;
}

Result<void> stamp(sql::Db& db) {
    return db.exec(fmt::format("PRAGMA application_id = {}", application_id));
}

}  // namespace zw::store
