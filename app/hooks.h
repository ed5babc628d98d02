#pragma once
// The operator's hooks (docs/operations.md): shell commands run after a signed zone is
// written (`publish`) and when a human must act (`notify`). Values substituted into the
// command are shell-quoted, so a zone name can never become shell syntax. A hook that
// runs longer than its time limit is killed: a pass must end by itself.

#include <map>
#include <string>
#include <string_view>

#include "base/duration.h"
#include "base/error.h"

namespace zw::app {

// 'it''s' style single-quoting for /bin/sh.
[[nodiscard]] std::string shell_quote(std::string_view s);

// Replaces {name} by shell_quote(value) for each entry of vars; other braces stay.
[[nodiscard]] std::string expand_hook(std::string_view command,
                                      const std::map<std::string, std::string>& vars);

struct HookRun {
    std::string command;                     // already expanded
    std::map<std::string, std::string> env;  // added to the environment
    std::string input;                       // written to its stdin
    Seconds limit{60};
};

// Runs `/bin/sh -c command`; an outside error (exit 3) names the exit status or signal.
[[nodiscard]] Result<void> run_hook(const HookRun& run);

}  // namespace zw::app
