// zonewarden init: make the state database on purpose. Every other command refuses an
// empty file where the state should be (the state was lost: starting afresh there would
// forget every zone and make new keys while the parents' DS records name the old ones),
// and makes a missing database only on a fresh installation (operator_context.h).
#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/operator_context.h"
#include "app/output.h"

namespace zw::app {

namespace {

int run_init(const std::string& config_path) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    std::error_code ec;
    const bool existed = std::filesystem::exists(config->state, ec);
    const bool was_empty = existed && std::filesystem::file_size(config->state, ec) == 0 && !ec;
    auto store = open_writer(*config, Seconds{30}, true);
    if (!store) return report_failure(store.error());
    auto zones = store->zones();
    if (!zones) return report_failure(zones.error());
    if (!existed)
        fmt::print("{}: created an empty state database\n", config->state);
    else if (was_empty || zones->empty())
        fmt::print("{}: {} state database, no zones\n", config->state,
                   was_empty ? "was an empty file; now an empty" : "an empty");
    else
        fmt::print("{}: a state database with {} zone{} already; nothing to do\n", config->state,
                   zones->size(), zones->size() == 1 ? "" : "s");
    return 0;
}

}  // namespace

void register_init_command(CLI::App& app, const std::string& config_path, int& exit_code) {
    const std::string* cfg = &config_path;
    CLI::App* c =
        app.add_subcommand("init", "Make the state database on purpose (also in an empty file)");
    c->footer(
        "Other commands refuse an empty or foreign file at 'state', and make a missing database "
        "only "
        "while key-dir holds no keys (a fresh installation). init makes one in a missing or empty "
        "file; "
        "it never touches another program's file, and leaves zonewarden's own database as it is.\n"
        "Exit 0: the database is there; 2: the file is not zonewarden's or the configuration is "
        "wrong.");
    c->callback([cfg, &exit_code] { exit_code = run_init(*cfg); });
}

}  // namespace zw::app
