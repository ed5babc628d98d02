#pragma once
// The configuration's YAML read into the field loader's tree (base/config_fields.h): the
// only place that sees yaml-cpp. A key twice in one map is an error naming both places
// (yaml-cpp keeps one of them silently); so are keys that are not single values, and
// aliases that expand the tree beyond any real configuration.

#include <string>
#include <string_view>

#include "base/config_fields.h"
#include "base/error.h"

namespace zw::app {

// `file` names the text in errors and marks, and its directory is where relative paths
// in the tree lead.
[[nodiscard]] Result<ConfigNode> parse_yaml_tree(std::string_view text, const std::string& file);

}  // namespace zw::app
