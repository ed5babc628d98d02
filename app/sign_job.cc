#include "app/sign_job.h"

#include <fmt/format.h>

#include "app/output.h"
#include "base/clock.h"
#include "dns/rdata.h"
#include "signer/key_file.h"
#include "signer/sign_zone.h"
#include "signer/zone_writer.h"
#include "zones/build.h"

namespace zw::app {

std::expected<SignSummary, int> run_sign_job(const SignJob& job) {
    Stopwatch stopwatch;
    auto origin = dns::Name::from_text(job.origin);
    if (!origin) return std::unexpected(report_failure(origin.error()));

    zones::Diagnostics diag;
    zones::ReadResult read = job.zone_text
                                 ? zones::read_zone_text(*job.zone_text, job.zone_file, *origin, {}, diag)
                                 : zones::read_zone_file(job.zone_file, *origin, {}, diag);
    zones::Zone zone;
    if (diag.errors.empty()) zone = zones::build_zone(*origin, std::move(read), diag);
    if (int code = report_diagnostics(diag.errors, diag.warnings); code != 0) return std::unexpected(code);

    SignSummary summary;
    summary.origin = origin->to_text();
    summary.records_in = zone.record_count();

    // The new serial must beat what the name servers already have: the previous output.
    zones::RRset* soa = zone.apex().find(dns::rrtype::SOA);
    std::uint32_t input_serial = dns::soa_timers(soa->rdatas.front())->serial;
    auto published = zones::read_published_serial(job.out, *origin);
    summary.serial = zones::next_serial(job.serial, input_serial, published, job.params.now);
    if (!dns::set_soa_serial(soa->rdatas.front(), summary.serial)) {
        return std::unexpected(report_failure(internal_error("cannot set the SOA serial")));
    }

    auto keys = signer::read_zone_keys(job.key_dir, *origin);
    if (!keys) return std::unexpected(report_failure(keys.error()));
    if (keys->empty()) {
        return std::unexpected(report_failure(bad_input(fmt::format(
            "no keys for {} in {}; create them with 'zonewarden keygen --zone {} --key-dir {} ...'",
            origin->to_text(), job.key_dir, origin->to_text(), job.key_dir))));
    }
    summary.keys = keys->size();

    auto signed_zone = signer::sign_zone(std::move(zone), *keys, job.params, &summary.stats);
    if (!signed_zone) return std::unexpected(report_failure(signed_zone.error()));
    if (auto written = signer::write_signed_zone(*signed_zone, job.out); !written) {
        return std::unexpected(report_failure(written.error()));
    }
    summary.total_seconds = stopwatch.seconds();
    return summary;
}

}  // namespace zw::app
