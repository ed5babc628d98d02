#pragma once
// The byte encoding shared by a full signing state and a state delta (signing_state.h):
// the header, the stored records, the text index and the closing SHA-256. Everything a
// file holds is bounds-checked once when it is read, so that cursors can trust lengths.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "dns/name.h"
#include "dns/openssl.h"
#include "dns/rdata.h"
#include "signer/signed_zone.h"
#include "signer/text_index.h"

namespace zw::signer::state_format {

// A full state: version 2 stores every RRset, signed or not, and a text index; version 1
// stored signed RRsets only. A delta names its base by the base's closing digest.
constexpr std::string_view state_magic = "ZWSTATE2";
constexpr std::string_view old_state_magic = "ZWSTATE1";
constexpr std::string_view delta_magic = "ZWDELTA1";

constexpr std::size_t digest_size = 32;
using Digest = std::array<std::uint8_t, digest_size>;

class Sha256 {
  public:
    Sha256();
    void update(std::span<const std::uint8_t> data);
    Digest final();

  private:
    dns::EvpMdCtx ctx_;
};

// Whether data ends with the SHA-256 of the rest, and that digest.
[[nodiscard]] std::optional<Digest> closing_digest(std::span<const std::uint8_t> data);

// Bounds-checked reads; once a read runs past the end, ok stays false and reads give zeros.
struct Reader {
    std::span<const std::uint8_t> data;
    std::size_t at = 0;
    bool ok = true;

    bool need(std::size_t n) {
        ok = ok && data.size() - at >= n;
        return ok;
    }
    std::uint8_t u8() { return need(1) ? data[at++] : 0; }
    std::uint16_t u16() {
        if (!need(2)) return 0;
        at += 2;
        return dns::read_u16(data.data() + at - 2);
    }
    std::uint32_t u32() {
        if (!need(4)) return 0;
        at += 4;
        return dns::read_u32(data.data() + at - 4);
    }
    std::uint64_t u64() {
        std::uint64_t high = u32();
        return high << 32 | u32();
    }
    std::span<const std::uint8_t> bytes(std::size_t n) {
        if (!need(n)) return {};
        at += n;
        return data.subspan(at - n, n);
    }
    // count length-prefixed items; returns the block they span.
    std::span<const std::uint8_t> items(std::uint16_t count) {
        std::size_t start = at;
        for (std::uint16_t i = 0; i < count && ok; ++i) (void)bytes(u16());
        return ok ? data.subspan(start, at - start) : std::span<const std::uint8_t>{};
    }
};

void put_u64(dns::Bytes& out, std::uint64_t v);

// What a state says about the zone as a whole: its origin, denial parameters, the keys
// that may have made its signatures, and how many records it holds.
struct Header {
    dns::Name origin;
    std::optional<Nsec3Params> nsec3;
    std::vector<dns::Bytes> keys;  // DNSKEY RDATA
    std::uint64_t records = 0;
};
void put_header(dns::Bytes& out, const SignedZone& zone, std::uint64_t records);
// Reads a header that must be for `origin`; an error names what is wrong.
[[nodiscard]] Result<Header> read_header(Reader& r, const dns::Name& origin);

// The stored records of a zone's nodes (stored_in_state), packed into blocks handed to
// the sink, about a megabyte at a time.
class RecordWriter {
  public:
    using Sink = std::function<void(std::span<const std::uint8_t>)>;
    explicit RecordWriter(Sink sink);
    void node(const zones::Node& node, bool nsec3_section);
    void flush();

  private:
    Sink sink_;
    std::vector<std::uint8_t> block_;
    std::size_t used_ = 0;
};
// The bytes node() writes for the node's records.
[[nodiscard]] std::uint64_t stored_size(const zones::Node& node);
// The stored records of a node, as node() counts them.
[[nodiscard]] std::uint64_t stored_records(const zones::Node& node);

// Checks one stored record and moves past it.
void skip_record(Reader& r);

// Hands bytes on to a sink while hashing them, for the SHA-256 that closes a state file.
class DigestingSink {
  public:
    explicit DigestingSink(RecordWriter::Sink sink) : sink_(std::move(sink)) {}
    void operator()(std::span<const std::uint8_t> bytes);
    void operator()(std::string_view text);
    // The text index, which ends every state file, and then the digest.
    void finish(const TextIndex& index);

  private:
    RecordWriter::Sink sink_;
    Sha256 sha_;
};

// A full state of the zone, closed; text_index() is asked for after the records (the
// output it describes may still be being written).
void write_full_state(const SignedZone& zone, const RecordWriter::Sink& sink,
                      const std::function<TextIndex()>& text_index);

void put_text_index(dns::Bytes& out, const TextIndex& index);
// The index, or an empty one when it was written with another formatting or does not
// account for exactly `records` (a state of a run that wrote no text).
[[nodiscard]] TextIndex read_text_index(Reader& r, std::uint64_t records);

}  // namespace zw::signer::state_format
