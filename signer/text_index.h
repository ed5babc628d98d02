#pragma once
// Where the text of a written zone lies, chunk by chunk, so that the next incremental run
// can copy the text of nodes that did not change instead of formatting it again: at 1M
// records the text is 400 MB, and formatting it would be most of an incremental run's CPU.
//
// A chunk is named by the stored RRsets (SigningState records) it holds, not by names:
// a chunk may be copied only where the new zone's nodes are, one for one, the stored
// ones of its records (SignedZone::unchanged_from), only from the very file written
// beside the state (same device, inode, size and modification time: a replaced or
// restored output costs formatting at once), and only when its text still has the digest
// taken when it was formatted (text_digest.h): an edit in place that keeps the size,
// inode and modification time is caught there, and that chunk is formatted afresh.

#include <sys/stat.h>

#include <compare>
#include <cstdint>
#include <vector>

namespace zw::signer {

// The formatting of zone text (zone_writer.cc). A state records the one it was written
// with, and text from another is never copied: change this whenever the bytes written for
// the same records change.
constexpr std::uint32_t text_format_version = 2;

struct TextChunk {
    std::uint64_t records = 0;  // stored RRsets in the chunk, in state order
    std::uint64_t bytes = 0;    // its text
    // Every RRset in the chunk is stored. One that is not (stored_in_state) writes text
    // that no stored record accounts for, so such a chunk is never copied.
    bool whole = true;
    std::uint64_t digest = 0;  // text_digest() of its text
};

struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

inline FileIdentity identity_of(const struct ::stat& sb) {
    return FileIdentity{
        static_cast<std::uint64_t>(sb.st_dev), static_cast<std::uint64_t>(sb.st_ino),
        static_cast<std::uint64_t>(sb.st_size),
        static_cast<std::int64_t>(sb.st_mtim.tv_sec) * 1'000'000'000 + sb.st_mtim.tv_nsec};
}

struct TextIndex {
    FileIdentity file;             // the output the chunks are in
    std::uint64_t head_bytes = 0;  // the SOA written first; the chunks follow it in order
    std::vector<TextChunk> chunks;
};

}  // namespace zw::signer
