// zonewarden: DNSSEC zone signer and KSK rollover orchestrator.

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "app/config.h"

int main(int argc, char** argv) {
    CLI::App app{"zonewarden: DNSSEC zone signer and key rollover orchestrator. Keeps tenant zones signed, rolls\n"
                 "their keys with RFC 7583 timing and moves the DS at the parent, confirming every step against\n"
                 "every authoritative server first. Reference: docs/operations.md."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "zonewarden 0.1.0");
    int exit_code = 0;
    std::string config_path = zw::app::default_config_path;
    app.add_option("--config", config_path, "Configuration file (operator commands)")->capture_default_str();
    zw::app::register_operator_commands(app, config_path, exit_code);
    zw::app::register_run_command(app, config_path, exit_code);
    zw::app::register_init_command(app, config_path, exit_code);
    zw::app::register_keygen_command(app, exit_code);
    zw::app::register_sign_command(app, exit_code);
    zw::app::register_demo_command(app, exit_code);
    zw::app::register_probe_command(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // Usage errors are bad input: exit 2 like every other input problem.
        (void)app.exit(e);
        return 2;
    }
    return exit_code;
}
