// zonewarden: DNSSEC zone signer and KSK rollover orchestrator.

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
    CLI::App app{"zonewarden: DNSSEC zone signer and key rollover orchestrator.\n"
                 "Built so far: keygen, sign, demo and probe (live checks). The rollover commands of DESIGN.md "
                 "(onboard, tick, run, status, ...) are not built yet."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "zonewarden 0.1.0");
    int exit_code = 0;
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
