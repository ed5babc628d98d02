#include "store/sqlite.h"

#include <fmt/format.h>

namespace zw::store::sql {

Stmt& Stmt::bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_.get(), i, v);
    return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
    sqlite3_bind_text(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}
Stmt& Stmt::bind(int i, std::optional<std::int64_t> v) {
    if (v) return bind(i, *v);
    return bind_null(i);
}
Stmt& Stmt::bind_null(int i) {
    sqlite3_bind_null(s_.get(), i);
    return *this;
}

Result<bool> Stmt::step() {
    int rc = sqlite3_step(s_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return fail(outside_error(fmt::format("sqlite: {}", sqlite3_errmsg(db_))));
}

Result<void> Stmt::run() {
    for (;;) {
        auto r = step();
        if (!r) return fail(r.error());
        if (!*r) return {};
    }
}

void Stmt::reset() {
    sqlite3_reset(s_.get());
    sqlite3_clear_bindings(s_.get());
}

std::int64_t Stmt::i64(int col) const { return sqlite3_column_int64(s_.get(), col); }
std::optional<std::int64_t> Stmt::opt_i64(int col) const {
    if (sqlite3_column_type(s_.get(), col) == SQLITE_NULL) return std::nullopt;
    return i64(col);
}
std::string Stmt::text(int col) const {
    auto* p = sqlite3_column_text(s_.get(), col);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string{};
}

Result<Db> Db::open(const std::string& path, bool read_only, bool create) {
    sqlite3* raw = nullptr;
    int flags = read_only ? SQLITE_OPEN_READONLY
                          : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
    DbHandle h(raw);
    if (rc != SQLITE_OK)
        return fail(outside_error(fmt::format("cannot open state database {}: {}", path,
                                              raw ? sqlite3_errmsg(raw) : "out of memory")));
    // Status readers wait briefly rather than fail while a writer checkpoints.
    sqlite3_busy_timeout(raw, 5000);
    return Db(std::move(h));
}

Result<void> Db::exec(std::string_view sql) {
    char* msg = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string m = msg ? msg : "unknown error";
        sqlite3_free(msg);
        return fail(outside_error(fmt::format("sqlite: {}", m)));
    }
    return {};
}

Result<Stmt> Db::prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &s, nullptr) !=
        SQLITE_OK)
        return fail(error("prepare"));
    return Stmt(db_.get(), StmtHandle(s));
}

std::int64_t Db::last_insert_id() const { return sqlite3_last_insert_rowid(db_.get()); }
std::int64_t Db::changes() const { return sqlite3_changes(db_.get()); }

Error Db::error(std::string_view what) const {
    return outside_error(fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db_.get())));
}

Result<Transaction> Transaction::begin(Db& db) {
    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return fail(r.error());
    return Transaction(db);
}

Transaction::~Transaction() {
    if (open_) (void)db_->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
    if (auto r = db_->exec("COMMIT"); !r) return r;
    open_ = false;
    return {};
}

}  // namespace zw::store::sql
