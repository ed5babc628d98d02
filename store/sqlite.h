#pragma once
// A thin RAII layer over sqlite3: owned handles, prepared statements with typed binds,
// and an IMMEDIATE transaction guard that rolls back unless committed. Private to store/.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/error.h"

namespace zw::store::sql {

template <auto F>
struct Free {
    void operator()(auto* p) const noexcept { F(p); }
};
using DbHandle = std::unique_ptr<sqlite3, Free<sqlite3_close_v2>>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, Free<sqlite3_finalize>>;

class Stmt;

template <typename T>
struct Unwrapped {
    using type = T;
};
template <typename T>
struct Unwrapped<Result<T>> {
    using type = T;
};
// What a row maker makes, without the Result around it.
template <typename Make>
using RowOf = typename Unwrapped<std::invoke_result_t<Make&, const Stmt&>>::type;

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
    // Binds `args` to ?1, ?2, ... in order (integers, text, optional integers as NULL).
    template <typename... Args>
    Stmt& bind_all(const Args&... args) {
        int i = 0;
        (bind(++i, args), ...);
        return *this;
    }
    // Steps through every row, each made by `make(*this)`, which returns the row's value or
    // a Result of it (the first error ends the walk).
    template <typename Make>
    [[nodiscard]] auto rows(Make make) -> Result<std::vector<RowOf<Make>>>;
    // The first row made by `make`, or nothing when the query has no row.
    template <typename Make>
    [[nodiscard]] auto first(Make make) -> Result<std::optional<RowOf<Make>>>;
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
    // Prepared with `args` bound to ?1, ?2, ... in order.
    template <typename... Args>
    [[nodiscard]] Result<Stmt> prepare(std::string_view sql, const Args&... args) {
        auto st = prepare(sql);
        if (st) st->bind_all(args...);
        return st;
    }
    // A statement that returns no rows, run once with `args`.
    template <typename... Args>
    [[nodiscard]] Result<void> run(std::string_view sql, const Args&... args) {
        auto st = prepare(sql, args...);
        if (!st) return fail(st.error());
        return st->run();
    }
    [[nodiscard]] std::int64_t last_insert_id() const;
    [[nodiscard]] std::int64_t changes() const;  // rows changed by the last statement
    [[nodiscard]] sqlite3* raw() const { return db_.get(); }
    [[nodiscard]] Error error(std::string_view what) const;

  private:
    explicit Db(DbHandle h) : db_(std::move(h)) {}
    DbHandle db_;
};

template <typename Make>
auto Stmt::rows(Make make) -> Result<std::vector<RowOf<Make>>> {
    std::vector<RowOf<Make>> out;
    for (;;) {
        auto row = step();
        if (!row) return fail(row.error());
        if (!*row) return out;
        if constexpr (std::is_same_v<RowOf<Make>, std::invoke_result_t<Make&, const Stmt&>>) {
            out.push_back(make(std::as_const(*this)));
        } else {
            auto value = make(std::as_const(*this));
            if (!value) return fail(value.error());
            out.push_back(std::move(*value));
        }
    }
}

template <typename Make>
auto Stmt::first(Make make) -> Result<std::optional<RowOf<Make>>> {
    auto row = step();
    if (!row) return fail(row.error());
    if (!*row) return std::optional<RowOf<Make>>{};
    if constexpr (std::is_same_v<RowOf<Make>, std::invoke_result_t<Make&, const Stmt&>>) {
        return std::optional<RowOf<Make>>{make(std::as_const(*this))};
    } else {
        auto value = make(std::as_const(*this));
        if (!value) return fail(value.error());
        return std::optional<RowOf<Make>>{std::move(*value)};
    }
}

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
