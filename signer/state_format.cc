#include "signer/state_format.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>

#include "signer/signing_state.h"

namespace zw::signer::state_format {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }

void Sha256::update(std::span<const std::uint8_t> data) {
    EVP_DigestUpdate(ctx_.get(), data.data(), data.size());
}

Digest Sha256::final() {
    Digest out{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), out.data(), &len);
    return out;
}

std::optional<Digest> closing_digest(std::span<const std::uint8_t> data) {
    if (data.size() < digest_size) return std::nullopt;
    Sha256 sha;
    sha.update(data.first(data.size() - digest_size));
    Digest digest = sha.final();
    if (!std::equal(digest.begin(), digest.end(), data.end() - digest_size)) return std::nullopt;
    return digest;
}

void put_u64(dns::Bytes& out, std::uint64_t v) {
    dns::put_u32(out, static_cast<std::uint32_t>(v >> 32));
    dns::put_u32(out, static_cast<std::uint32_t>(v));
}

namespace {

void put_block(dns::Bytes& out, std::span<const std::uint8_t> item) {
    dns::put_u16(out, static_cast<std::uint16_t>(item.size()));
    out.insert(out.end(), item.begin(), item.end());
}

template <typename Items>
std::size_t items_size(const Items& items) {
    std::size_t n = 2;
    for (const auto& i : items) n += 2 + i.size();
    return n;
}

std::size_t record_size(const zones::Node& node, const zones::RRset& set) {
    return 2 + node.name.wire().size() + 6 + items_size(set.rdatas) + items_size(set.signatures);
}

}  // namespace

void put_header(dns::Bytes& out, const SignedZone& sz, std::uint64_t records) {
    const std::string& origin = sz.zone.origin.wire();
    out.push_back(static_cast<std::uint8_t>(origin.size()));
    out.insert(out.end(), origin.begin(), origin.end());
    out.push_back(sz.nsec3 ? 1 : 0);
    if (sz.nsec3) {
        dns::put_u16(out, sz.nsec3->iterations);
        out.push_back(sz.nsec3->opt_out ? 1 : 0);
        put_block(out, sz.nsec3->salt);
    }
    std::vector<const dns::Bytes*> keys;
    if (const zones::RRset* dnskeys = sz.zone.apex().find(dns::rrtype::DNSKEY)) {
        for (const auto& k : dnskeys->rdatas) keys.push_back(&k);
    }
    for (const auto& k : sz.unpublished_signers) keys.push_back(&k);
    dns::put_u16(out, static_cast<std::uint16_t>(keys.size()));
    for (const auto* k : keys) put_block(out, *k);
    put_u64(out, records);
}

Result<Header> read_header(Reader& r, const dns::Name& origin) {
    Header h;
    auto owner = dns::Name::from_wire(r.bytes(r.u8()));
    if (!r.ok || !owner) return fail(bad_input("malformed header"));
    if (*owner != origin)
        return fail(
            bad_input(fmt::format("it is for {}, not {}", owner->to_text(), origin.to_text())));
    h.origin = std::move(*owner);
    if (r.u8() == 1) {
        Nsec3Params p;
        p.iterations = r.u16();
        p.opt_out = r.u8() != 0;
        auto salt = r.bytes(r.u16());
        p.salt.assign(salt.begin(), salt.end());
        h.nsec3 = std::move(p);
    }
    std::uint16_t keys = r.u16();
    for (std::uint16_t i = 0; i < keys && r.ok; ++i) {
        auto k = r.bytes(r.u16());
        h.keys.emplace_back(k.begin(), k.end());
    }
    h.records = r.u64();
    if (!r.ok) return fail(bad_input("malformed header"));
    return h;
}

RecordWriter::RecordWriter(Sink sink) : sink_(std::move(sink)), block_(1 << 20) {}

// Records are most of a large state: each is sized first and then stored with plain
// writes into the block, not grown byte by byte.
void RecordWriter::node(const zones::Node& node, bool nsec3_section) {
    auto put16 = [](std::uint8_t*& p, std::size_t v) {
        *p++ = static_cast<std::uint8_t>(v >> 8);
        *p++ = static_cast<std::uint8_t>(v);
    };
    auto put_items = [&](std::uint8_t*& p, const auto& items) {
        put16(p, items.size());
        for (const auto& i : items) {
            put16(p, i.size());
            p = std::copy(i.begin(), i.end(), p);
        }
    };
    const std::string& owner = node.name.wire();
    for (const auto& set : node.rrsets) {
        if (!stored_in_state(set)) continue;
        const std::size_t size = record_size(node, set);
        if (used_ + size > block_.size()) {
            flush();
            if (size > block_.size()) block_.resize(size);
        }
        std::uint8_t* p = block_.data() + used_;
        used_ += size;
        *p++ = nsec3_section ? 1 : 0;
        *p++ = static_cast<std::uint8_t>(owner.size());
        p = std::copy(owner.begin(), owner.end(), p);
        put16(p, set.type);
        put16(p, set.ttl >> 16);
        put16(p, set.ttl & 0xffff);
        put_items(p, set.rdatas);
        put_items(p, set.signatures);
    }
}

void RecordWriter::flush() {
    if (used_ > 0) sink_(std::span<const std::uint8_t>(block_.data(), used_));
    used_ = 0;
}

std::uint64_t stored_size(const zones::Node& node) {
    std::uint64_t n = 0;
    for (const auto& set : node.rrsets)
        if (stored_in_state(set)) n += record_size(node, set);
    return n;
}

std::uint64_t stored_records(const zones::Node& node) {
    return static_cast<std::uint64_t>(
        std::count_if(node.rrsets.begin(), node.rrsets.end(), stored_in_state));
}

void skip_record(Reader& r) {
    (void)r.u8();
    std::span<const std::uint8_t> name = r.bytes(r.u8());
    if (r.ok && (name.empty() || dns::wire_name_length(name) != name.size())) r.ok = false;
    (void)r.u16();
    (void)r.u32();
    (void)r.items(r.u16());
    (void)r.items(r.u16());
}

void DigestingSink::operator()(std::span<const std::uint8_t> bytes) {
    sha_.update(bytes);
    sink_(bytes);
}

void DigestingSink::operator()(std::string_view text) {
    (*this)(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void DigestingSink::finish(const TextIndex& index) {
    dns::Bytes tail;
    put_text_index(tail, index);
    (*this)(tail);
    const Digest digest = sha_.final();
    sink_(digest);
}

void write_full_state(const SignedZone& zone, const RecordWriter::Sink& sink,
                      const std::function<TextIndex()>& text_index) {
    DigestingSink out(sink);
    std::uint64_t count = 0;
    zone.for_each_node([&](const zones::Node& n) { count += stored_records(n); });
    out(state_magic);
    dns::Bytes head;
    put_header(head, zone, count);
    out(head);
    RecordWriter records(std::ref(out));
    for (const auto& n : zone.zone.nodes) records.node(n, false);
    for (const auto& n : zone.nsec3_nodes) records.node(n, true);
    records.flush();
    out.finish(text_index());
}

void put_text_index(dns::Bytes& out, const TextIndex& index) {
    dns::put_u32(out, text_format_version);
    put_u64(out, index.file.device);
    put_u64(out, index.file.inode);
    put_u64(out, index.file.size);
    put_u64(out, static_cast<std::uint64_t>(index.file.mtime_ns));
    put_u64(out, index.head_bytes);
    put_u64(out, index.chunks.size());
    for (const TextChunk& c : index.chunks) {
        put_u64(out, c.records);
        put_u64(out, c.bytes);
        out.push_back(c.whole ? 1 : 0);
        put_u64(out, c.digest);
    }
}

TextIndex read_text_index(Reader& r, std::uint64_t records) {
    TextIndex index;
    const std::uint32_t format = r.u32();
    if (r.ok && format != text_format_version) {
        // An index of another format (the text index ends the state) is skipped: its text
        // is formatted, never copied, and the state's signatures are still used.
        r.at = r.data.size();
        return {};
    }
    index.file.device = r.u64();
    index.file.inode = r.u64();
    index.file.size = r.u64();
    index.file.mtime_ns = static_cast<std::int64_t>(r.u64());
    index.head_bytes = r.u64();
    const std::uint64_t chunks = r.u64();
    std::uint64_t covered = 0;
    for (std::uint64_t i = 0; i < chunks && r.need(25); ++i) {
        TextChunk c;
        c.records = r.u64();
        c.bytes = r.u64();
        c.whole = r.u8() == 1;
        c.digest = r.u64();
        covered += c.records;
        index.chunks.push_back(c);
    }
    if (!r.ok || format != text_format_version || covered != records) return {};
    return index;
}

}  // namespace zw::signer::state_format
