#include "dane/service.h"

#include <fmt/format.h>

namespace zw::dane {

Result<std::vector<dns::Rr>> service_records(std::span<const TlsService> services) {
    std::vector<dns::Rr> out;
    for (const TlsService& s : services) {
        auto rdata = s.key.empty() ? tlsa_from_certificate(s.params, s.cert, s.chain)
                                   : tlsa_from_key(s.params, s.key);
        if (!rdata) {
            Error e = rdata.error();
            e.message = fmt::format("TLS service {}: {}", s.owner.to_text(), e.message);
            if (s.where && !e.where) e.where = s.where;
            return fail(e);
        }
        out.push_back(dns::Rr{s.owner, tlsa_rrtype, s.ttl, rdata->wire()});
    }
    return out;
}

}  // namespace zw::dane
