#pragma once
// The DNS query options of the live commands (`probe`, `dane-check`): held to the same
// bounds as the configuration's dns.timeout and dns.attempts (app/config.h).

#include <fmt/format.h>

#include "app/config.h"

namespace zw::app {

[[nodiscard]] inline Result<void> check_dns_query_options(int attempts, int timeout_ms) {
    if (attempts < 1 || attempts > max_dns_attempts)
        return fail(bad_input(fmt::format("--attempts must be from 1 to {}", max_dns_attempts)));
    if (timeout_ms < 1 || timeout_ms > max_dns_timeout_ms)
        return fail(
            bad_input(fmt::format("--timeout-ms must be from 1 to {}", max_dns_timeout_ms)));
    return {};
}

}  // namespace zw::app
