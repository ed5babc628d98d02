#include "signer/zone_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "base/unique_fd.h"
#include "dns/presentation.h"
#include "signer/signing_state.h"
#include "signer/state_format.h"
#include "signer/text_digest.h"
#include "signer/written_check.h"
#include "zones/atomic_file.h"
#include "zones/text_scan.h"

namespace zw::signer {

namespace {

// Every line of an RRset starts with the same owner, TTL and class: printed once. The
// records go to `written` too, for the check of the text against them.
void emit_rrset(const dns::Name& owner, const zones::RRset& set, std::string& out,
                std::string& prefix, WrittenRecords& written) {
    prefix.clear();
    dns::append_rr_prefix(prefix, owner, set.ttl);
    for (const auto& rdata : set.rdatas) {
        out += prefix;
        dns::append_rr_data_text(out, owner, set.type, rdata);
        out += '\n';
        written.add(owner, set.type, set.ttl, rdata);
    }
    for (const auto& sig : set.signatures) {
        out += prefix;
        dns::append_rr_data_text(out, owner, dns::rrtype::RRSIG, sig);
        out += '\n';
        written.add(owner, dns::rrtype::RRSIG, set.ttl, sig.bytes());
    }
}

// What formats one piece of text and checks it: one per formatting thread.
struct Formatter {
    std::string prefix;
    WrittenRecords written;
    zones::TextScanner scanner;
};

constexpr std::size_t no_chunk = static_cast<std::size_t>(-1);

// A run of nodes written as one chunk of text: copied from the previous output when it
// holds the text of exactly these records, else formatted.
struct Piece {
    std::size_t first = 0, end = 0;  // nodes [first, end), in for_each_node order
    std::uint64_t records = 0;       // of them stored in the state
    const TextChunk* previous = nullptr;
    std::uint64_t previous_at = 0;  // where that text starts in the previous output
};

// Cuts the nodes into pieces of at most chunk_nodes, except that where the nodes from some
// point on are, one for one, the records of a previous chunk, that chunk becomes a piece of
// its own. Formatted pieces also start where a previous chunk did, so that boundaries stay
// put from run to run and an edit costs one chunk, not every chunk after it.
template <typename NodeAt>
std::vector<Piece> plan_pieces(const SignedZone& sz, std::size_t total, NodeAt node,
                               std::size_t chunk_nodes) {
    const auto& unchanged = sz.unchanged_from;
    const auto& chunks = sz.previous_text.chunks;
    const bool can_copy = unchanged.size() == total && !chunks.empty();
    std::vector<Piece> pieces;
    Piece open;
    auto close_before = [&](std::size_t i) {
        if (open.end > open.first) pieces.push_back(open);
        open = Piece{i, i, 0, nullptr, 0};
    };
    std::size_t k = 0;  // the previous chunk at or after the current node's stored records
    std::uint64_t chunk_start = 0, chunk_at = sz.previous_text.head_bytes;
    for (std::size_t i = 0; i < total;) {
        if (can_copy && unchanged[i]) {
            for (; k < chunks.size() && chunk_start + chunks[k].records <= *unchanged[i]; ++k) {
                chunk_start += chunks[k].records;
                chunk_at += chunks[k].bytes;
            }
            if (k < chunks.size() && chunk_start == *unchanged[i] && chunks[k].whole) {
                const std::uint64_t chunk_end = chunk_start + chunks[k].records;
                std::uint64_t expect = chunk_start;
                std::size_t j = i;
                for (; j < total && expect < chunk_end; ++j) {
                    const zones::Node& n = node(j);
                    if (n.rrsets.empty()) continue;  // writes no text
                    if (unchanged[j] != expect) break;
                    expect += n.rrsets.size();
                }
                close_before(i);
                if (expect == chunk_end) {
                    pieces.push_back(Piece{i, j, chunks[k].records, &chunks[k], chunk_at});
                    open = Piece{j, j, 0, nullptr, 0};
                    i = j;
                    continue;
                }
            }
        }
        open.end = i + 1;
        open.records += state_format::stored_records(node(i));
        ++i;
        if (open.end - open.first >= chunk_nodes) close_before(i);
    }
    close_before(total);
    return pieces;
}

// Formatting is most of the writer's time. Pieces are formatted on `threads` workers into
// a ring of slots while the calling thread hands finished pieces to the sink in node
// order: writing overlaps formatting instead of alternating with it (in batches, the cores
// would idle while a batch is written and while its slowest chunk finishes). The ring bounds
// the text held in memory. Pieces whose text is in the previous output go to the sink as
// a copy (copy_previous is false when that file is not the one the index describes).
template <typename Sink>
Result<void> emit_zone(const SignedZone& sz, const TextOptions& options, bool copy_previous,
                       WrittenText* written, Sink& sink) {
    const std::size_t zone_nodes = sz.zone.nodes.size();
    const std::size_t total = zone_nodes + sz.nsec3_nodes.size();
    auto node = [&](std::size_t i) -> const zones::Node& {
        return i < zone_nodes ? sz.zone.nodes[i] : sz.nsec3_nodes[i - zone_nodes];
    };
    const zones::RRset* soa = sz.zone.apex().find(dns::rrtype::SOA);
    std::string head;
    {
        Formatter f;
        if (soa)
            emit_rrset(sz.zone.origin, *soa, head, f.prefix,
                       f.written);  // SOA first, as name servers and humans expect
        if (auto checked = f.written.check(head, f.scanner); !checked) return checked;
    }
    sink.write(head);

    std::vector<Piece> pieces =
        plan_pieces(sz, total, node, std::max<std::size_t>(options.chunk_nodes, 1));
    if (!copy_previous) {
        for (Piece& p : pieces) p.previous = nullptr;
    }
    std::vector<TextChunk> made(pieces.size());
    std::vector<std::optional<Error>> failed(pieces.size());
    // Formats piece c (or, for a piece to be copied, only notes its size and digest) and
    // checks the text against the records; `format` formats even a piece to be copied.
    auto produce = [&](std::size_t c, std::string& text, Formatter& f, bool format) {
        const Piece& piece = pieces[c];
        text.clear();
        made[c] = TextChunk{piece.records, 0, true, 0};
        if (piece.previous && !format) {  // whole, or it would not have been copied
            made[c].bytes = piece.previous->bytes;
            made[c].digest = piece.previous->digest;
            return;
        }
        f.written.clear();
        for (std::size_t i = piece.first; i < piece.end; ++i) {
            const zones::Node& n = node(i);
            for (const auto& set : n.rrsets) {
                if (&set != soa) emit_rrset(n.name, set, text, f.prefix, f.written);
                made[c].whole = made[c].whole && stored_in_state(set);
            }
        }
        made[c].bytes = text.size();
        made[c].digest = text_digest(text);
        if (auto checked = f.written.check(text, f.scanner); !checked) failed[c] = checked.error();
    };
    // A failed copy or check ends the output: the rest is only waited for, not written.
    Result<void> outcome;
    Formatter late;  // for pieces whose previous text turned out to be edited
    auto hand_over = [&](std::size_t c, const std::string& text) {
        if (!outcome) return;
        const Piece& piece = pieces[c];
        if (failed[c]) {
            outcome = fail(*failed[c]);
        } else if (!piece.previous) {
            sink.write(text);
        } else if (auto copied =
                       sink.copy(piece.previous_at, piece.previous->bytes, piece.previous->digest);
                   !copied) {
            outcome = fail(copied.error());
        } else if (!*copied) {
            // The previous output was edited where this piece lies: formatted after all.
            pieces[c].previous = nullptr;
            std::string fresh;
            produce(c, fresh, late, true);
            if (failed[c]) {
                outcome = fail(*failed[c]);
            } else {
                sink.write(fresh);
            }
        }
    };
    auto finish = [&]() -> Result<void> {
        if (!outcome || !written) return outcome;
        written->index.head_bytes = head.size();
        written->bytes = head.size();
        written->copied_bytes = 0;
        for (std::size_t c = 0; c < pieces.size(); ++c) {
            written->bytes += made[c].bytes;
            if (pieces[c].previous) written->copied_bytes += made[c].bytes;
        }
        written->index.chunks = std::move(made);
        return {};
    };
    const std::size_t count = pieces.size();
    if (options.threads <= 1 || count <= 1) {
        std::string text;
        Formatter f;
        for (std::size_t c = 0; c < count; ++c) {
            produce(c, text, f, false);
            hand_over(c, text);
        }
        return finish();
    }

    struct Slot {
        std::string text;
        std::size_t ready = no_chunk;  // the piece whose text this slot holds, once made
    };
    const std::size_t ring = 4 * static_cast<std::size_t>(options.threads);
    std::vector<Slot> slots(ring);
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t flushed = 0;  // pieces [0, flushed) are written
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        Formatter f;
        for (;;) {
            const std::size_t c = next.fetch_add(1);
            if (c >= count) return;
            Slot& slot = slots[c % ring];
            {
                // The slot is free once the piece a ring earlier is written.
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return flushed + ring > c; });
            }
            produce(c, slot.text, f, false);
            {
                std::lock_guard lock(mutex);
                slot.ready = c;
            }
            changed.notify_all();
        }
    };
    {
        std::vector<std::jthread> pool;
        pool.reserve(options.threads);
        for (unsigned i = 0; i < options.threads; ++i) pool.emplace_back(worker);
        for (std::size_t c = 0; c < count; ++c) {
            Slot& slot = slots[c % ring];
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return slot.ready == c; });
            }
            hand_over(c, slot.text);
            {
                std::lock_guard lock(mutex);
                slot.ready = no_chunk;
                ++flushed;
            }
            changed.notify_all();
        }
    }
    return finish();
}

// Where text goes: a staged file, copies included. A copy reads the previous text into
// memory, checks its digest, and writes those very octets: an edit in place of the
// previous output is never carried over, and nothing can change between the check and
// the write.
struct FileSink {
    zones::BufferedWriter& writer;
    int previous_fd;
    std::string block;
    void write(std::string_view text) { writer.write(text); }
    // True when copied; false when the previous text differs from what was written there.
    Result<bool> copy(std::uint64_t at, std::uint64_t bytes, std::uint64_t digest) {
        block.resize(bytes);
        for (std::uint64_t done = 0; done < bytes;) {
            ssize_t n = ::pread(previous_fd, block.data() + done, bytes - done,
                                static_cast<off_t>(at + done));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0)
                return fail(outside_error(
                    fmt::format("reading the previous output failed: {}", std::strerror(errno))));
            if (n == 0) return false;  // shorter than the state says: not the text written then
            done += static_cast<std::uint64_t>(n);
        }
        if (text_digest(block) != digest) return false;
        writer.write(block);
        return true;
    }
};

// A string, for text that never copies.
struct StringSink {
    std::string& out;
    void write(std::string_view text) { out += text; }
    Result<bool> copy(std::uint64_t, std::uint64_t, std::uint64_t) {
        return fail(internal_error("no previous text to copy"));
    }
};

}  // namespace

Result<void> write_signed_zone(const SignedZone& zone, const std::string& path) {
    return write_signed_zone(zone, path, 1);
}

Result<void> write_signed_zone(const SignedZone& zone, const std::string& path, unsigned threads) {
    return write_signed_zone(zone, path, TextOptions{threads});
}

Result<void> write_signed_zone(const SignedZone& zone, const std::string& path,
                               const TextOptions& options) {
    return zones::commit(stage_signed_zone(zone, path, options));
}

Result<zones::StagedFile> stage_signed_zone(const SignedZone& zone, const std::string& path,
                                            const TextOptions& options, WrittenText* written) {
    // The file still in place is the previous output (the new one is renamed over it only
    // later). Its text is copied only if it is the file the state's index describes.
    UniqueFd previous(zone.unchanged_from.empty() ? -1
                                                  : ::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct ::stat sb {};
    if (previous &&
        (::fstat(previous.get(), &sb) != 0 || identity_of(sb) != zone.previous_text.file))
        previous.reset();
    auto staged =
        zones::StagedFile::write(path, options.mode, [&](zones::BufferedWriter& w) -> Result<void> {
            FileSink sink{w, previous.get(), {}};
            return emit_zone(zone, options, static_cast<bool>(previous), written, sink);
        });
    if (staged && written) {
        auto status = staged->status();
        if (!status) return fail(status.error());
        written->index.file = identity_of(*status);
    }
    return staged;
}

Result<std::string> signed_zone_text(const SignedZone& zone) {
    std::string out;
    StringSink sink{out};
    if (auto ok = emit_zone(zone, TextOptions{}, false, nullptr, sink); !ok)
        return fail(ok.error());
    return out;
}

}  // namespace zw::signer
