#include "zones/build.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <span>
#include <string_view>
#include <thread>

#include "dns/rdata.h"
#include "zones/checks.h"

namespace zw::zones {

namespace {

// A byte string whose memcmp order is the canonical order of (owner, type) (RFC 4034
// §6.1): labels from the right, each ended by 0x00, with 0x00 and 0x01 inside a label
// escaped as 0x01 0x01 and 0x01 0x02 so that a label still sorts before its extensions.
// Sorting a million records by these keys is several times faster than comparing names
// label by label, which would be half of the time spent reading a large zone.
void append_sort_key(std::string& key, const dns::Name& owner, std::uint16_t type) {
    const std::string& w = owner.wire();
    std::array<std::uint8_t, 128> starts{};
    std::size_t labels = 0;
    for (std::size_t i = 0; i < w.size() && w[i] != 0; i += 1 + static_cast<std::uint8_t>(w[i])) {
        starts[labels++] = static_cast<std::uint8_t>(i);
    }
    while (labels-- > 0) {
        std::size_t at = starts[labels], len = static_cast<std::uint8_t>(w[at]);
        for (std::size_t j = at + 1; j <= at + len; ++j) {
            auto c = static_cast<std::uint8_t>(w[j]);
            if (c <= 1) key += '\x01';
            key += static_cast<char>(c <= 1 ? c + 1 : c);
        }
        key += '\0';
    }
    // The type after a 0x00 that no label byte can take: a name's records stay together.
    key += '\0';
    key += static_cast<char>(type >> 8);
    key += static_cast<char>(type & 0xff);
}

// A record's key is a slice of one buffer (one per half of the records, made on two
// threads): a million keys are two allocations, not a million. The entry also holds the
// first sixteen bytes after the prefix that all keys share (the origin's labels),
// big-endian: most comparisons end there, without a cache miss into the buffer, and only
// equal heads compare the keys themselves. Eight bytes are too few for hosting names
// ("zephyr-9" begins thousands of them): sorting would take twice as long.
struct SortEntry {
    std::uint64_t head = 0, head2 = 0;
    std::size_t offset = 0;
    std::uint32_t length = 0;
    std::uint32_t index = 0;
};

// Keys shorter than the shared prefix plus sixteen bytes are padded with zeros, which sort
// no later than any byte, so a smaller head still means a smaller key.
std::uint64_t key_head(std::string_view key, std::size_t from) {
    std::uint64_t head = 0;
    for (std::size_t i = from; i < from + 8; ++i)
        head = head << 8 | (i < key.size() ? static_cast<std::uint8_t>(key[i]) : 0u);
    return head;
}

// The records' indices in canonical order (owner, type, RDATA), on two threads: keys are
// made for each half of the records and each half is sorted on its own thread, then the
// halves are merged. Grouping then takes the records in this order where they are:
// moving them into a sorted copy would be another 80 MB at 1M records.
std::vector<std::uint32_t> canonical_order(const std::vector<SourcedRr>& records) {
    const std::size_t half = records.size() / 2;
    std::vector<SortEntry> entries(records.size());
    auto make_keys = [&](std::string& keys, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const std::size_t offset = keys.size();
            append_sort_key(keys, records[i].rr.owner, records[i].rr.type);
            entries[i].offset = offset;
            entries[i].length = static_cast<std::uint32_t>(keys.size() - offset);
            entries[i].index = static_cast<std::uint32_t>(i);
        }
    };
    std::string keys, upper_keys;
    {
        std::jthread upper([&] {
            upper_keys.reserve((records.size() - half) * 32);
            make_keys(upper_keys, half, records.size());
        });
        keys.reserve(half * 32);
        make_keys(keys, 0, half);
    }
    auto key = [&](const SortEntry& e) {
        return std::string_view(e.index < half ? keys : upper_keys).substr(e.offset, e.length);
    };
    // Heads start after the prefix every key shares: the origin's labels, in a zone.
    const std::string_view first = entries.empty() ? std::string_view{} : key(entries.front());
    std::size_t shared = first.size();
    for (const auto& e : entries) {
        const std::string_view k = key(e);
        shared = static_cast<std::size_t>(
            std::mismatch(first.begin(), first.begin() + std::min(shared, k.size()), k.begin())
                .first -
            first.begin());
    }
    for (auto& e : entries) {
        const std::string_view k = key(e);
        e.head = key_head(k, shared);
        e.head2 = key_head(k, shared + 8);
    }
    auto less = [&](const SortEntry& a, const SortEntry& b) {
        if (a.head != b.head) return a.head < b.head;
        if (a.head2 != b.head2) return a.head2 < b.head2;
        int c = key(a).compare(key(b));
        if (c != 0) return c < 0;
        return dns::rdata_less(records[a.index].rr.rdata, records[b.index].rr.rdata);
    };
    auto middle = entries.begin() + static_cast<std::ptrdiff_t>(half);
    {
        std::jthread lower([&] { std::sort(entries.begin(), middle, less); });
        std::sort(middle, entries.end(), less);
    }
    std::inplace_merge(entries.begin(), middle, entries.end(), less);
    std::vector<std::uint32_t> order(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) order[i] = entries[i].index;
    return order;
}

// Groups the records, taken in canonical order, into nodes and RRsets.
void group(Zone& zone, std::vector<SourcedRr>& records, std::span<const std::uint32_t> order,
           Checker& check) {
    zone.nodes.reserve(records.size());  // an upper bound; untouched capacity costs no memory
    for (std::size_t at = 0; at < order.size(); ++at) {
        SourcedRr& rec = records[order[at]];
        if (zone.nodes.empty() || zone.nodes.back().name != rec.rr.owner) {
            // The record's owner is not needed after this: moved, not copied (a million
            // copies of a name are a million allocations).
            zone.nodes.push_back(Node{std::move(rec.rr.owner), NodeRole::authoritative, {}});
            const dns::Name& name = zone.nodes.back().name;
            // The node's RRsets are counted ahead and allocated once: growing the vector
            // one type at a time would leave a trail of smaller copies, tens of MB at 1M records.
            std::size_t types = 1;
            for (std::size_t next = at + 1; next < order.size(); ++next) {
                const dns::Rr& rr = records[order[next]].rr;
                const dns::Rr& before = records[order[next - 1]].rr;
                if (rr.owner != name) break;
                types += rr.type != before.type;
            }
            zone.nodes.back().rrsets.reserve(types);
        }
        Node& node = zone.nodes.back();
        if (node.rrsets.empty() || node.rrsets.back().type != rec.rr.type) {
            node.rrsets.push_back(RRset{rec.rr.type, rec.rr.ttl, {}, rec.where, {}});
        }
        RRset& set = node.rrsets.back();
        if (!set.rdatas.empty() && set.rdatas.back() == rec.rr.rdata) {
            check.warning(rec.where,
                          fmt::format("duplicate {} record at {} ignored",
                                      dns::type_to_text(rec.rr.type), node.name.to_text()));
            continue;
        }
        if (rec.rr.ttl != set.ttl) {
            check.warning(
                rec.where,
                fmt::format(
                    "TTLs differ within the {} RRset at {}; using the lowest (RFC 2181 §5.2)",
                    dns::type_to_text(rec.rr.type), node.name.to_text()));
            set.ttl = std::min(set.ttl, rec.rr.ttl);
        }
        set.rdatas.push_back(std::move(rec.rr.rdata));
    }
}

// Marks delegations and occluded names. In canonical order every descendant of a name
// follows it directly, so one open cut at a time is enough.
void assign_roles(Zone& zone) {
    const dns::Name* cut = nullptr;
    for (auto& node : zone.nodes) {
        if (node.name == zone.origin) {
            node.role = NodeRole::apex;
        } else if (cut && node.name.is_subdomain_of(*cut)) {
            node.role = NodeRole::occluded;
            continue;
        } else {
            cut = nullptr;
            node.role = node.find(dns::rrtype::NS) ? NodeRole::delegation : NodeRole::authoritative;
            if (node.role == NodeRole::delegation) cut = &node.name;
        }
        // DNAME redirects everything below its owner (RFC 6672 §2.4), also at the apex.
        if (node.find(dns::rrtype::DNAME) && !cut) cut = &node.name;
    }
}

}  // namespace

Zone build_zone(const dns::Name& origin, ReadResult read, Diagnostics& diag) {
    Zone zone;
    zone.origin = origin;
    zone.files = std::move(read.files);
    Checker check{zone, diag};
    group(zone, read.records, canonical_order(read.records), check);
    read.records = {};
    if (zone.nodes.empty() || zone.nodes.front().name != origin) {
        diag.errors.push_back(bad_input(
            fmt::format("the zone has no records at its apex {} (no SOA)", origin.to_text()),
            zone.location(SourceRef{0, 0})));
        return zone;
    }
    assign_roles(zone);
    check_apex(zone, check);
    for (const auto& node : zone.nodes) check_node(node, zone, check);
    check_below_dnames(zone, check);
    check_ns_targets(zone, check);
    return zone;
}

}  // namespace zw::zones
