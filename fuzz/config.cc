// The configuration loader (app/config.cc) on any text: it gives a configuration or an
// error with file:line, never a crash or an exception. The file is said to live in a
// directory that does not exist, so relative paths name no real file.

#include <string_view>

#include "app/config.h"
#include "fuzz/target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)zw::app::parse_config(std::string_view(reinterpret_cast<const char*>(data), size),
                                "/nonexistent-zonewarden-fuzz/zonewarden.yaml");
    return 0;
}
