#include "app/cli.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "app/commands.h"

namespace zw::app {

namespace {

constexpr std::array exit_codes{
    CliFact{"0", "done: every zone settled or waiting on time"},
    CliFact{
        "1",
        "pending: a step waits for a live check (tick, onboard), or a server disagrees (check)"},
    CliFact{"2", "bad input or configuration; the message names file:line where there is one"},
    CliFact{"3", "an outside failure after retries: file system, name server, registrar"},
    CliFact{"4",
            "an internal failure, such as a signed zone that failed its self-check (nothing is "
            "written)"},
};

constexpr std::array files{
    CliFact{"/etc/zonewarden/zonewarden.yaml",
            "the configuration (--config); example in /usr/share/doc/zonewarden/examples"},
    CliFact{"/etc/zonewarden/zones/ZONE.zone", "unsigned zones (zones-in)"},
    CliFact{"/var/lib/zonewarden/state.db",
            "the state: zones, keys, record states, the audit log (state)"},
    CliFact{"/var/lib/zonewarden/keys/ZONE/",
            "private keys, 0700 directories, 0600 files (key-dir)"},
    CliFact{"/var/lib/zonewarden/signed/ZONE.zone",
            "signed zones for the name servers (zones-out)"},
};

constexpr std::array signals{
    CliFact{"SIGTERM, SIGINT", "run: stop between two zones, exit 0"},
    CliFact{"SIGHUP", "run: re-read the configuration; a bad one is reported and the old one kept"},
};

// Short terms in a column, long ones (paths) on a line of their own.
std::string facts_text(std::string_view title, std::span<const CliFact> facts) {
    std::size_t width = 0;
    for (const auto& f : facts) width = std::max(width, f.term.size());
    std::string out = fmt::format("{}:\n", title);
    for (const auto& f : facts)
        out += width <= 16 ? fmt::format("  {:<{}} {}\n", f.term, width, f.meaning)
                           : fmt::format("  {}\n      {}\n", f.term, f.meaning);
    return out;
}

}  // namespace

std::string_view cli_version() { return ZW_VERSION; }
std::span<const CliFact> exit_code_facts() { return exit_codes; }
std::span<const CliFact> file_facts() { return files; }
std::span<const CliFact> signal_facts() { return signals; }

std::unique_ptr<CLI::App> make_cli(CliState& state) {
    auto app = std::make_unique<CLI::App>(
        fmt::format(
            "zonewarden: {}. Keeps tenant zones signed, rolls their keys with RFC 7583 timing and\n"
            "moves the DS at the parent, confirming every step against every authoritative server "
            "first.\n"
            "Manual: zonewarden(8).",
            cli_summary),
        "zonewarden");
    app->require_subcommand(1);
    app->set_version_flag("--version", fmt::format("zonewarden {}", cli_version()));
    app->add_option("--config", state.config_path, "Configuration file (operator commands)")
        ->capture_default_str();
    app->footer(facts_text("Exit codes", exit_codes) + facts_text("Files", files) +
                facts_text("Signals", signals));
    register_operator_commands(*app, state.config_path, state.exit_code);
    register_run_command(*app, state.config_path, state.exit_code);
    register_report_command(*app, state.config_path, state.exit_code);
    register_init_command(*app, state.config_path, state.exit_code);
    register_keygen_command(*app, state.exit_code);
    register_sign_command(*app, state.exit_code);
    register_demo_command(*app, state.exit_code);
    register_probe_command(*app, state.exit_code);
    register_tls_command(*app, state.exit_code);
    register_dane_check_command(*app, state.exit_code);
    return app;
}

}  // namespace zw::app
