#include "registrar/submit_journal.h"

namespace zw::registrar {

Result<std::optional<JournalRecord>> last_submit_of(Journal& journal, std::string_view zone,
                                                    std::string_view registrar,
                                                    const std::vector<Entry>& entries) {
    auto h = journal.history(zone, registrar);
    if (!h) return fail(h.error());
    auto want = entries_to_json(entries);
    for (auto it = h->rbegin(); it != h->rend(); ++it)
        if (it->operation == Operation::submit) {
            if (entries_to_json(it->entries) == want) return std::optional<JournalRecord>(*it);
            return std::optional<JournalRecord>{};  // a newer, different set was submitted since
        }
    return std::optional<JournalRecord>{};
}

RResult<SubmitRecord> record_submit_once(Journal& journal, std::string_view zone,
                                         std::string_view registrar,
                                         const std::vector<Entry>& entries, std::string_view note,
                                         Instant now) {
    auto last = last_submit_of(journal, zone, registrar, entries);
    if (!last) return journal_failure(last.error());
    if (*last) return SubmitRecord{(*last)->id, (*last)->sent_at};
    auto id = journal.sent(zone, registrar, Operation::submit, entries, now);
    if (!id) return journal_failure(id.error());
    if (auto a = journal.answered(*id, JournalState::accepted, "", std::string(note), now); !a)
        return journal_failure(a.error());
    return SubmitRecord{*id, now};
}

}  // namespace zw::registrar
