#pragma once
// Documents written from the command-line tree of cli.h: the zonewarden(8) man page and
// the bash completion. The build runs zonewarden-doc to make both, so every command and
// option that --help shows is in them.

#include <CLI/CLI.hpp>
#include <string>

namespace zw::app {

[[nodiscard]] std::string man_page(const CLI::App& app);
[[nodiscard]] std::string bash_completion(const CLI::App& app);

}  // namespace zw::app
