#include "rollover/judge.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace zw::rollover {

namespace {

// RFC 1982 §3.2: s1 < s2 when they differ by less than 2^31 going up from s1; at exactly
// 2^31 the order is undefined, which is not "at least" either.
bool serial_at_least(std::uint32_t s, std::uint32_t min) {
    if (s == min) return true;
    std::uint32_t up = s - min;  // how far s is above min, modulo 2^32
    return up < 0x80000000u;
}

std::string list(const std::set<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

// "missing {..}, unexpected {..}" or empty when the sets are equal.
std::string set_difference_text(const std::vector<std::string>& want,
                                const std::vector<std::string>& got) {
    std::set<std::string> w(want.begin(), want.end()), g(got.begin(), got.end());
    std::set<std::string> missing, extra;
    std::set_difference(w.begin(), w.end(), g.begin(), g.end(),
                        std::inserter(missing, missing.end()));
    std::set_difference(g.begin(), g.end(), w.begin(), w.end(), std::inserter(extra, extra.end()));
    std::string out;
    if (!missing.empty()) out += fmt::format("missing {{{}}}", list(missing));
    if (!extra.empty())
        out += fmt::format("{}unexpected {{{}}}", out.empty() ? "" : ", ", list(extra));
    return out;
}

}  // namespace

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
            // An unreachable server never counts as a pass: it may serve the old data.
            silent = true;
            note(a,
                 a.why.empty() ? std::string("no answer") : fmt::format("no answer ({})", a.why));
            continue;
        }
        if (!a.validated) {
            wrong = true;
            note(a, a.why.empty() ? std::string("answer did not validate")
                                  : fmt::format("answer did not validate ({})", a.why));
            continue;
        }
        if (e.min_serial && (!a.serial || !serial_at_least(*a.serial, *e.min_serial))) {
            wrong = true;
            note(a, fmt::format("serial {} older than {}",
                                a.serial ? fmt::format("{}", *a.serial) : "?", *e.min_serial));
            continue;
        }
        if (e.equals) {
            if (std::string diff = set_difference_text(*e.equals, a.rrset); !diff.empty()) {
                wrong = true;
                note(a, diff);
                continue;
            }
        } else if (a.serves != (e.expect == Expect::present)) {
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
