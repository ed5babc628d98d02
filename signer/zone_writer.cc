#include "signer/zone_writer.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "dns/presentation.h"
#include "zones/atomic_file.h"

namespace zw::signer {

namespace {

// Every line of an RRset starts with the same owner, TTL and class: printed once.
void emit_rrset(const dns::Name& owner, const zones::RRset& set, std::string& out, std::string& prefix) {
    prefix.clear();
    dns::append_rr_prefix(prefix, owner, set.ttl);
    for (const auto& rdata : set.rdatas) {
        out += prefix;
        dns::append_rr_data_text(out, owner, set.type, rdata);
        out += '\n';
    }
    for (const auto& sig : set.signatures) {
        out += prefix;
        dns::append_rr_data_text(out, owner, dns::rrtype::RRSIG, sig);
        out += '\n';
    }
}

constexpr std::size_t no_chunk = static_cast<std::size_t>(-1);

// Formatting is most of the writer's time. Chunks of nodes are formatted on `threads`
// workers into a ring of slots while the calling thread hands finished chunks to flush in
// node order: writing overlaps formatting instead of alternating with it (in batches, the
// cores idled while a batch was written and while its slowest chunk finished). The ring
// bounds the text held in memory.
template <typename Flush>
void emit_zone(const SignedZone& sz, unsigned threads, Flush flush) {
    constexpr std::size_t chunk = 512;  // nodes
    const std::size_t zone_nodes = sz.zone.nodes.size();
    const std::size_t total = zone_nodes + sz.nsec3_nodes.size();
    const zones::RRset* soa = sz.zone.apex().find(dns::rrtype::SOA);
    std::string head, prefix;
    if (soa) emit_rrset(sz.zone.origin, *soa, head, prefix);  // SOA first, as name servers and humans expect
    flush(head);

    auto format = [&](std::size_t c, std::string& text) {
        text.clear();
        std::string prefix;
        for (std::size_t i = c * chunk; i < std::min(total, (c + 1) * chunk); ++i) {
            const zones::Node& node = i < zone_nodes ? sz.zone.nodes[i] : sz.nsec3_nodes[i - zone_nodes];
            for (const auto& set : node.rrsets) {
                if (&set != soa) emit_rrset(node.name, set, text, prefix);
            }
        }
    };
    const std::size_t chunks = (total + chunk - 1) / chunk;
    if (threads <= 1 || chunks <= 1) {
        std::string text;
        for (std::size_t c = 0; c < chunks; ++c) {
            format(c, text);
            flush(text);
        }
        return;
    }

    struct Slot {
        std::string text;
        std::size_t ready = no_chunk;  // the chunk whose text this slot holds, once formatted
    };
    const std::size_t ring = 4 * static_cast<std::size_t>(threads);
    std::vector<Slot> slots(ring);
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t flushed = 0;  // chunks [0, flushed) are written
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (;;) {
            const std::size_t c = next.fetch_add(1);
            if (c >= chunks) return;
            Slot& slot = slots[c % ring];
            {
                // The slot is free once the chunk a ring earlier is written.
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return flushed + ring > c; });
            }
            format(c, slot.text);
            {
                std::lock_guard lock(mutex);
                slot.ready = c;
            }
            changed.notify_all();
        }
    };
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (std::size_t c = 0; c < chunks; ++c) {
        Slot& slot = slots[c % ring];
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return slot.ready == c; });
        }
        flush(slot.text);
        {
            std::lock_guard lock(mutex);
            slot.ready = no_chunk;
            ++flushed;
        }
        changed.notify_all();
    }
}

}  // namespace

Result<void> write_signed_zone(const SignedZone& zone, const std::string& path) {
    return write_signed_zone(zone, path, 1);
}

Result<void> write_signed_zone(const SignedZone& zone, const std::string& path, unsigned threads) {
    return zones::commit(stage_signed_zone(zone, path, threads));
}

Result<zones::StagedFile> stage_signed_zone(const SignedZone& zone, const std::string& path, unsigned threads) {
    return zones::StagedFile::write(path, 0644, [&](zones::BufferedWriter& w) -> Result<void> {
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
