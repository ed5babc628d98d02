#pragma once
// How commands talk to the operator: results on stdout, warnings and errors on stderr,
// each error as "zonewarden: file:line: message".

#include <string_view>
#include <vector>

#include "base/error.h"

namespace zw::app {

void print_warning(const Error& warning);
void print_error(const Error& error);
// Prints the error and returns its exit code.
[[nodiscard]] int report_failure(const Error& error);
// Prints every warning; then, if there are errors, all of them, and returns the exit code.
[[nodiscard]] int report_diagnostics(const std::vector<Error>& errors,
                                     const std::vector<Error>& warnings);

}  // namespace zw::app
