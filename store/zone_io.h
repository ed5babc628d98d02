#pragma once
// Loading and saving a ZoneState's rows (zones, keys, record_states). Private to store/.

#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "rollover/key_state.h"
#include "store/sqlite.h"

namespace zw::store {

[[nodiscard]] Result<std::int64_t> zone_id(sql::Db& db, std::string_view zone);
[[nodiscard]] Result<rollover::ZoneState> load_zone_state(sql::Db& db, std::int64_t zone);
// Replaces the zone's keys and record states; keys no longer present are marked removed.
[[nodiscard]] Result<void> save_zone_state(sql::Db& db, std::int64_t zone,
                                           const rollover::ZoneState& z, Instant now);
[[nodiscard]] Result<void> append_audit(sql::Db& db, Instant at, std::string_view zone,
                                        std::string_view event, std::string_view detail);

}  // namespace zw::store
