// What registrar APIs answer (registrar/), through the smallest entry points that parse
// it: the Gandi and OVH answer parsers (key listings, submissions, tasks, the clock), their
// error bodies, OVH's credentials JSON, the journal's entry JSON, Retry-After and Link. An answer
// from outside must never abort a pass: a parse either gives a value or an error, and never throws.
// Input byte 0 chooses the parser, byte 1 the HTTP status; the rest is the body (or the header
// value).

#include <string>

#include "registrar/answer.h"

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
    Exchange ex{"GET", "https://api.test/v5/domain/domains/example.test/dnskeys", r};
    switch (data[0] % 13) {
        case 0:
            (void)gandi_error(r, "list");
            break;
        case 1:
            (void)ovh_error(r, "list");
            break;
        case 2:
            (void)ovh_credentials(r.body, OvhConfig{});
            break;
        case 3:
            (void)entries_from_json(r.body);
            break;
        case 4:
            r.headers.emplace_back("Retry-After", r.body);
            (void)retry_after(r);
            break;
        case 5:
            (void)gandi_parse_list(ex);
            break;
        case 6:
            (void)gandi_parse_add(ex);
            break;
        case 7:
            (void)gandi_parse_remove(ex);
            break;
        case 8:
            (void)ovh_parse_time(ex);
            break;
        case 9:
            (void)ovh_parse_ids(ex);
            break;
        case 10:
            (void)ovh_parse_ds_record(ex);
            break;
        case 11:
            if (auto task = ovh_parse_task(ex)) (void)ovh_task_status(*task);
            break;
        case 12:
            (void)link_next(r.body);
            break;
    }
    return 0;
}
