#pragma once
// Each subcommand registers itself on the CLI11 app; its callback runs the command and
// stores the process exit code.

#include <CLI/CLI.hpp>

namespace zw::app {

void register_keygen_command(CLI::App& app, int& exit_code);
void register_sign_command(CLI::App& app, int& exit_code);
void register_demo_command(CLI::App& app, int& exit_code);
void register_probe_command(CLI::App& app, int& exit_code);

}  // namespace zw::app
