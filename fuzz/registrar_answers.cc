// What registrar APIs answer (registrar/), through the smallest entry points that parse
// it: the Gandi and OVH error bodies, OVH's credentials JSON, the journal's entry JSON and
// Retry-After. An answer from outside must never abort a pass: a parse either gives a
// value or an error, and never throws. Input byte 0 chooses the parser, byte 1 the HTTP
// status; the rest is the body (or the header value).

#include <string>

#include "fuzz/target.h"
#include "registrar/gandi.h"
#include "registrar/journal.h"
#include "registrar/ovh.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zw::registrar;
    if (size < 2) return 0;
    HttpResponse r;
    r.status = 200 + data[1] * 2;  // 200..710: every class the adapters tell apart
    r.body.assign(reinterpret_cast<const char*>(data) + 2, size - 2);
    switch (data[0] % 5) {
        case 0: (void)gandi_error(r, "list"); break;
        case 1: (void)ovh_error(r, "list"); break;
        case 2: (void)ovh_credentials(r.body, OvhConfig{}); break;
        case 3: (void)entries_from_json(r.body); break;
        case 4:
            r.headers.emplace_back("Retry-After", r.body);
            (void)retry_after(r);
            break;
    }
    return 0;
}
