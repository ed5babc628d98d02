#pragma once
// The configuration's `policies:` map (docs/rollover.md, "Policy YAML") read into the
// engine's Policy values, each checked whole by rollover::validate. Errors name
// file:line:column and the field, e.g.
//   zonewarden.yaml:12:17: policy default: zsk.lifetime: invalid duration '9x': ...

#include <map>
#include <string>

#include "base/config_fields.h"
#include "base/error.h"
#include "rollover/policy.h"

namespace zw::app {

[[nodiscard]] Result<std::map<std::string, rollover::Policy>> read_policies(
    const ConfigNode& policies);

}  // namespace zw::app
