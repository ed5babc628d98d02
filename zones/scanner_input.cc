#include "zones/scanner_input.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "base/regular_file.h"
#include "dns/name_text_with.h"

namespace zw::zones {

std::string scanner_name_text(const dns::Name& name) {
    return dns::name_text_with(
        name, [](std::string& out, std::uint8_t c) { out += fmt::format("\\{:03}", c); });
}

Result<void> set_scanner_file(zs_scanner_t* s, const std::string& path, std::uint64_t max_bytes) {
    auto file = open_regular_file(path, "zone file", max_bytes);
    if (!file) return fail(file.error());
    const std::string by_descriptor = fmt::format("/proc/self/fd/{}", file->fd.get());
    const bool have_proc = ::access(by_descriptor.c_str(), R_OK) == 0;
    if (zs_set_input_file(s, have_proc ? by_descriptor.c_str() : path.c_str()) != 0)
        return fail(bad_input(
            fmt::format("cannot read the zone file {}: {}", path, zs_strerror(s->error.code))));
    if (have_proc) {
        // Messages name the file as the operator knows it. The scanner owns (and frees)
        // this string; it resolved the directory for relative $INCLUDEs from the real
        // file already.
        std::free(s->file.name);
        s->file.name = ::strdup(path.c_str());
    }
    return {};
}

}  // namespace zw::zones
