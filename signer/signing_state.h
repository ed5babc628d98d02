#pragma once
// The signed state a run leaves for the next one, so that re-signing costs O(change): every
// RRset with its data and RRSIGs (unsigned ones too, so that a node can be known to be
// unchanged), the keys that may have made the signatures, the denial parameters, and
// where the text of the output lies (text_index.h). It is a compact binary file beside
// the signed output ("<out>.zwstate"), written atomically beside the output and closed by
// a SHA-256 of its contents.
//
// A run that changed little writes only its changes: a delta ("<out>.zwstate.delta")
// that names the full file it applies to (the base) by its SHA-256, lists which runs of
// the base's records are still the zone's, and holds the records that are not. At 1M
// records the full file is 250 MB and a one-record change's delta about 20 kB, most of
// it the text index. Each delta is against the base, not against the delta before it,
// so a state is always the base or the base and one delta; the base is written again in
// full once the delta would hold more than an eighth of its bytes, or an eighth of its
// records are gone (stage_signing_state).
//
// It never needs the output file: each RRset is stored with the exact data its signatures
// cover, so a state stays usable whatever happened to the output since; text is copied
// from the output only if it is still the very file the index names (text_index.h). Why its
// signatures may be reused without verifying them again is argued in docs/signer.md ("Trusting
// reused signatures"); in short, a state is only ever made from a SignedZone that passed the
// self-check, and a signature is reused only over byte-identical RRset data, by a byte-
// identical key that still signs.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "signer/signed_zone.h"
#include "signer/state_base.h"
#include "signer/text_index.h"
#include "zones/atomic_file.h"

namespace zw::signer {

// One stored RRset, pointing into the state's buffer.
struct StoredRRset {
    bool nsec3_section = false;  // an NSEC3 node (SignedZone::nsec3_nodes), not a zone node
    std::span<const std::uint8_t> owner;  // wire format, lowercase
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    std::uint16_t rdata_count = 0;
    std::span<const std::uint8_t> rdatas;  // rdata_count x (u16 length, bytes)
    std::uint16_t signature_count = 0;
    std::span<const std::uint8_t> signatures;  // signature_count x (u16 length, RRSIG RDATA)

    // Calls fn(span) for each item of a length-prefixed block.
    template <typename Fn>
    static void for_each_item(std::span<const std::uint8_t> block, std::uint16_t count, Fn fn) {
        std::size_t at = 0;
        for (std::uint16_t i = 0; i < count; ++i) {
            std::size_t len = static_cast<std::size_t>(block[at] << 8 | block[at + 1]);
            fn(block.subspan(at + 2, len));
            at += 2 + len;
        }
    }
    [[nodiscard]] bool same_data(std::uint32_t other_ttl,
                                 std::span<const dns::Bytes> other_rdatas) const;
};

// Whether an RRset is kept in the state: all are, unless one is too large for its format
// (more than 65,535 records). One left out only makes its node count as changed.
[[nodiscard]] bool stored_in_state(const zones::RRset& set);

class SigningState {
  public:
    // nullopt when there is no file at path (a first run). An error when the file, or the
    // delta beside it, cannot be used: unreadable, truncated, a checksum or format
    // mismatch, or another origin; the caller warns and signs everything. A delta that
    // names another base is left over from a run that wrote the base again and stopped
    // before removing it: the base alone is the state.
    [[nodiscard]] static Result<std::optional<SigningState>> read(const std::string& path,
                                                                  const dns::Name& origin);
    // The state of a zone signed in this process (the executor may keep it in memory).
    [[nodiscard]] static SigningState of(const SignedZone& zone);

    [[nodiscard]] const dns::Name& origin() const { return origin_; }
    [[nodiscard]] const std::optional<Nsec3Params>& nsec3() const { return nsec3_; }
    // DNSKEY RDATA of every key that could have made a stored signature.
    [[nodiscard]] const std::vector<dns::Bytes>& keys() const { return keys_; }
    [[nodiscard]] std::size_t rrset_count() const { return rrset_count_; }
    // Where the output written with this state holds the text of its records; empty when
    // there is none to copy from (written without output, or with another formatting).
    [[nodiscard]] const TextIndex& text() const { return text_; }
    // The base file this state was read from, for writing the next one as a delta; nullopt
    // for a state made in memory.
    [[nodiscard]] const std::optional<StateBase>& base() const { return base_; }
    // What keeps the bytes the cursors point into alive (a mapping of the file, or a
    // buffer): a zone that borrows stored signatures holds on to it.
    [[nodiscard]] std::shared_ptr<const void> storage() const { return owner_; }

    // Consecutive stored records in one buffer: the base's or the delta's.
    struct RecordRun {
        std::span<const std::uint8_t> bytes;  // from the run's first record on
        std::uint64_t count = 0;
    };

    // Reads the stored RRsets in order: zone nodes in canonical order, then NSEC3 nodes in
    // hash order. Everything was bounds-checked when read, so this never fails.
    class Cursor {
      public:
        [[nodiscard]] bool done() const { return run_ == runs_.size(); }
        [[nodiscard]] const StoredRRset& get() const { return record_; }
        // The record's place among all stored records, from 0.
        [[nodiscard]] std::uint64_t ordinal() const { return ordinal_; }
        void next();

      private:
        friend class SigningState;
        explicit Cursor(std::span<const RecordRun> runs);
        void enter_run();  // at the first record of runs_[run_], or past empty runs
        void load();
        std::span<const RecordRun> runs_;
        std::size_t run_ = 0;
        std::size_t at_ = 0;
        std::uint64_t left_ = 0;  // in the current run, this record included
        std::uint64_t ordinal_ = 0;
        StoredRRset record_;
    };
    [[nodiscard]] Cursor cursor() const { return Cursor(runs_); }

  private:
    SigningState() = default;

    std::shared_ptr<const void> owner_;
    dns::Name origin_;
    std::optional<Nsec3Params> nsec3_;
    std::vector<dns::Bytes> keys_;
    std::size_t rrset_count_ = 0;
    std::vector<RecordRun> runs_;
    TextIndex text_;
    std::optional<StateBase> base_;
};

// "<out>.zwstate": where `sign --incremental` keeps the state of the zone written to out.
[[nodiscard]] std::string state_path_for(const std::string& out_path);
// "<state>.delta": the changes against the state file at state_path.
[[nodiscard]] std::string delta_path_for(const std::string& state_path);

// A state written under temporary names, not yet in place (zones::StagedFile): either the
// full state, or a delta against the base file in place.
class StagedState {
  public:
    StagedState(zones::StagedFile file, bool is_delta, std::string delta_path, std::uint64_t bytes);
    // The delta is renamed over the previous one. A full state is renamed over the base,
    // and only then is the previous delta, which names the old base, removed: a crash in
    // between leaves a delta that the next read sees is stale.
    [[nodiscard]] Result<void> commit();
    [[nodiscard]] bool is_delta() const { return is_delta_; }
    [[nodiscard]] std::uint64_t bytes() const { return bytes_; }

  private:
    zones::StagedFile file_;
    bool is_delta_;
    std::string delta_path_;
    std::uint64_t bytes_;
};
[[nodiscard]] Result<void> commit(Result<StagedState> staged);

// Writes the state of a zone returned by sign_zone (and so self-checked) atomically, with
// no text index. Pass nothing else: the next run trusts these signatures without verifying
// them. Against a state read from path (SignedZone::previous_base), only the changes are
// written while they are small.
// A new state file's mode is `mode` less the umask (the output's: it holds the same data);
// an existing one keeps its own (atomic_file.h).
[[nodiscard]] Result<void> write_signing_state(const SignedZone& zone, const std::string& path,
                                               mode_t mode = 0644);
// The same, left under a temporary name until commit() (zone_writer.h, stage_signed_zone):
// commit only once the zone's self-check has passed. text_index() is called once, after
// the records are written: it may wait for the output it describes to be written.
[[nodiscard]] Result<StagedState> stage_signing_state(const SignedZone& zone,
                                                      const std::string& path,
                                                      const std::function<TextIndex()>& text_index,
                                                      mode_t mode = 0644);
// Removes the state at path and its delta (a zone no longer signed); missing files are fine.
void remove_signing_state(const std::string& path);

}  // namespace zw::signer
