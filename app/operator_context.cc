#include "app/operator_context.h"

#include <fmt/format.h>

#include <filesystem>
#include <thread>

#include "app/output.h"
#include "base/clock.h"
#include "dns/name.h"

namespace zw::app {

void StderrLog::event(LogLevel level, std::string_view name, std::vector<LogField> fields) {
    if (level == LogLevel::debug || level == LogLevel::info) return;
    std::string line = fmt::format("zonewarden: {}: {}", level == LogLevel::error ? "error" : "warning", name);
    for (const auto& f : fields) line += fmt::format(" {}={}", f.key, f.value);
    fmt::print(stderr, "{}\n", line);
}

Result<store::Store> open_writer(const Config& config, Seconds patience) {
    std::error_code ec;
    auto dir = std::filesystem::path(config.state).parent_path();
    if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) return fail(outside_error(fmt::format("cannot create {}: {}", dir.string(), ec.message())));
    }
    auto deadline = std::chrono::steady_clock::now() + patience;
    for (;;) {
        auto s = store::Store::open(config.state, store::Store::Mode::writer);
        if (s || std::chrono::steady_clock::now() >= deadline) return s;
        if (s.error().message.find("lock") == std::string::npos) return s;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

Result<store::Store> open_reader(const Config& config) {
    if (!std::filesystem::exists(config.state))
        return fail(config_error(fmt::format("no state database at {} yet: onboard a zone first", config.state)));
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
    out += fmt::format("{}: {}{}\n", r.zone,
                       r.exit_code == 0   ? "settled or waiting on time"
                       : r.exit_code == 1 ? "waiting for a live check"
                                          : "failed",
                       r.wake_at ? fmt::format(", next pass due by {}", format_instant(*r.wake_at)) : "");
    return out;
}

void print_pass(const PassResult& r) { fmt::print("{}", pass_text(r)); }

// Runs passes over zones with one store and journal; returns the combined exit code.
int run_passes(const Config& config, store::Store& store, const std::vector<store::ZoneInfo>& zones) {
    auto journal = registrar::Journal::open(config.state);
    if (!journal) return report_failure(journal.error());
    StderrLog log;
    SystemClock clock;
    PassEnv env{config, store, *journal, log, clock, nullptr};
    int code = 0;
    for (const auto& z : zones) {
        PassResult r = run_zone_pass(env, z);
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
    if (!name) return fail(bad_input(fmt::format("'{}' is not a domain name: {}", text, name.error().message)));
    if (name->is_root()) return fail(bad_input("zonewarden does not manage the root zone"));
    return name->to_text();
}

}  // namespace zw::app
