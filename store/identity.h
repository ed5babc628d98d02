#pragma once
// Private to store/: what the file at the state path is, before anything is written to
// it. A missing file or an empty one (zero bytes, or SQLite's header and nothing more) is
// not a state database, and neither is another program's: taking either for a fresh
// installation would forget every zone and its keys (onboarding again would make new keys
// while the parent's DS still names the old ones).

#include <string>

#include "base/error.h"
#include "store/sqlite.h"

namespace zw::store {

// PRAGMA application_id of a zonewarden database: "ZWST".
inline constexpr std::int64_t application_id = 0x5A575354;

enum class Found { missing, empty, ours, foreign };

// missing or empty from the file system alone (a zero-byte file with no write-ahead log);
// otherwise nullopt: the database must be asked (identify).
[[nodiscard]] std::optional<Found> found_on_disk(const std::string& path);

// Ours: our application id, or a database of zonewarden from before the id (schema
// version set and our tables there). Empty: no id, no version, no table. Foreign: the
// rest, and a file that is not SQLite at all.
[[nodiscard]] Result<Found> identify(sql::Db& db);

// Marks a database of ours (or a new one) with the application id.
[[nodiscard]] Result<void> stamp(sql::Db& db);

}  // namespace zw::store
