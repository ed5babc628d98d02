#pragma once
// The registrar journal: every request to a registrar is written down *before* it is sent
// ("sent") and again when its answer is known ("accepted" with the registrar's reference,
// "done" or "failed"). After a crash, or a timeout that may have hidden a committed change,
// the record stays "sent": the next pass lists the registrar again and waits for the change
// to show instead of sending it a second time (Gandi, for one, would store a duplicate).
//
// It lives in the state database beside store/'s tables but keeps its own table and version
// row: store/ owns PRAGMA user_version and its tests pin that number.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/duration.h"
#include "base/error.h"
#include "registrar/entry.h"

namespace zw::registrar {

enum class Operation { add, remove, replace, submit };
enum class JournalState { sent, accepted, done, failed };

[[nodiscard]] std::string_view to_text(Operation o);
[[nodiscard]] std::string_view to_text(JournalState s);

struct JournalRecord {
    std::int64_t id = 0;
    std::string zone;
    std::string registrar;
    Operation operation = Operation::add;
    std::vector<Entry> entries;
    JournalState state = JournalState::sent;
    std::string reference;  // the registrar's task or request id, when it gave one
    std::string detail;
    Instant sent_at{};
    std::optional<Instant> answered_at;
};

// Entries as JSON (hex digests, base64 keys) for the journal and the command adapter.
[[nodiscard]] std::string entries_to_json(const std::vector<Entry>& entries);
[[nodiscard]] Result<std::vector<Entry>> entries_from_json(std::string_view json);

class Journal {
  public:
    // Opens (and creates the table in) the SQLite database at path; ":memory:" for tests.
    [[nodiscard]] static Result<Journal> open(const std::string& path);
    Journal(Journal&&) noexcept;
    Journal& operator=(Journal&&) noexcept;
    ~Journal();

    // Before the call. Returns the record id.
    [[nodiscard]] Result<std::int64_t> sent(std::string_view zone, std::string_view registrar,
                                            Operation op, const std::vector<Entry>& entries,
                                            Instant now);
    // After the call (or on resume, once a listing settles it).
    [[nodiscard]] Result<void> answered(std::int64_t id, JournalState state,
                                        std::string_view reference, std::string_view detail,
                                        Instant now);
    // Records still "sent" or "accepted", oldest first.
    [[nodiscard]] Result<std::vector<JournalRecord>> open_records(std::string_view zone,
                                                                  std::string_view registrar);
    [[nodiscard]] Result<std::vector<JournalRecord>> history(std::string_view zone,
                                                             std::string_view registrar);

  private:
    struct Impl;
    explicit Journal(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace zw::registrar
