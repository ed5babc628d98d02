#pragma once
// Actions as one line of text, so a decision's pending actions survive a crash and can be
// executed after a restart. Keys are "id:algorithm:role:tag" (tag "-" before generation);
// key lists are comma-separated ("-" when empty).
//   generate-key 7:13:ksk:- 3
//   publish-dnskey 3:13:ksk:4711,4:13:zsk:8812
//   sign-with <keys> <keys>      publish-cds <keys> 0|1      submit-ds <keys>
//   probe <key> dnskey|krrsig|zrrsig|ds present|absent          purge-key <key>

#include <string>
#include <string_view>

#include "base/error.h"
#include "rollover/engine.h"

namespace zw::store {

[[nodiscard]] std::string encode(const rollover::Action& a);
[[nodiscard]] Result<rollover::Action> decode(std::string_view line);

}  // namespace zw::store
