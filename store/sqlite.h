#pragma once
// A thin RAII layer over sqlite3: owned handles, prepared statements with typed binds,
// and an IMMEDIATE transaction guard that rolls back unless committed. Private to store/.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace zw::store::sql {

template <auto F>
struct Free {
    void operator()(auto* p) const noexcept { F(p); }
};
using DbHandle = std::unique_ptr<sqlite3, Free<sqlite3_close_v2>>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, Free<sqlite3_finalize>>;

class Stmt {
  public:
    Stmt(sqlite3* db, StmtHandle s) : db_(db), s_(std::move(s)) {}
    Stmt& bind(int i, std::int64_t v);
    Stmt& bind(int i, std::string_view v);
    Stmt& bind(int i, std::optional<std::int64_t> v);
    Stmt& bind_null(int i);
    // SQLITE_ROW → true, SQLITE_DONE → false.
    [[nodiscard]] Result<bool> step();
    [[nodiscard]] Result<void> run();  // step to completion, expecting no rows
    void reset();                      // ready for new binds
    [[nodiscard]] std::int64_t i64(int col) const;
    [[nodiscard]] std::optional<std::int64_t> opt_i64(int col) const;
    [[nodiscard]] std::string text(int col) const;

  private:
    sqlite3* db_;
    StmtHandle s_;
};

class Db {
  public:
    // A writer creates the file when missing unless `create` is false.
    static Result<Db> open(const std::string& path, bool read_only, bool create = true);
    [[nodiscard]] Result<void> exec(std::string_view sql);
    [[nodiscard]] Result<Stmt> prepare(std::string_view sql);
    [[nodiscard]] std::int64_t last_insert_id() const;
    [[nodiscard]] std::int64_t changes() const;  // rows changed by the last statement
    [[nodiscard]] sqlite3* raw() const { return db_.get(); }
    [[nodiscard]] Error error(std::string_view what) const;

  private:
    explicit Db(DbHandle h) : db_(std::move(h)) {}
    DbHandle db_;
};

// BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock halfway.
class Transaction {
  public:
    static Result<Transaction> begin(Db& db);
    Transaction(Transaction&& o) noexcept : db_(o.db_), open_(o.open_) { o.open_ = false; }
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    [[nodiscard]] Result<void> commit();

  private:
    explicit Transaction(Db& db) : db_(&db) {}
    Db* db_;
    bool open_ = true;
};

}  // namespace zw::store::sql
