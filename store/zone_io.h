#pragma once
// Loading and saving a ZoneState's rows (zones, keys, record_states). Private to store/.

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/error.h"
#include "rollover/key_state.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace zw::store {

// Times are stored as whole seconds since the epoch.
[[nodiscard]] inline std::int64_t secs(Instant t) { return t.time_since_epoch().count(); }
[[nodiscard]] inline Instant instant(std::int64_t s) { return Instant{Seconds{s}}; }
[[nodiscard]] inline std::optional<std::int64_t> opt_secs(const std::optional<Instant>& t) {
    return t ? std::optional<std::int64_t>{secs(*t)} : std::nullopt;
}

// A zone's settings: the columns of zone_info_select, read by zone_info.
inline constexpr std::string_view zone_info_select =
    "SELECT z.name, t.name, z.policy, z.registrar, z.zone_file FROM zones z "
    "JOIN tenants t ON t.id = z.tenant_id";
[[nodiscard]] inline ZoneInfo zone_info(const sql::Stmt& row) {
    return ZoneInfo{row.text(0), row.text(1), row.text(2), row.text(3), row.text(4)};
}

[[nodiscard]] Result<std::int64_t> zone_id(sql::Db& db, std::string_view zone);
[[nodiscard]] Result<rollover::ZoneState> load_zone_state(sql::Db& db, std::int64_t zone);
// Replaces the zone's keys and record states; keys no longer present are marked removed.
[[nodiscard]] Result<void> save_zone_state(sql::Db& db, std::int64_t zone,
                                           const rollover::ZoneState& z, Instant now);
[[nodiscard]] Result<void> append_audit(sql::Db& db, Instant at, std::string_view zone,
                                        std::string_view event, std::string_view detail);

}  // namespace zw::store
