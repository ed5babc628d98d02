#pragma once
// The whole command line in one place: every command and option (registered by the
// command files), and what an operator needs beside them (exit codes, files, signals).
// main() parses with it; zonewarden-doc writes the man page and the bash completion from
// the same tree, so --help, zonewarden(8) and completion cannot drift apart.

#include <CLI/CLI.hpp>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "app/config.h"

namespace zw::app {

struct CliState {
    int exit_code = 0;
    std::string config_path = default_config_path;
};

// A term and what it means: an exit code, a file, a signal.
struct CliFact {
    std::string_view term;
    std::string_view meaning;
};

[[nodiscard]] std::span<const CliFact> exit_code_facts();
[[nodiscard]] std::span<const CliFact> file_facts();
[[nodiscard]] std::span<const CliFact> signal_facts();

// The project's version (CMakeLists.txt), as --version and the man page show it.
[[nodiscard]] std::string_view cli_version();
inline constexpr std::string_view cli_summary = "DNSSEC zone signer and key rollover orchestrator";

// The application with every command registered; `state` must outlive it.
[[nodiscard]] std::unique_ptr<CLI::App> make_cli(CliState& state);

}  // namespace zw::app
