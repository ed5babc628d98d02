#include "app/output.h"

#include <fmt/format.h>

#include <cstdio>

namespace zw::app {

void print_warning(const Error& warning) {
    fmt::print(stderr, "zonewarden: warning: {}\n", warning.describe());
}

void print_error(const Error& error) {
    fmt::print(stderr, "zonewarden: error: {}\n", error.describe());
}

int report_failure(const Error& error) {
    print_error(error);
    return exit_code_for(error.kind);
}

int report_diagnostics(const std::vector<Error>& errors, const std::vector<Error>& warnings) {
    for (const auto& w : warnings) print_warning(w);
    for (const auto& e : errors) print_error(e);
    if (errors.empty()) return 0;
    fmt::print(stderr, "zonewarden: {} error{}; nothing was written\n", errors.size(),
               errors.size() == 1 ? "" : "s");
    return exit_code_for(errors.front().kind);
}

}  // namespace zw::app
