#include "app/zone_pass_checks.h"

#include <fmt/format.h>

#include <string>

#include "app/daemon_metrics.h"
#include "app/observation.h"

namespace zw::app {

namespace {

// The serial a child server must have reached: the publication that carries the change.
Result<std::optional<std::uint32_t>> published_serial(PassContext& pass) {
    auto p = pass.env.store.last_publication(pass.info.name);
    if (!p) return fail(p.error());
    return *p ? std::optional<std::uint32_t>{(*p)->serial} : std::nullopt;
}

Result<std::int64_t> failures_so_far(PassContext& pass) {
    auto c = pass.env.store.last_check(pass.info.name);
    if (!c) return fail(c.error());
    return *c && !(*c)->ok ? (*c)->failures : 0;
}

Result<void> record_check(PassContext& pass, Instant at, bool ok, std::string detail) {
    std::int64_t failures = 0;
    if (!ok) {
        auto before = failures_so_far(pass);
        if (!before) return fail(before.error());
        failures = *before + 1;
    }
    return pass.env.store.record_check(pass.info.name,
                                       store::CheckRecord{at, ok, failures, std::move(detail)});
}

}  // namespace

Result<std::vector<rollover::Observation>> run_live_checks(
    PassContext& pass, const std::vector<rollover::Probe>& probes) {
    Instant started = pass.env.clock.now();
    auto report = look_at(pass.env.config, pass.origin, started);
    if (pass.env.metrics) {
        if (report)
            pass.env.metrics->live_check_done(*report);
        else
            pass.env.metrics->live_check_failed();
    }
    if (!report) {
        // The check's own failure is the pass's error; one the store adds is reported too.
        if (auto ok = record_check(pass, started, false, report.error().message); !ok)
            pass.failed(ok.error());
        return fail(report.error());
    }
    Instant at = pass.env.clock.now();
    auto serial = published_serial(pass);
    if (!serial) return fail(serial.error());
    std::vector<rollover::Observation> out;
    std::string detail;
    bool all = true;
    for (const auto& p : probes) {
        const signer::KeyPair* k = pass.keys->find(p.key);
        if (!k) continue;  // purged in this pass: nothing left to look for
        rollover::Observation o = observe(*report, p, k->dnskey_rdata(), *serial, at);
        if (auto ok = pass.env.store.record_observation(pass.info.name, o); !ok)
            return fail(ok.error());
        if (o.verdict != rollover::Verdict::confirmed) {
            all = false;
            detail += fmt::format(
                "{}{} {} {}: {}", detail.empty() ? "" : "; ", rollover::name(p.record), k->tag(),
                p.expect == rollover::Expect::present ? "present" : "absent", o.detail);
        }
        out.push_back(std::move(o));
    }
    if (auto ok = record_check(pass, at, all, all ? "every server confirms" : detail); !ok)
        return fail(ok.error());
    return out;
}

}  // namespace zw::app
