#include "rollover/judge.h"

#include <fmt/format.h>

#include <algorithm>

namespace zw::rollover {

Observation judge(const Expectation& e, std::span<const ServerAnswer> answers, Instant at) {
    Observation o{e.key, e.record, e.expect, at, Verdict::confirmed, std::nullopt, ""};
    if (answers.empty()) {
        o.verdict = Verdict::refuted;
        o.detail = "no authoritative servers known";
        return o;
    }
    std::string problems;
    bool silent = false, wrong = false;
    auto note = [&](const ServerAnswer& a, std::string_view what) {
        problems += fmt::format("{}{}: {}", problems.empty() ? "" : "; ", a.server, what);
    };
    for (const auto& a : answers) {
        if (!a.answered) {
            // An unreachable server never counts as a pass (DESIGN.md, live checks).
            silent = true;
            note(a, "no answer");
            continue;
        }
        if (!a.validated) {
            wrong = true;
            note(a, "answer did not validate");
            continue;
        }
        if (e.min_serial && (!a.serial || *a.serial < *e.min_serial)) {
            wrong = true;
            note(a, fmt::format("serial {} older than {}",
                                a.serial ? fmt::format("{}", *a.serial) : "?", *e.min_serial));
            continue;
        }
        if (a.serves != (e.expect == Expect::present)) {
            wrong = true;
            note(a, a.serves ? "still serves it" : "does not serve it");
            continue;
        }
        if (a.ttl) o.ttl = std::max(o.ttl.value_or(Seconds{0}), *a.ttl);
    }
    if (silent)
        o.verdict = Verdict::unreachable;
    else if (wrong)
        o.verdict = Verdict::refuted;
    o.detail = problems.empty() ? fmt::format("all {} servers agree", answers.size()) : problems;
    if (o.verdict != Verdict::confirmed) o.ttl.reset();
    return o;
}

}  // namespace zw::rollover
