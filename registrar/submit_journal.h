#pragma once
// Journal helpers for the registrars that cannot list (cds, manual, command): they record a
// "submit" of the whole desired set, and look up whether the same set was already submitted.

#include <optional>

#include "registrar/error.h"
#include "registrar/journal.h"

namespace zw::registrar {

// The newest submit record of exactly these entries (in any state), if any.
[[nodiscard]] Result<std::optional<JournalRecord>> last_submit_of(
    Journal& journal, std::string_view zone, std::string_view registrar,
    const std::vector<Entry>& entries);

// For registrars where submitting is telling someone (an operator, the signer): the journal
// record of the desired DS set (none when going insecure), recorded as sent and accepted now
// if the same set has no record yet.
struct SubmitRecord {
    std::int64_t id = 0;
    Instant since{};
    std::vector<Entry> entries;
};
[[nodiscard]] RResult<SubmitRecord> record_submit_once(Journal& journal, const DesiredSet& desired,
                                                       std::string_view registrar,
                                                       std::string_view note, Instant now);

[[nodiscard]] inline std::unexpected<RegistrarError> journal_failure(const Error& e) {
    return reg_fail(ErrorKind::transient, "registrar journal: " + e.describe());
}

}  // namespace zw::registrar
