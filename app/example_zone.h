#pragma once

namespace zw::app {

// The contents of examples/example.test.zone, for the demo.
extern const char* const example_zone_text;
inline constexpr const char* example_zone_origin = "example.test.";

}  // namespace zw::app
