#include "signer/signing_state.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "base/unique_fd.h"
#include "signer/state_format.h"

namespace zw::signer {

namespace sf = state_format;

bool stored_in_state(const zones::RRset& set) {
    auto small = [](const auto& items) {
        if (items.size() > 0xffff) return false;
        for (const auto& i : items)
            if (i.size() > 0xffff) return false;
        return true;
    };
    return small(set.rdatas) && small(set.signatures);
}

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

SigningState::Cursor::Cursor(std::span<const RecordRun> runs) : runs_(runs) { enter_run(); }

void SigningState::Cursor::enter_run() {
    while (run_ < runs_.size() && runs_[run_].count == 0) ++run_;
    if (run_ == runs_.size()) return;
    at_ = 0;
    left_ = runs_[run_].count;
    load();
}

void SigningState::Cursor::load() {
    // Lengths were validated when the state was read; no check can fail here.
    sf::Reader r{runs_[run_].bytes, at_};
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
    if (done()) return;
    ++ordinal_;
    if (--left_ > 0) {
        load();
        return;
    }
    ++run_;
    enter_run();
}

namespace {

bool starts_with(std::span<const std::uint8_t> data, std::string_view magic) {
    return data.size() >= magic.size() && std::equal(magic.begin(), magic.end(), data.begin());
}

// A full state, checked: its header, where its records lie (and where each of `wanted`,
// ordinals in increasing order, starts), and its text index.
struct FullState {
    sf::Header header;
    std::span<const std::uint8_t> records;
    std::vector<std::size_t> wanted_at;  // offsets into records
    TextIndex text;
};

Result<void> check_magic(std::span<const std::uint8_t> data) {
    if (starts_with(data, sf::old_state_magic))
        return fail(bad_input("written by an older zonewarden (state version 1)"));
    if (!starts_with(data, sf::state_magic) ||
        data.size() < sf::state_magic.size() + sf::digest_size) {
        return fail(bad_input("not a zonewarden signing state (version 2)"));
    }
    return {};
}

// The checksum is the caller's to check: a state read from disk is checked once.
Result<FullState> check_full(std::span<const std::uint8_t> data, const dns::Name& origin,
                             std::span<const std::uint64_t> wanted) {
    if (auto ok = check_magic(data); !ok) return fail(ok.error());
    const auto body = data.first(data.size() - sf::digest_size);
    sf::Reader r{body, sf::state_magic.size()};
    auto header = sf::read_header(r, origin);
    if (!header) return fail(header.error());
    FullState st;
    st.header = std::move(*header);
    const std::size_t records_at = r.at;
    // Every record is walked once so the cursor can trust the lengths.
    std::size_t next_wanted = 0;
    for (std::uint64_t i = 0; i < st.header.records && r.ok; ++i) {
        if (next_wanted < wanted.size() && wanted[next_wanted] == i) {
            st.wanted_at.push_back(r.at - records_at);
            ++next_wanted;
        }
        sf::skip_record(r);
    }
    if (!r.ok || next_wanted != wanted.size()) return fail(bad_input("malformed records"));
    st.records = body.subspan(records_at, r.at - records_at);
    st.text = sf::read_text_index(r, st.header.records);
    if (!r.ok || r.at != body.size()) return fail(bad_input("malformed text index"));
    return st;
}

// A delta, checked against a base of base_records records: its header, its runs (base
// ranges and its own records, in the state's order), and its text index.
struct DeltaState {
    sf::Header header;
    struct Item {
        bool from_base = false;
        std::uint64_t count = 0;
        std::uint64_t base_at = 0;
    };
    std::vector<Item> items;
    std::span<const std::uint8_t> records;  // its own, in order
    TextIndex text;
};

Result<DeltaState> check_delta(std::span<const std::uint8_t> body, const dns::Name& origin,
                               std::uint64_t base_records) {
    sf::Reader r{body, sf::delta_magic.size() + sf::digest_size};
    auto header = sf::read_header(r, origin);
    if (!header) return fail(header.error());
    DeltaState d;
    d.header = std::move(*header);
    const std::uint64_t items = r.u64();
    std::uint64_t total = 0, own = 0, base_end = 0;
    for (std::uint64_t i = 0; i < items && r.need(9); ++i) {
        DeltaState::Item item;
        item.from_base = r.u8() == 1;
        item.count = r.u64();
        if (item.from_base) {
            item.base_at = r.u64();
            // Base runs go forward through the base and stay inside it, as both are in order.
            if (item.base_at < base_end || item.count > base_records ||
                item.base_at > base_records - item.count) {
                r.ok = false;
            }
            base_end = item.base_at + item.count;
        } else {
            own += item.count;
        }
        total += item.count;
        d.items.push_back(item);
    }
    if (!r.ok || total != d.header.records) return fail(bad_input("malformed runs"));
    const std::size_t records_at = r.at;
    for (std::uint64_t i = 0; i < own && r.ok; ++i) sf::skip_record(r);
    if (!r.ok) return fail(bad_input("malformed records"));
    d.records = body.subspan(records_at, r.at - records_at);
    d.text = sf::read_text_index(r, d.header.records);
    if (!r.ok || r.at != body.size()) return fail(bad_input("malformed text index"));
    return d;
}

struct Mapping {
    std::shared_ptr<const std::uint8_t> bytes;
    std::size_t size = 0;
    FileIdentity file;
};

// nullopt when there is no file. Mapped, not copied: at 1M records the state is 250 MB,
// which a read would first zero and then copy out of the page cache. A state file is only
// ever replaced by a rename, so the mapped inode is never written again.
Result<std::optional<Mapping>> map_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::optional<Mapping>{};
        return fail(outside_error(fmt::format("cannot open {}: {}", path, std::strerror(errno))));
    }
    struct stat sb {};
    void* map = MAP_FAILED;
    if (::fstat(fd.get(), &sb) != 0)
        return fail(outside_error(fmt::format("cannot read {}: {}", path, std::strerror(errno))));
    Mapping m;
    m.size = static_cast<std::size_t>(sb.st_size);
    m.file = identity_of(sb);
    if (m.size == 0) return std::optional<Mapping>(std::move(m));
    map = ::mmap(nullptr, m.size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
    if (map == MAP_FAILED)
        return fail(outside_error(fmt::format("cannot read {}: {}", path, std::strerror(errno))));
    m.bytes = std::shared_ptr<const std::uint8_t>(
        static_cast<const std::uint8_t*>(map),
        [size = m.size](const std::uint8_t* p) { ::munmap(const_cast<std::uint8_t*>(p), size); });
    return std::optional<Mapping>(std::move(m));
}

std::span<const std::uint8_t> bytes_of(const Mapping& m) { return {m.bytes.get(), m.size}; }

}  // namespace

Result<std::optional<SigningState>> SigningState::read(const std::string& path,
                                                       const dns::Name& origin) {
    auto base = map_file(path);
    if (!base) return fail(base.error());
    if (!*base) return std::optional<SigningState>{};
    const auto base_bytes = bytes_of(**base);
    auto broken = [&](const std::string& file, const Error& e) {
        return fail(bad_input(fmt::format("signing state {}: {}", file, e.message)));
    };
    if (auto ok = check_magic(base_bytes); !ok) return broken(path, ok.error());
    const auto base_digest = sf::closing_digest(base_bytes);
    if (!base_digest)
        return broken(path, bad_input("the checksum does not match (damaged or edited)"));

    sf::Reader header_reader{base_bytes, sf::state_magic.size()};
    auto base_header = sf::read_header(header_reader, origin);
    if (!base_header) return broken(path, base_header.error());

    // The delta is read first: it says which base records to find.
    const std::string delta_file = delta_path_for(path);
    auto delta_map = map_file(delta_file);
    if (!delta_map) return fail(delta_map.error());
    std::optional<DeltaState> delta;
    if (*delta_map) {
        const auto bytes = bytes_of(**delta_map);
        if (!starts_with(bytes, sf::delta_magic))
            return broken(delta_file, bad_input("not a zonewarden state delta"));
        if (!sf::closing_digest(bytes))
            return broken(delta_file, bad_input("the checksum does not match (damaged or edited)"));
        const auto names = bytes.subspan(sf::delta_magic.size(), sf::digest_size);
        // Another base's delta: left over from a run that replaced the base.
        if (std::equal(names.begin(), names.end(), base_digest->begin())) {
            auto d = check_delta(bytes.first(bytes.size() - sf::digest_size), origin,
                                 base_header->records);
            if (!d) return broken(delta_file, d.error());
            delta = std::move(*d);
        }
    }
    // The state's records: runs of base records and of the delta's own; without a delta,
    // the whole base.
    const std::vector<DeltaState::Item> whole_base{{true, base_header->records, 0}};
    const auto& items = delta ? delta->items : whole_base;
    std::vector<std::uint64_t> wanted;
    for (const auto& item : items)
        if (item.from_base && item.count > 0) wanted.push_back(item.base_at);
    auto full = check_full(base_bytes, origin, wanted);
    if (!full) return broken(path, full.error());

    SigningState st;
    StateBase link;
    link.file = (*base)->file;
    link.digest = *base_digest;
    link.records = full->header.records;
    link.bytes = base_bytes.size();
    std::size_t next_wanted = 0;
    std::uint64_t at = 0;
    sf::Reader own{delta ? delta->records : std::span<const std::uint8_t>{}};
    for (const auto& item : items) {
        if (item.count == 0) continue;
        if (item.from_base) {
            st.runs_.push_back(
                RecordRun{full->records.subspan(full->wanted_at[next_wanted++]), item.count});
            link.runs.push_back(StateBase::Run{at, item.count, item.base_at});
        } else {
            st.runs_.push_back(RecordRun{own.data.subspan(own.at), item.count});
            for (std::uint64_t i = 0; i < item.count; ++i) sf::skip_record(own);
        }
        at += item.count;
    }
    sf::Header& header = delta ? delta->header : full->header;
    st.nsec3_ = std::move(header.nsec3);
    st.keys_ = std::move(header.keys);
    st.rrset_count_ = header.records;
    st.text_ = std::move(delta ? delta->text : full->text);
    // Kept signatures may point into either file.
    st.owner_ = delta ? std::make_shared<std::pair<Mapping, Mapping>>(std::move(**base),
                                                                      std::move(**delta_map))
                      : std::shared_ptr<const void>((*base)->bytes);
    st.origin_ = origin;
    st.base_ = std::move(link);
    return std::optional<SigningState>(std::move(st));
}

SigningState SigningState::of(const SignedZone& zone) {
    auto data = std::make_shared<std::vector<std::uint8_t>>();
    sf::write_full_state(
        zone,
        [&](std::span<const std::uint8_t> block) {
            data->insert(data->end(), block.begin(), block.end());
        },
        [] { return TextIndex{}; });
    auto full = check_full(*data, zone.zone.origin, {});
    // What was just written reads back; failing here is a bug in this file.
    if (!full) throw std::logic_error("signing state does not read back: " + full.error().message);
    SigningState st;
    st.origin_ = zone.zone.origin;
    st.nsec3_ = std::move(full->header.nsec3);
    st.keys_ = std::move(full->header.keys);
    st.rrset_count_ = full->header.records;
    st.runs_.push_back(RecordRun{full->records, full->header.records});
    st.owner_ = std::move(data);
    return st;
}

std::string state_path_for(const std::string& out_path) { return out_path + ".zwstate"; }

std::string delta_path_for(const std::string& state_path) { return state_path + ".delta"; }

}  // namespace zw::signer
