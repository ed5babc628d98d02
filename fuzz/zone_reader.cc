// The zone-file reader and the checks a zone passes before it is signed (zones/), on zone
// text a tenant controls: any input must end in records or in errors with a place, never
// in a crash, a hang or a sanitizer report. What it accepts is printed the way the signed
// output prints records, which must not fail either.
//
// The origin is example.test. (the seeds use it); $INCLUDE is refused for zone text that
// does not come from a file, so an input cannot read the fuzzing machine's files.

#include <string>

#include "dns/presentation.h"
#include "fuzz/target.h"
#include "zones/build.h"
#include "zones/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zw;
    static const dns::Name origin = dns::Name::from_text("example.test.").value();
    const std::string text(reinterpret_cast<const char*>(data), size);
    zones::Diagnostics diag;
    zones::ReadResult read = zones::read_zone_text(text, "fuzz.zone", origin, {}, diag);
    if (!diag.errors.empty()) return 0;
    zones::Zone zone = zones::build_zone(origin, std::move(read), diag);
    if (!diag.errors.empty()) return 0;
    std::string out;
    for (const auto& node : zone.nodes)
        for (const auto& set : node.rrsets)
            for (const auto& rdata : set.rdatas) {
                out.clear();
                dns::append_rr_text(out, node.name, set.ttl, set.type, rdata);
            }
    return 0;
}
