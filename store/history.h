#pragma once
// How a record transition is written into the audit log and read back: the status page
// draws each key's past from these rows.

#include <optional>
#include <string>

#include "rollover/engine.h"
#include "store/store.h"

namespace zw::store {

// The audit detail of a "transition" row: "key 3 ds hidden -> rumoured (confirmed)".
[[nodiscard]] std::string transition_text(const rollover::Transition& t);
// The transition an audit row records; nullopt for other events and unreadable rows.
[[nodiscard]] std::optional<rollover::Transition> transition_of(const AuditEntry& entry);

}  // namespace zw::store
