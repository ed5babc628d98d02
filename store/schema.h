#pragma once
// Versioned schema: migration N brings PRAGMA user_version from N-1 to N, each in its own
// transaction, so a crash mid-migration leaves the previous version intact.

#include <optional>

#include "base/error.h"
#include "store/sqlite.h"

namespace zw::store {

[[nodiscard]] int latest_schema_version();

// Migrate up to `target` (default: the latest). Refuses a database newer than this code.
[[nodiscard]] Result<int> migrate(sql::Db& db, std::optional<int> target = std::nullopt);

[[nodiscard]] Result<int> schema_version(sql::Db& db);

}  // namespace zw::store
