#include "signer/zone_writer.h"

#include "dns/presentation.h"
#include "signer/parallel.h"
#include "zones/atomic_file.h"

namespace zw::signer {

namespace {

// Every line of an RRset starts with the same owner, TTL and class: printed once.
void emit_rrset(const zones::RRset& set, std::string& out, std::string& prefix) {
    prefix.clear();
    dns::append_rr_prefix(prefix, set.owner, set.ttl);
    for (const auto& rdata : set.rdatas) {
        out += prefix;
        dns::append_rr_data_text(out, set.owner, set.type, rdata);
        out += '\n';
    }
    for (const auto& sig : set.signatures) {
        out += prefix;
        dns::append_rr_data_text(out, set.owner, dns::rrtype::RRSIG, sig);
        out += '\n';
    }
}

// Formatting is most of the writer's time, so nodes are formatted in parallel, a batch of
// chunks at a time (bounded memory), and each batch is handed to flush in node order.
template <typename Flush>
void emit_zone(const SignedZone& sz, unsigned threads, Flush flush) {
    constexpr std::size_t chunk = 512;  // nodes
    const std::size_t zone_nodes = sz.zone.nodes.size();
    const std::size_t total = zone_nodes + sz.nsec3_nodes.size();
    const zones::RRset* soa = sz.zone.apex().find(dns::rrtype::SOA);
    std::string head, prefix;
    if (soa) emit_rrset(*soa, head, prefix);  // SOA first, as name servers and humans expect
    flush(head);

    // A few chunks per thread keep the threads busy; more would only hold text in memory.
    const std::size_t batch_chunks = 4 * std::max(1u, threads);
    std::vector<std::string> texts(batch_chunks);
    for (std::size_t first = 0; first < total; first += batch_chunks * chunk) {
        const std::size_t batch_end = std::min(total, first + batch_chunks * chunk);
        const std::size_t chunks = (batch_end - first + chunk - 1) / chunk;
        parallel_chunks(chunks, threads, 1, [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t c = begin; c < end; ++c) {
                std::string& text = texts[c];
                text.clear();
                std::string prefix;
                const std::size_t from = first + c * chunk, to = std::min(batch_end, from + chunk);
                for (std::size_t i = from; i < to; ++i) {
                    const zones::Node& node = i < zone_nodes ? sz.zone.nodes[i] : sz.nsec3_nodes[i - zone_nodes];
                    for (const auto& set : node.rrsets) {
                        if (&set != soa) emit_rrset(set, text, prefix);
                    }
                }
            }
        });
        for (std::size_t c = 0; c < chunks; ++c) flush(texts[c]);
    }
}

}  // namespace

Result<void> write_signed_zone(const SignedZone& zone, const std::string& path) {
    return write_signed_zone(zone, path, 1);
}

Result<void> write_signed_zone(const SignedZone& zone, const std::string& path, unsigned threads) {
    return zones::write_file_atomically(path, 0644, [&](zones::BufferedWriter& w) -> Result<void> {
        emit_zone(zone, threads, [&](const std::string& text) { w.write(text); });
        return {};
    });
}

Result<std::string> signed_zone_text(const SignedZone& zone) {
    std::string out;
    emit_zone(zone, 1, [&](const std::string& text) { out += text; });
    return out;
}

}  // namespace zw::signer
