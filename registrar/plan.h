#pragma once
// The declarative core: from what the parent should serve and what the registrar holds,
// work out what to add and what to remove. Pure; adapters execute the result.
//
// Order (RFC 6781 §4.1.2, double-DS): new DS records go in first, old ones come out only
// once the additions are in, so the parent never serves a DS set that lacks the key the
// child validates with. A whole-set registrar (OVH) gets the final set in one request, which
// is atomic at the registry and so never empty halfway.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "registrar/entry.h"
#include "registrar/error.h"

namespace zw::registrar {

enum class Granularity { per_record, whole_set };

struct Capabilities {
    EntryView accepts = EntryView::ds;
    Granularity granularity = Granularity::per_record;
    bool async = false;    // answers "accepted" before the change is made (poll it)
    bool can_list = true;  // can say what it holds; cds, command and manual cannot
    std::optional<std::size_t> max_entries;
    std::vector<std::uint8_t> algorithms;    // empty: any
    std::vector<std::uint8_t> digest_types;  // empty: any (only meaningful for the ds view)
};

// A registrar that is handed the whole DS set, answers before the change is made and
// cannot say what it holds (cds, command, manual): the live DS check is its only witness.
[[nodiscard]] inline Capabilities handover_capabilities() {
    Capabilities caps;
    caps.accepts = EntryView::ds;
    caps.granularity = Granularity::whole_set;
    caps.async = true;
    caps.can_list = false;
    return caps;
}

struct Plan {
    std::vector<Entry> add;     // desired, not held
    std::vector<Entry> remove;  // held, not desired (and duplicates of desired ones)
    std::vector<Entry> keep;    // held and desired
    [[nodiscard]] bool converged() const { return add.empty() && remove.empty(); }
};

// Refuses (invalid/unsupported) what the registrar cannot take before anything is sent.
[[nodiscard]] RResult<std::vector<Entry>> desired_entries(const DesiredSet& desired,
                                                          const Capabilities& caps);

// The diff. A held entry that matches a desired one more than once (a duplicate left by an
// earlier retry) keeps its first copy; the others are removed.
[[nodiscard]] Plan make_plan(const std::vector<Entry>& desired, const std::vector<Entry>& held);

// What may be removed now: nothing while additions are outstanding; and never the last
// entry unless the desired set is empty on purpose (checked by desired_entries).
[[nodiscard]] std::vector<Entry> removable_now(const Plan& plan, bool go_insecure);

}  // namespace zw::registrar
