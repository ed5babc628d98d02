// zonewarden: DNSSEC zone signer and KSK rollover orchestrator.

#include <CLI/CLI.hpp>

#include "app/cli.h"

int main(int argc, char** argv) {
    zw::app::CliState state;
    auto app = zw::app::make_cli(state);
    try {
        app->parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app->exit(e);
    } catch (const CLI::ParseError& e) {
        // Usage errors are bad input: exit 2 like every other input problem.
        (void)app->exit(e);
        return 2;
    }
    return state.exit_code;
}
