// Writing a signing state: in full, or as a delta against the base it was read from
// (signing_state.h). Reading is in signing_state.cc, the encoding in state_format.cc.
#include <sys/stat.h>
#include <unistd.h>

#include "signer/signing_state.h"
#include "signer/state_format.h"

namespace zw::signer {

namespace sf = state_format;

namespace {

// What a delta holds, in the new state's order: runs of base records, and runs of nodes
// whose records it stores itself.
struct DeltaPlan {
    struct Item {
        bool from_base = false;
        std::uint64_t count = 0;         // records
        std::uint64_t base_at = 0;       // from_base: the first one's ordinal in the base
        std::size_t first = 0, end = 0;  // otherwise: nodes [first, end), for_each_node order
    };
    std::vector<Item> items;
    std::uint64_t records = 0;
    std::uint64_t own_bytes = 0;
    std::uint64_t base_used = 0;
};

// The state's records that are the base's, per node: a node is taken from the base when
// it is unchanged (SignedZone::unchanged_from) and its records are consecutive base
// records after the last ones taken; every other node's records go into the delta.
std::optional<DeltaPlan> plan_delta(const SignedZone& sz) {
    const std::size_t zone_nodes = sz.zone.nodes.size();
    const std::size_t total = zone_nodes + sz.nsec3_nodes.size();
    if (!sz.previous_base || sz.unchanged_from.size() != total) return std::nullopt;
    const auto& runs = sz.previous_base->runs;
    // The previous state's ordinals only grow along the zone, so the run they fall in is
    // found by walking forward.
    std::size_t run = 0;
    auto base_of = [&](std::uint64_t ordinal) -> std::optional<std::uint64_t> {
        while (run < runs.size() && runs[run].at + runs[run].count <= ordinal) ++run;
        if (run == runs.size() || runs[run].at > ordinal) return std::nullopt;
        return runs[run].base_at + (ordinal - runs[run].at);
    };
    DeltaPlan plan;
    std::uint64_t base_end = 0;
    for (std::size_t i = 0; i < total; ++i) {
        const zones::Node& node =
            i < zone_nodes ? sz.zone.nodes[i] : sz.nsec3_nodes[i - zone_nodes];
        const std::uint64_t records = sf::stored_records(node);
        if (records == 0) continue;
        plan.records += records;
        bool in_base = false;
        std::uint64_t first = 0;
        if (const auto& from = sz.unchanged_from[i]) {
            const auto at = base_of(*from);
            in_base = at && *at >= base_end;
            first = at.value_or(0);
            for (std::uint64_t j = 1; in_base && j < records; ++j)
                in_base = base_of(*from + j) == first + j;
        }
        DeltaPlan::Item* last = plan.items.empty() ? nullptr : &plan.items.back();
        if (in_base) {
            if (last && last->from_base && last->base_at + last->count == first) {
                last->count += records;
            } else {
                plan.items.push_back(DeltaPlan::Item{true, records, first, 0, 0});
            }
            base_end = first + records;
            plan.base_used += records;
        } else {
            if (last && !last->from_base) {
                last->count += records;
                last->end = i + 1;
            } else {
                plan.items.push_back(DeltaPlan::Item{false, records, 0, i, i + 1});
            }
            plan.own_bytes += sf::stored_size(node);
        }
    }
    return plan;
}

// A delta is worth it while it stays small beside the base and the base is mostly still
// the zone: past an eighth either way the base is written again, so reading a state never
// costs much more than reading a full one.
bool worth_a_delta(const DeltaPlan& plan, const StateBase& base) {
    return plan.own_bytes <= base.bytes / 8 && (base.records - plan.base_used) <= base.records / 8;
}

// The base is still the file that was read (the delta would name its records by place).
bool base_in_place(const std::string& path, const StateBase& base) {
    struct ::stat sb {};
    return ::stat(path.c_str(), &sb) == 0 && identity_of(sb) == base.file;
}

// magic, the base's digest, the header, the runs, the delta's own records, the text
// index, and the digest of it all.
void write_delta(const SignedZone& zone, const DeltaPlan& plan, const sf::RecordWriter::Sink& sink,
                 const std::function<TextIndex()>& text_index) {
    sf::DigestingSink out(sink);
    out(sf::delta_magic);
    out(zone.previous_base->digest);
    dns::Bytes head;
    sf::put_header(head, zone, plan.records);
    sf::put_u64(head, plan.items.size());
    for (const auto& item : plan.items) {
        head.push_back(item.from_base ? 1 : 0);
        sf::put_u64(head, item.count);
        if (item.from_base) sf::put_u64(head, item.base_at);
    }
    out(head);
    sf::RecordWriter records(std::ref(out));
    const std::size_t zone_nodes = zone.zone.nodes.size();
    for (const auto& item : plan.items) {
        for (std::size_t i = item.first; i < item.end; ++i) {
            if (i < zone_nodes) {
                records.node(zone.zone.nodes[i], false);
            } else {
                records.node(zone.nsec3_nodes[i - zone_nodes], true);
            }
        }
    }
    records.flush();
    out.finish(text_index());
}

}  // namespace

StagedState::StagedState(zones::StagedFile file, bool is_delta, std::string delta_path,
                         std::uint64_t bytes)
    : file_(std::move(file)),
      is_delta_(is_delta),
      delta_path_(std::move(delta_path)),
      bytes_(bytes) {}

Result<void> StagedState::commit() {
    if (auto ok = file_.commit(); !ok) return ok;
    if (!is_delta_) ::unlink(delta_path_.c_str());  // names the old base: stale either way
    return {};
}

Result<void> commit(Result<StagedState> staged) {
    if (!staged) return fail(staged.error());
    return staged->commit();
}

Result<void> write_signing_state(const SignedZone& zone, const std::string& path, mode_t mode) {
    return commit(stage_signing_state(
        zone, path, [] { return TextIndex{}; }, mode));
}

Result<StagedState> stage_signing_state(const SignedZone& zone, const std::string& path,
                                        const std::function<TextIndex()>& text_index, mode_t mode) {
    const std::string delta_path = delta_path_for(path);
    auto plan = plan_delta(zone);
    const bool as_delta = plan && worth_a_delta(*plan, *zone.previous_base) &&
                          base_in_place(path, *zone.previous_base);
    auto staged = zones::StagedFile::write(
        as_delta ? delta_path : path, mode, [&](zones::BufferedWriter& w) -> Result<void> {
            auto to_file = [&](std::span<const std::uint8_t> block) {
                w.write({reinterpret_cast<const char*>(block.data()), block.size()});
            };
            if (as_delta) {
                write_delta(zone, *plan, to_file, text_index);
            } else {
                sf::write_full_state(zone, to_file, text_index);
            }
            return {};
        });
    if (!staged) return fail(staged.error());
    auto status = staged->status();
    const std::uint64_t bytes = status ? static_cast<std::uint64_t>(status->st_size) : 0;
    return StagedState(std::move(*staged), as_delta, delta_path, bytes);
}

void remove_signing_state(const std::string& path) {
    ::unlink(path.c_str());
    ::unlink(delta_path_for(path).c_str());
}

}  // namespace zw::signer
