#include "zones/scanner_input.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "base/regular_file.h"

namespace zw::zones {

std::string scanner_name_text(const dns::Name& name) {
    if (name.is_root()) return ".";
    std::string out;
    const std::string& wire = name.wire();
    for (std::size_t i = 0; i < wire.size() && wire[i] != 0;
         i += 1 + static_cast<std::uint8_t>(wire[i])) {
        const std::size_t end = i + 1 + static_cast<std::uint8_t>(wire[i]);
        for (std::size_t j = i + 1; j < end; ++j) {
            const auto c = static_cast<std::uint8_t>(wire[j]);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
                out += static_cast<char>(c);
            else
                out += fmt::format("\\{:03}", c);
        }
        out += '.';
    }
    return out;
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
