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

RResult<SubmitRecord> record_submit_once(Journal& journal, const DesiredSet& desired,
                                         std::string_view registrar, std::string_view note,
                                         Instant now) {
    std::vector<Entry> entries;
    if (!desired.go_insecure) {
        auto e = expand(desired, EntryView::ds);
        if (!e) return reg_fail(ErrorKind::invalid, e.error().message);
        entries = std::move(*e);
    }
    std::string zone = desired.zone.to_text();
    auto last = last_submit_of(journal, zone, registrar, entries);
    if (!last) return journal_failure(last.error());
    if (*last) return SubmitRecord{(*last)->id, (*last)->sent_at, std::move(entries)};
    auto id = journal.sent(zone, registrar, Operation::submit, entries, now);
    if (!id) return journal_failure(id.error());
    if (auto a = journal.answered(*id, JournalState::accepted, "", std::string(note), now); !a)
        return journal_failure(a.error());
    return SubmitRecord{*id, now, std::move(entries)};
}

}  // namespace zw::registrar
