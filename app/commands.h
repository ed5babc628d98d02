#pragma once
// Each subcommand registers itself on the CLI11 app; its callback runs the command and
// stores the process exit code.

#include <CLI/CLI.hpp>
#include <string>

namespace zw::app {

void register_keygen_command(CLI::App& app, int& exit_code);
void register_sign_command(CLI::App& app, int& exit_code);
void register_demo_command(CLI::App& app, int& exit_code);
void register_probe_command(CLI::App& app, int& exit_code);
void register_tls_command(CLI::App& app, int& exit_code);
void register_dane_check_command(CLI::App& app, int& exit_code);
// The operator's commands read the configuration file named by the global --config.
void register_operator_commands(CLI::App& app, const std::string& config_path, int& exit_code);
void register_run_command(CLI::App& app, const std::string& config_path, int& exit_code);
void register_onboard_command(CLI::App& app, const std::string& config_path, int& exit_code);
void register_check_command(CLI::App& app, const std::string& config_path, int& exit_code);
void register_init_command(CLI::App& app, const std::string& config_path, int& exit_code);
void register_report_command(CLI::App& app, const std::string& config_path, int& exit_code);

}  // namespace zw::app
