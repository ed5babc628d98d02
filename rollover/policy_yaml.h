#pragma once
// Loading policies from the configuration's `policies:` map (docs/rollover.md, "Policy YAML").
// Every error names file:line and the field, e.g.
//   zonewarden.yaml:12: policy default: zsk.lifetime: invalid duration '9x': ...
// Unknown fields are errors: a misspelt `dnskey-tll` must not silently become the default.

#include <map>
#include <string>
#include <string_view>

#include "base/error.h"
#include "rollover/policy.h"

namespace zw::rollover {

// Reads the file and returns its `policies:` entries by name (an absent map is empty).
[[nodiscard]] Result<std::map<std::string, Policy>> load_policies_file(const std::string& path);

// The same from text; `file` is only used in error messages.
[[nodiscard]] Result<std::map<std::string, Policy>> parse_policies_text(std::string_view text,
                                                                        std::string_view file);

}  // namespace zw::rollover
