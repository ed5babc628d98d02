#pragma once
// Actions as one line of text, so a decision's pending actions survive a crash and can be
// executed after a restart. Keys are "id:algorithm:role:tag" (tag "-" before generation);
// key lists are comma-separated ("-" when empty).
//   generate-key 7:13:ksk:- 3
//   submit-ds 3:13:ksk:4711,9:13:ksk:8812
//   probe <key> dnskey|krrsig|zrrsig|ds present|absent          purge-key <key>
// Older versions also journaled publish-dnskey, sign-with and publish-cds; they decode as
// nothing to execute (the zone's publication follows the key states).

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "rollover/engine.h"

namespace zw::store {

[[nodiscard]] std::string encode(const rollover::Action& a);
// nullopt: a retired kind. An unknown or malformed line is an internal error.
[[nodiscard]] Result<std::optional<rollover::Action>> decode(std::string_view line);

}  // namespace zw::store
