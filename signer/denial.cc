#include "signer/denial.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "dns/encoding.h"
#include "dns/nsec3.h"
#include "dns/rdata.h"
#include "signer/parallel.h"

namespace zw::signer {

bool is_signed_rrset(zones::NodeRole role, std::uint16_t type) {
    switch (role) {
        case zones::NodeRole::occluded:
            return false;
        case zones::NodeRole::delegation:
            return type == dns::rrtype::DS || type == dns::rrtype::NSEC;
        case zones::NodeRole::apex:
        case zones::NodeRole::authoritative:
            return true;
    }
    return false;
}

namespace {

// RFC 4034 §4.1.2, from types in ascending order.
void append_type_bitmap(dns::Bytes& out, std::span<const std::uint16_t> sorted_types) {
    std::size_t i = 0;
    while (i < sorted_types.size()) {
        std::uint8_t window = static_cast<std::uint8_t>(sorted_types[i] >> 8);
        std::uint8_t bits[32] = {};
        int length = 0;
        for (; i < sorted_types.size() && (sorted_types[i] >> 8) == window; ++i) {
            std::uint8_t low = static_cast<std::uint8_t>(sorted_types[i]);
            bits[low / 8] |= static_cast<std::uint8_t>(0x80 >> (low % 8));
            length = low / 8 + 1;
        }
        out.push_back(window);
        out.push_back(static_cast<std::uint8_t>(length));
        out.insert(out.end(), bits, bits + length);
    }
}

}  // namespace

void denial_bitmap(const zones::Node& node, std::vector<std::uint16_t>& types, dns::Bytes& bitmap) {
    types.clear();
    bool any_signed = false;
    for (const auto& set : node.rrsets) {
        // RFC 4035 §2.3: at a delegation only NS, DS, NSEC and RRSIG are ours to list;
        // glue or other data at the cut belongs to the child.
        if (node.role == zones::NodeRole::delegation && set.type != dns::rrtype::NS &&
            set.type != dns::rrtype::DS && set.type != dns::rrtype::NSEC) {
            continue;
        }
        types.push_back(set.type);
        any_signed = any_signed || is_signed_rrset(node.role, set.type);
    }
    if (any_signed) types.push_back(dns::rrtype::RRSIG);
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    bitmap.clear();
    append_type_bitmap(bitmap, types);
}

void add_nsec_chain(zones::Zone& zone, std::uint32_t ttl) {
    std::vector<std::size_t> chain;
    for (std::size_t i = 0; i < zone.nodes.size(); ++i) {
        if (zone.nodes[i].role != zones::NodeRole::occluded) chain.push_back(i);
    }
    std::vector<std::uint16_t> types;
    dns::Bytes bitmap;
    for (std::size_t k = 0; k < chain.size(); ++k) {
        zones::Node& node = zone.nodes[chain[k]];
        const dns::Name& next = zone.nodes[chain[(k + 1) % chain.size()]].name;
        // The NSEC must be in place before the bitmap is computed: it lists itself.
        auto pos = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                                [](const zones::RRset& s) { return s.type > dns::rrtype::NSEC; });
        // Grown by one, not doubled: doubling would leave RRset slots empty in every node,
        // tens of MB at 1M records.
        const auto at = pos - node.rrsets.begin();
        node.rrsets.reserve(node.rrsets.size() + 1);
        auto it = node.rrsets.insert(node.rrsets.begin() + at,
                                     zones::RRset{dns::rrtype::NSEC, ttl, {}, {}, {}});
        denial_bitmap(node, types, bitmap);
        dns::Bytes rdata;
        rdata.reserve(next.bytes().size() + bitmap.size());
        rdata.insert(rdata.end(), next.bytes().begin(), next.bytes().end());
        rdata.insert(rdata.end(), bitmap.begin(), bitmap.end());
        it->rdatas.push_back(std::move(rdata));
    }
}

dns::Bytes nsec3_hash(const dns::Name& name, const Nsec3Params& params) {
    return dns::nsec3_hash(name, params.salt, params.iterations);
}

Nsec3Originals nsec3_original_names(const zones::Zone& zone, bool opt_out) {
    // The nodes are in canonical order, in which everything below a name directly follows
    // it. So an empty non-terminal goes just before the first node below it, and a name
    // above a node is already listed exactly when the name listed last lies below it (or
    // is it): one pass, where a set ordered by canonical comparison cost a tenth of an
    // NSEC3 run.
    Nsec3Originals out;
    std::vector<dns::Name>& names = out.names;
    std::vector<dns::Name> above;
    for (const auto& node : zone.nodes) {
        if (node.role == zones::NodeRole::occluded) continue;
        if (opt_out && node.role == zones::NodeRole::delegation && !node.find(dns::rrtype::DS))
            continue;
        // The node and every empty non-terminal between it and the apex (RFC 5155 §7.1).
        above.clear();
        if (node.name != zone.origin) {
            for (dns::Name n = node.name.parent(); n.is_subdomain_of(zone.origin); n = n.parent()) {
                if (!names.empty() && names.back().is_subdomain_of(n)) break;
                above.push_back(n);
                if (n == zone.origin) break;
            }
        }
        names.insert(names.end(), std::make_move_iterator(above.rbegin()),
                     std::make_move_iterator(above.rend()));
        out.nodes.insert(out.nodes.end(), above.size(), nullptr);
        names.push_back(node.name);
        out.nodes.push_back(&node);
    }
    return out;
}

dns::Bytes nsec3param_rdata(const Nsec3Params& params) {
    dns::Bytes out{1, 0};  // hash algorithm SHA-1; flags 0 (RFC 5155 §4.1.2)
    dns::put_u16(out, params.iterations);
    out.push_back(static_cast<std::uint8_t>(params.salt.size()));
    out.insert(out.end(), params.salt.begin(), params.salt.end());
    return out;
}

std::vector<dns::Bytes> nsec3_hashes(std::span<const dns::Name> names, const Nsec3Params& params,
                                     unsigned threads) {
    std::vector<dns::Bytes> out(names.size());
    parallel_chunks(names.size(), threads, 4096, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) out[i] = nsec3_hash(names[i], params);
    });
    return out;
}

Result<std::vector<zones::Node>> build_nsec3_chain(const zones::Zone& zone,
                                                   const Nsec3Params& params, std::uint32_t ttl,
                                                   unsigned threads) {
    auto [originals, node_of] = nsec3_original_names(zone, params.opt_out);
    struct Entry {
        dns::Bytes hash;
        std::size_t original;
    };
    std::vector<dns::Bytes> hashes = nsec3_hashes(originals, params, threads);
    std::vector<Entry> entries;
    entries.reserve(originals.size());
    for (std::size_t i = 0; i < originals.size(); ++i) entries.push_back({std::move(hashes[i]), i});
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (entries[i].hash == entries[i - 1].hash) {
            return fail(
                bad_input(fmt::format("NSEC3 hash collision between {} and {}; choose another salt",
                                      originals[entries[i - 1].original].to_text(),
                                      originals[entries[i].original].to_text())));
        }
    }
    std::vector<zones::Node> out;
    out.reserve(entries.size());
    std::vector<std::uint16_t> types;
    dns::Bytes bitmap;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        const dns::Bytes& next = entries[(i + 1) % entries.size()].hash;
        auto owner = zone.origin.prepend(dns::base32hex_encode(e.hash));
        if (!owner) return fail(owner.error());
        dns::Bytes rdata{1, static_cast<std::uint8_t>(params.opt_out ? 1 : 0)};
        dns::put_u16(rdata, params.iterations);
        rdata.push_back(static_cast<std::uint8_t>(params.salt.size()));
        rdata.insert(rdata.end(), params.salt.begin(), params.salt.end());
        rdata.push_back(static_cast<std::uint8_t>(next.size()));
        rdata.insert(rdata.end(), next.begin(), next.end());
        if (const zones::Node* node = node_of[e.original]) {
            denial_bitmap(*node, types, bitmap);
            rdata.insert(rdata.end(), bitmap.begin(), bitmap.end());
        }
        zones::Node n{*owner, zones::NodeRole::authoritative, {}};
        n.rrsets.push_back(zones::RRset{dns::rrtype::NSEC3, ttl, {std::move(rdata)}, {}, {}});
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace zw::signer
