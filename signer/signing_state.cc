#include "signer/signing_state.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "dns/openssl.h"
#include "dns/rdata.h"
#include "zones/atomic_file.h"

namespace zw::signer {

namespace {

// Version 2: header, RRset records (every RRset, signed or not), the text index, and a
// SHA-256 of everything before it. Version 1 stored signed RRsets only and no index.
constexpr std::string_view magic = "ZWSTATE2";
constexpr std::string_view old_magic = "ZWSTATE1";
constexpr std::size_t digest_size = 32;

class Sha256 {
public:
    Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
    void update(std::span<const std::uint8_t> data) { EVP_DigestUpdate(ctx_.get(), data.data(), data.size()); }
    std::array<std::uint8_t, digest_size> final() {
        std::array<std::uint8_t, digest_size> out{};
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_.get(), out.data(), &len);
        return out;
    }

private:
    dns::EvpMdCtx ctx_;
};

void put_block(dns::Bytes& out, std::span<const std::uint8_t> item) {
    dns::put_u16(out, static_cast<std::uint16_t>(item.size()));
    out.insert(out.end(), item.begin(), item.end());
}

}  // namespace

bool stored_in_state(const zones::RRset& set) {
    auto small = [](const auto& items) {
        if (items.size() > 0xffff) return false;
        for (const auto& i : items)
            if (i.size() > 0xffff) return false;
        return true;
    };
    return small(set.rdatas) && small(set.signatures);
}

namespace {

// Emits the state in blocks to sink(span); the caller appends the digest. The text index
// is asked for last: the output it describes may still be being written.
template <typename Sink, typename Index>
void serialize(const SignedZone& sz, Sink sink, Index text_index) {
    dns::Bytes out(magic.begin(), magic.end());
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

    std::uint64_t count = 0;
    auto counted = [&](const zones::Node& node) {
        for (const auto& set : node.rrsets) count += stored_in_state(set);
    };
    sz.for_each_node(counted);
    dns::put_u32(out, static_cast<std::uint32_t>(count >> 32));
    dns::put_u32(out, static_cast<std::uint32_t>(count));

    sink(std::span<const std::uint8_t>(out));

    // Records are most of a large state: each is sized first and then stored with plain
    // writes into a block, not grown byte by byte.
    std::vector<std::uint8_t> block(1 << 20);
    std::size_t used = 0;
    auto room = [&](std::size_t n) {
        if (used + n > block.size()) {
            sink(std::span<const std::uint8_t>(block.data(), used));
            used = 0;
            if (n > block.size()) block.resize(n);
        }
        std::uint8_t* at = block.data() + used;
        used += n;
        return at;
    };
    auto items_size = [](const auto& items) {
        std::size_t n = 2;
        for (const auto& i : items) n += 2 + i.size();
        return n;
    };
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
    auto emit = [&](const zones::Node& node, bool nsec3_section) {
        for (const auto& set : node.rrsets) {
            if (!stored_in_state(set)) continue;
            const std::string& owner = node.name.wire();
            std::uint8_t* p = room(2 + owner.size() + 6 + items_size(set.rdatas) + items_size(set.signatures));
            *p++ = nsec3_section ? 1 : 0;
            *p++ = static_cast<std::uint8_t>(owner.size());
            p = std::copy(owner.begin(), owner.end(), p);
            put16(p, set.type);
            put16(p, set.ttl >> 16);
            put16(p, set.ttl & 0xffff);
            put_items(p, set.rdatas);
            put_items(p, set.signatures);
        }
    };
    for (const auto& n : sz.zone.nodes) emit(n, false);
    for (const auto& n : sz.nsec3_nodes) emit(n, true);
    sink(std::span<const std::uint8_t>(block.data(), used));

    const TextIndex& index = text_index();
    dns::Bytes tail;
    auto put_u64 = [&](std::uint64_t v) {
        dns::put_u32(tail, static_cast<std::uint32_t>(v >> 32));
        dns::put_u32(tail, static_cast<std::uint32_t>(v));
    };
    dns::put_u32(tail, text_format_version);
    put_u64(index.file.device);
    put_u64(index.file.inode);
    put_u64(index.file.size);
    put_u64(static_cast<std::uint64_t>(index.file.mtime_ns));
    put_u64(index.head_bytes);
    put_u64(index.chunks.size());
    for (const TextChunk& c : index.chunks) {
        put_u64(c.records);
        put_u64(c.bytes);
        tail.push_back(c.whole ? 1 : 0);
    }
    sink(std::span<const std::uint8_t>(tail));
}

// Bounds-checked reads over the file's bytes.
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

}  // namespace

bool StoredRRset::same_data(std::uint32_t other_ttl, std::span<const dns::Bytes> other) const {
    if (ttl != other_ttl || rdata_count != other.size()) return false;
    bool same = true;
    std::size_t i = 0;
    for_each_item(rdatas, rdata_count, [&](std::span<const std::uint8_t> r) {
        same = same && std::equal(r.begin(), r.end(), other[i].begin(), other[i].end());
        ++i;
    });
    return same;
}

SigningState::Cursor::Cursor(std::span<const std::uint8_t> data, std::size_t count) : data_(data), left_(count) {
    if (left_ > 0) load();
}

void SigningState::Cursor::load() {
    // Lengths were validated by parse(); no check can fail here.
    Reader r{data_, at_};
    record_.nsec3_section = r.u8() != 0;
    record_.owner = r.bytes(r.u8());
    record_.type = r.u16();
    record_.ttl = r.u32();
    record_.rdata_count = r.u16();
    record_.rdatas = r.items(record_.rdata_count);
    record_.signature_count = r.u16();
    record_.signatures = r.items(record_.signature_count);
    at_ = r.at;
}

void SigningState::Cursor::next() {
    if (left_ == 0) return;
    ++ordinal_;
    if (--left_ > 0) load();
}

SigningState::Cursor SigningState::cursor() const {
    return Cursor(data_.subspan(records_at_, records_end_ - records_at_), rrset_count_);
}

Result<SigningState> SigningState::parse(std::span<const std::uint8_t> data, std::shared_ptr<const std::uint8_t> keep_alive,
                                         const dns::Name& origin) {
    auto starts_with = [&](std::string_view m) {
        return data.size() >= m.size() + digest_size && std::equal(m.begin(), m.end(), data.begin());
    };
    if (starts_with(old_magic)) return fail(bad_input("written by an older zonewarden (state version 1)"));
    if (!starts_with(magic)) return fail(bad_input("not a zonewarden signing state (version 2)"));
    std::span<const std::uint8_t> body = data.first(data.size() - digest_size);
    Sha256 sha;
    sha.update(body);
    auto digest = sha.final();
    if (!std::equal(digest.begin(), digest.end(), data.end() - digest_size)) {
        return fail(bad_input("the checksum does not match (damaged or edited)"));
    }
    SigningState st;
    Reader r{body, magic.size()};
    auto owner = dns::Name::from_wire(r.bytes(r.u8()));
    if (!r.ok || !owner) return fail(bad_input("malformed header"));
    if (*owner != origin) return fail(bad_input(fmt::format("it is for {}, not {}", owner->to_text(), origin.to_text())));
    st.origin_ = std::move(*owner);
    if (r.u8() == 1) {
        Nsec3Params p;
        p.iterations = r.u16();
        p.opt_out = r.u8() != 0;
        auto salt = r.bytes(r.u16());
        p.salt.assign(salt.begin(), salt.end());
        st.nsec3_ = std::move(p);
    }
    std::uint16_t keys = r.u16();
    for (std::uint16_t i = 0; i < keys && r.ok; ++i) {
        auto k = r.bytes(r.u16());
        st.keys_.emplace_back(k.begin(), k.end());
    }
    const std::uint64_t count = r.u64();
    st.records_at_ = r.at;
    // Walk every record once so the cursor can trust the lengths.
    for (std::uint64_t i = 0; i < count && r.ok; ++i) {
        (void)r.u8();
        std::span<const std::uint8_t> name = r.bytes(r.u8());
        if (r.ok && (name.empty() || dns::wire_name_length(name) != name.size())) r.ok = false;
        (void)r.u16();
        (void)r.u32();
        (void)r.items(r.u16());
        (void)r.items(r.u16());
    }
    if (!r.ok) return fail(bad_input("malformed records"));
    st.records_end_ = r.at;
    const std::uint32_t format = r.u32();
    st.text_.file.device = r.u64();
    st.text_.file.inode = r.u64();
    st.text_.file.size = r.u64();
    st.text_.file.mtime_ns = static_cast<std::int64_t>(r.u64());
    st.text_.head_bytes = r.u64();
    const std::uint64_t chunks = r.u64();
    std::uint64_t records = 0;
    for (std::uint64_t i = 0; i < chunks && r.need(17); ++i) {
        TextChunk c;
        c.records = r.u64();
        c.bytes = r.u64();
        c.whole = r.u8() == 1;
        records += c.records;
        st.text_.chunks.push_back(c);
    }
    if (!r.ok || r.at != body.size()) return fail(bad_input("malformed text index"));
    // An index of another formatting, or one that does not cover the records (a state of
    // a run that wrote no text), describes no text this run could copy.
    if (format != text_format_version || records != count) st.text_ = {};
    st.rrset_count_ = count;
    st.data_ = data;
    st.owner_ = std::move(keep_alive);
    return st;
}

Result<std::optional<SigningState>> SigningState::read(const std::string& path, const dns::Name& origin) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::optional<SigningState>{};
        return fail(outside_error(fmt::format("cannot open {}: {}", path, std::strerror(errno))));
    }
    // Mapped, not copied: at 1M records the state is 250 MB, which a read would first
    // zero and then copy out of the page cache. Every run replaces the file by a rename,
    // so the mapped inode is never written again.
    struct stat sb {};
    void* map = MAP_FAILED;
    int err = 0;
    if (::fstat(fd, &sb) != 0) {
        err = errno;
    } else if (sb.st_size > 0) {
        map = ::mmap(nullptr, static_cast<std::size_t>(sb.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (map == MAP_FAILED) err = errno;
    }
    ::close(fd);
    if (err != 0) return fail(outside_error(fmt::format("cannot read {}: {}", path, std::strerror(err))));
    const auto size = static_cast<std::size_t>(sb.st_size);
    std::shared_ptr<const std::uint8_t> mapping;
    if (map != MAP_FAILED) {
        mapping = std::shared_ptr<const std::uint8_t>(static_cast<const std::uint8_t*>(map),
                                                      [size](const std::uint8_t* p) { ::munmap(const_cast<std::uint8_t*>(p), size); });
    }
    const std::span<const std::uint8_t> bytes(mapping.get(), size);
    auto st = parse(bytes, std::move(mapping), origin);
    if (!st) return fail(bad_input(fmt::format("signing state {}: {}", path, st.error().message)));
    return std::optional<SigningState>(std::move(*st));
}

SigningState SigningState::of(const SignedZone& zone) {
    std::vector<std::uint8_t> data;
    Sha256 sha;
    const TextIndex no_text;
    serialize(
        zone,
        [&](std::span<const std::uint8_t> block) {
            sha.update(block);
            data.insert(data.end(), block.begin(), block.end());
        },
        [&]() -> const TextIndex& { return no_text; });
    auto digest = sha.final();
    data.insert(data.end(), digest.begin(), digest.end());
    auto owner = std::make_shared<std::vector<std::uint8_t>>(std::move(data));
    std::span<const std::uint8_t> bytes(*owner);
    auto st = parse(bytes, std::shared_ptr<const std::uint8_t>(owner, owner->data()), zone.zone.origin);
    // parse() reads what serialize() wrote; failing here is a bug in this file.
    if (!st) throw std::logic_error("signing state does not read back: " + st.error().message);
    return std::move(*st);
}

std::string state_path_for(const std::string& out_path) { return out_path + ".zwstate"; }

Result<void> write_signing_state(const SignedZone& zone, const std::string& path) {
    return zones::commit(stage_signing_state(zone, path, [] { return TextIndex{}; }));
}

Result<zones::StagedFile> stage_signing_state(const SignedZone& zone, const std::string& path,
                                              const std::function<TextIndex()>& text_index) {
    return zones::StagedFile::write(path, 0644, [&](zones::BufferedWriter& w) -> Result<void> {
        Sha256 sha;
        TextIndex index;
        serialize(
            zone,
            [&](std::span<const std::uint8_t> block) {
                sha.update(block);
                w.write({reinterpret_cast<const char*>(block.data()), block.size()});
            },
            [&]() -> const TextIndex& {
                index = text_index();
                return index;
            });
        auto digest = sha.final();
        w.write({reinterpret_cast<const char*>(digest.data()), digest.size()});
        return {};
    });
}

}  // namespace zw::signer
