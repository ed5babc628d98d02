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

}  // namespace zw::registrar
