#pragma once
// What every operator command opens: the configuration, the state database (one writer at
// a time; a reader never waits), the registrar journal beside it, and a log sink.

#include <memory>
#include <optional>
#include <string>

#include "app/config.h"
#include "app/zone_pass.h"
#include "base/log.h"
#include "registrar/journal.h"
#include "store/store.h"

namespace zw::app {

// Prints warnings and errors to stderr ("zonewarden: ..."); quieter levels are dropped.
class StderrLog final : public LogSink {
  public:
    void event(LogLevel level, std::string_view name, std::vector<LogField> fields) override;
};

// The state database and what may be at its path (docs/operations.md, "The state
// database"): zonewarden's own database is opened; another program's file, or an empty
// one, is refused; a missing one is made only on a fresh installation, where key-dir
// holds no key of any zone (otherwise the database was lost or moved, and starting
// afresh would forget zones whose DS records name keys in key-dir), or by `init`.
//
// The writer lock is held by whoever runs a pass; a command that needs it waits up to
// `patience` for a pass in progress (the daemon's) to finish. `initialise`: `zonewarden
// init`, which also makes a database in an empty file.
[[nodiscard]] Result<store::Store> open_writer(const Config& config, Seconds patience = Seconds{30},
                                               bool initialise = false);
[[nodiscard]] Result<store::Store> open_reader(const Config& config);
// For a state database that is not there: fine on a fresh installation, else the error
// that says the database is missing and what to do.
[[nodiscard]] Result<void> missing_state_is_fresh(const Config& config);
// A file in dir that names a key: K<zone>+AAA+TTTTT.key or .private.
[[nodiscard]] std::optional<std::string> first_key_file(const std::string& dir);

// Errors (2, 3, 4) outrank "pending" (1), which outranks success.
[[nodiscard]] int combine_exit_codes(int a, int b);
// What a pass did, one line each, and how it ended.
[[nodiscard]] std::string pass_text(const PassResult& r);
void print_pass(const PassResult& r);
// Runs one pass per zone with one store and journal; returns the combined exit code.
[[nodiscard]] int run_passes(const Config& config, store::Store& store,
                             const std::vector<store::ZoneInfo>& zones);
// An onboarded zone by the name an operator typed, or bad input.
[[nodiscard]] Result<store::ZoneInfo> known_zone(store::Store& store, const std::string& text);

// "Alpha.Example" -> "alpha.example."; bad names are bad input.
[[nodiscard]] Result<std::string> normalize_zone(std::string_view text);

}  // namespace zw::app
