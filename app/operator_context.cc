#include "app/operator_context.h"

#include <fmt/format.h>

#include <filesystem>
#include <thread>

#include "app/output.h"
#include "app/pass_guard.h"
#include "base/clock.h"
#include "base/directories.h"
#include "dns/name.h"
#include "signer/key_file.h"

namespace zw::app {

void StderrLog::event(LogLevel level, std::string_view name, std::vector<LogField> fields) {
    if (level == LogLevel::debug || level == LogLevel::info) return;
    std::string line =
        fmt::format("zonewarden: {}: {}", level == LogLevel::error ? "error" : "warning", name);
    for (const auto& f : fields) line += fmt::format(" {}={}", f.key, f.value);
    fmt::print(stderr, "{}\n", line);
}

std::optional<std::string> first_key_file(const std::string& dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if ((name.starts_with('K') || name.starts_with('k')) &&
            (name.ends_with(".key") || name.ends_with(".private")))
            return entry.path().string();
    }
    return std::nullopt;
}

Result<void> missing_state_is_fresh(const Config& config) {
    std::error_code ec;
    for (const auto& zone_dir : std::filesystem::directory_iterator(config.key_dir, ec)) {
        if (!zone_dir.is_directory(ec)) continue;
        if (auto key = first_key_file(zone_dir.path().string()))
            return fail(config_error(
                fmt::format("there is no state database at {}, but key-dir holds keys ({}): the "
                            "database was lost or moved. "
                            "Restore it from a backup, or run 'zonewarden init' to start with an "
                            "empty state on purpose "
                            "(then 'onboard --adopt-keys' takes each zone's keys back)",
                            config.state, *key)));
    }
    return {};
}

Result<store::Store> open_writer(const Config& config, Seconds patience, bool initialise) {
    auto mode = initialise ? store::Store::Mode::initialise : store::Store::Mode::writer;
    if (std::error_code ec; !initialise && !std::filesystem::exists(config.state, ec)) {
        if (auto fresh = missing_state_is_fresh(config); !fresh) return fail(fresh.error());
        mode = store::Store::Mode::create;
    }
    auto dir = std::filesystem::path(config.state).parent_path();
    if (!dir.empty())
        if (auto made = make_directories(dir.string(), state_directory_mode); !made)
            return fail(made.error());
    auto deadline = std::chrono::steady_clock::now() + patience;
    for (;;) {
        auto s = store::Store::open(config.state, mode);
        if (s || std::chrono::steady_clock::now() >= deadline) return s;
        if (s.error().message.find("lock") == std::string::npos) return s;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

Result<store::Store> open_reader(const Config& config) {
    if (!std::filesystem::exists(config.state)) {
        if (auto fresh = missing_state_is_fresh(config); !fresh) return fail(fresh.error());
        return fail(config_error(
            fmt::format("no state database at {} yet: onboard a zone first", config.state)));
    }
    return store::Store::open(config.state, store::Store::Mode::reader);
}

int combine_exit_codes(int a, int b) {
    // Errors (2, 3, 4) outrank "pending" (1), which outranks success.
    if (a >= 2 || b >= 2) return std::max(a >= 2 ? a : 0, b >= 2 ? b : 0);
    return std::max(a, b);
}

std::string pass_text(const PassResult& r) {
    std::string out;
    for (const auto& line : r.lines) out += fmt::format("{}: {}\n", r.zone, line);
    out += fmt::format(
        "{}: {}{}\n", r.zone,
        r.exit_code == 0   ? "settled or waiting on time"
        : r.exit_code == 1 ? "waiting for a live check"
                           : "failed",
        r.wake_at ? fmt::format(", next pass due by {}", format_instant(*r.wake_at)) : "");
    return out;
}

void print_pass(const PassResult& r) { fmt::print("{}", pass_text(r)); }

// Runs passes over zones with one store and journal; returns the combined exit code.
int run_passes(const Config& config, store::Store& store,
               const std::vector<store::ZoneInfo>& zones) {
    auto journal = registrar::Journal::open(config.state);
    if (!journal) return report_failure(journal.error());
    StderrLog log;
    SystemClock clock;
    PassEnv env{config, store, *journal, log, clock, nullptr};
    int code = 0;
    for (const auto& z : zones) {
        PassResult r = guarded_zone_pass(env, z);
        print_pass(r);
        code = combine_exit_codes(code, r.exit_code);
    }
    return code;
}

Result<store::ZoneInfo> known_zone(store::Store& store, const std::string& text) {
    auto zone = normalize_zone(text);
    if (!zone) return fail(zone.error());
    auto info = store.zone(*zone);
    if (!info) return fail(info.error());
    if (!*info) return fail(bad_input(fmt::format("{} is not onboarded", *zone)));
    return **info;
}

Result<std::string> normalize_zone(std::string_view text) {
    auto name = dns::Name::from_text(std::string(text));
    if (!name)
        return fail(
            bad_input(fmt::format("'{}' is not a domain name: {}", text, name.error().message)));
    if (name->is_root()) return fail(bad_input("zonewarden does not manage the root zone"));
    // Any valid name is a zone; its files are named by dns::file_name_text, which keeps
    // every name inside key-dir, zones-in and zones-out. Only a name too long for that is
    // refused.
    if (auto fits = signer::key_file_name_fits(*name); !fits) return fail(fits.error());
    return name->to_text();
}

}  // namespace zw::app
