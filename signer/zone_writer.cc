#include "signer/zone_writer.h"

#include "zones/atomic_file.h"

namespace zw::signer {

namespace {

template <typename Sink>
Result<void> emit_rrset(const zones::RRset& set, Sink& sink) {
    for (const auto& rdata : set.rdatas) {
        auto text = dns::rr_to_text(dns::Rr{set.owner, set.type, set.ttl, rdata});
        if (!text) return fail(text.error());
        sink(*text);
    }
    for (const auto& sig : set.signatures) {
        auto text = dns::rr_to_text(dns::Rr{set.owner, dns::rrtype::RRSIG, set.ttl, sig});
        if (!text) return fail(text.error());
        sink(*text);
    }
    return {};
}

template <typename Sink>
Result<void> emit_zone(const SignedZone& sz, Sink& sink) {
    const zones::RRset* soa = sz.zone.apex().find(dns::rrtype::SOA);
    if (soa) {
        if (auto ok = emit_rrset(*soa, sink); !ok) return ok;
    }
    Result<void> status;
    sz.for_each_node([&](const zones::Node& node) {
        for (const auto& set : node.rrsets) {
            if (!status || &set == soa) continue;
            status = emit_rrset(set, sink);
        }
    });
    return status;
}

}  // namespace

Result<void> write_signed_zone(const SignedZone& zone, const std::string& path) {
    return zones::write_file_atomically(path, 0644, [&](zones::BufferedWriter& w) -> Result<void> {
        auto sink = [&](const std::string& line) {
            w.write(line);
            w.write("\n");
        };
        return emit_zone(zone, sink);
    });
}

Result<std::string> signed_zone_text(const SignedZone& zone) {
    std::string out;
    auto sink = [&](const std::string& line) {
        out += line;
        out += '\n';
    };
    if (auto ok = emit_zone(zone, sink); !ok) return fail(ok.error());
    return out;
}

}  // namespace zw::signer
