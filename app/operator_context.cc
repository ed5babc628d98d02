#include "app/operator_context.h"

#include <fmt/format.h>

#include <filesystem>
#include <thread>

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

Result<std::string> normalize_zone(std::string_view text) {
    auto name = dns::Name::from_text(std::string(text));
    if (!name) return fail(bad_input(fmt::format("'{}' is not a domain name: {}", text, name.error().message)));
    if (name->is_root()) return fail(bad_input("zonewarden does not manage the root zone"));
    return name->to_text();
}

}  // namespace zw::app
