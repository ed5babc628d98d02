#include "signer/zone_writer.h"

#include "dns/presentation.h"
#include "zones/atomic_file.h"

namespace zw::signer {

namespace {

void emit_rrset(const zones::RRset& set, std::string& out) {
    for (const auto& rdata : set.rdatas) {
        dns::append_rr_text(out, set.owner, set.ttl, set.type, rdata);
        out += '\n';
    }
    for (const auto& sig : set.signatures) {
        dns::append_rr_text(out, set.owner, set.ttl, dns::rrtype::RRSIG, sig);
        out += '\n';
    }
}

// Calls flush(text) whenever the text grows past a block, and once at the end.
template <typename Flush>
void emit_zone(const SignedZone& sz, Flush flush) {
    constexpr std::size_t block = 1 << 20;
    std::string text;
    text.reserve(block + 4096);
    const zones::RRset* soa = sz.zone.apex().find(dns::rrtype::SOA);
    if (soa) emit_rrset(*soa, text);  // SOA first, as name servers and humans expect
    sz.for_each_node([&](const zones::Node& node) {
        for (const auto& set : node.rrsets) {
            if (&set == soa) continue;
            emit_rrset(set, text);
        }
        if (text.size() >= block) {
            flush(text);
            text.clear();
        }
    });
    flush(text);
}

}  // namespace

Result<void> write_signed_zone(const SignedZone& zone, const std::string& path) {
    return zones::write_file_atomically(path, 0644, [&](zones::BufferedWriter& w) -> Result<void> {
        emit_zone(zone, [&](const std::string& text) { w.write(text); });
        return {};
    });
}

Result<std::string> signed_zone_text(const SignedZone& zone) {
    std::string out;
    emit_zone(zone, [&](const std::string& text) { out += text; });
    return out;
}

}  // namespace zw::signer
