#include "registrar/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace zw::registrar {

std::string_view to_text(ErrorKind k) {
    switch (k) {
        case ErrorKind::transient:
            return "transient";
        case ErrorKind::in_progress:
            return "in_progress";
        case ErrorKind::invalid:
            return "invalid";
        case ErrorKind::authentication:
            return "authentication";
        case ErrorKind::not_found:
            return "not_found";
        case ErrorKind::unsupported:
            return "unsupported";
        case ErrorKind::bad_answer:
            return "bad_answer";
    }
    return "?";
}

std::string RegistrarError::describe() const {
    std::string s = fmt::format("{}: {}", to_text(kind), message);
    if (http_status != 0) s += fmt::format(" (HTTP {})", http_status);
    if (retry_after) s += fmt::format(" (retry after {}s)", retry_after->count());
    return s;
}

Error RegistrarError::to_error() const {
    switch (kind) {
        case ErrorKind::transient:
        case ErrorKind::in_progress:
        case ErrorKind::bad_answer:
            return outside_error("registrar " + describe());
        case ErrorKind::invalid:
        case ErrorKind::authentication:
        case ErrorKind::not_found:
        case ErrorKind::unsupported:
            return config_error("registrar " + describe());
    }
    return internal_error("unknown registrar error kind");
}

Seconds backoff_delay(int attempt, Seconds base, Seconds cap, double unit_random,
                      std::optional<Seconds> retry_after) {
    attempt = std::clamp(attempt, 0, 30);  // 2^30 already exceeds any sane cap
    double ceiling = std::min(static_cast<double>(cap.count()),
                              static_cast<double>(base.count()) * std::ldexp(1.0, attempt));
    ceiling = std::max(ceiling, static_cast<double>(base.count()));
    double r = std::clamp(unit_random, 0.0, 1.0);
    auto d = Seconds(static_cast<std::int64_t>(base.count() + r * (ceiling - base.count())));
    if (retry_after && *retry_after > d) d = *retry_after;
    return d;
}

}  // namespace zw::registrar
