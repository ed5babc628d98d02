#include "app/sign_job.h"

#include <fmt/format.h>

#include <future>

#include "app/output.h"
#include "base/clock.h"
#include "dns/rdata.h"
#include "signer/key_directory.h"
#include "signer/sign_zone.h"
#include "signer/signing_state.h"
#include "signer/zone_writer.h"
#include "zones/atomic_file.h"
#include "zones/build.h"

namespace zw::app {

namespace {

// Reachable from a static pointer, so leak checkers see it as live; never destroyed.
void leave_to_exit(signer::SignedZone zone) {
    static auto* parked = new std::vector<signer::SignedZone>();
    parked->push_back(std::move(zone));
}

}  // namespace

std::expected<SignSummary, int> run_sign_job(const SignJob& job) {
    Stopwatch stopwatch;
    if (job.params.progress) job.params.progress->start(signer::SigningProgress::Phase::reading, 0);
    auto origin = dns::Name::from_text(job.origin);
    if (!origin) return std::unexpected(report_failure(origin.error()));

    // The previous state is read while the zone is: the two are independent until signing.
    const std::string state_path = signer::state_path_for(job.out);
    std::future<Result<std::optional<signer::SigningState>>> state_read;
    if (job.incremental) {
        state_read = std::async(std::launch::async, [&state_path, origin = *origin] {
            return signer::SigningState::read(state_path, origin);
        });
    }

    zones::Diagnostics diag;
    zones::ReadResult read =
        job.zone_text ? zones::read_zone_text(*job.zone_text, job.zone_file, *origin, {}, diag)
                      : zones::read_zone_file(job.zone_file, *origin, {}, diag);
    zones::Zone zone;
    if (diag.errors.empty()) zone = zones::build_zone(*origin, std::move(read), diag);
    if (int code = report_diagnostics(diag.errors, diag.warnings); code != 0)
        return std::unexpected(code);

    SignSummary summary;
    summary.read_seconds = stopwatch.seconds();
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

    auto keys = job.key_index ? job.key_index->read_zone_keys(*origin)
                              : signer::read_zone_keys(job.key_dir, *origin);
    if (!keys) return std::unexpected(report_failure(keys.error()));
    if (keys->empty()) {
        return std::unexpected(report_failure(bad_input(fmt::format(
            "no keys for {} in {}; create them with 'zonewarden keygen --zone {} --key-dir {} ...'",
            origin->to_text(), job.key_dir, origin->to_text(), job.key_dir))));
    }
    summary.keys = keys->size();

    auto use = signer::select_keys(*keys, job.params.now);
    if (!use) return std::unexpected(report_failure(use.error()));

    std::optional<signer::SigningState> previous;
    if (job.incremental) {
        // Only the wait for the read shows here: the rest of it ran beside the zone's.
        double before = stopwatch.seconds();
        auto state = state_read.get();
        if (!state) {
            print_warning(bad_input(fmt::format("{}; signing everything", state.error().message)));
        } else {
            previous = std::move(*state);
        }
        summary.used_state = previous.has_value();
        summary.state_wait_seconds = stopwatch.seconds() - before;
    }
    auto unchecked = signer::sign_zone_unchecked(std::move(zone), *use, job.params,
                                                 previous ? &*previous : nullptr, &summary.stats);
    // The zone holds on to the previous state's mapping where it kept signatures from it.
    previous.reset();
    if (!unchecked) return std::unexpected(report_failure(unchecked.error()));

    // The output and the state are written under temporary names while the self-check
    // runs: most of writing is waiting for the disk, and the check needs the cores. They
    // are moved into place only if the check passes; otherwise they are removed unseen.
    // The state needs no output file (its text index names the output by its identity, and
    // text of any other file is formatted), so whichever of the two renames a crash leaves
    // undone, the next run is right. With one thread (and so in manifest runs, which sign
    // a zone per thread) everything runs in turn on this one.
    const auto policy = job.params.threads > 1 ? std::launch::async : std::launch::deferred;
    // Never readable by more than the tenant's zone file is (a new output; one in place
    // keeps its mode and group).
    const mode_t output_mode =
        job.zone_text ? 0644 : zones::mode_no_wider_than(job.zone_file, 0644);
    const signer::SignedZone& to_write = unchecked->zone();
    // The state ends with the index of the text written beside it, which the next run
    // copies unchanged text by: the state's writing waits for it at its end (deferred, the
    // zone is always staged first). Declared before both futures, so it outlives them.
    signer::WrittenText written;
    std::promise<void> text_done;
    std::shared_future<void> text_written = text_done.get_future().share();
    auto staged_zone = std::async(policy, [&] {
        // Set however the writing ends, an exception included: the state's thread waits.
        struct Done {
            std::promise<void>& promise;
            ~Done() { promise.set_value(); }
        } done{text_done};
        auto staged = signer::stage_signed_zone(
            to_write, job.out, signer::TextOptions{job.params.threads, 512, output_mode},
            job.incremental ? &written : nullptr);
        if (!staged) written.index = {};
        return staged;
    });
    std::future<Result<signer::StagedState>> staged_state;
    if (job.incremental) {
        staged_state = std::async(policy, [&] {
            return signer::stage_signing_state(
                to_write, state_path,
                [&] {
                    text_written.wait();
                    return written.index;
                },
                output_mode);
        });
    }
    // On failure, a deferred write never runs, and a running one is waited for by its
    // future and its file removed.
    if (auto checked = unchecked->check(&summary.stats); !checked)
        return std::unexpected(report_failure(checked.error()));
    // What writing adds to the run: the rest of it, after the check.
    const double before_write = stopwatch.seconds();
    if (job.params.progress) job.params.progress->start(signer::SigningProgress::Phase::writing, 0);
    auto zone_file = staged_zone.get();
    std::optional<Result<signer::StagedState>> state_file;
    if (staged_state.valid()) state_file.emplace(staged_state.get());
    // Both staged before either is committed: a failed state write leaves the old output.
    if (!zone_file) return std::unexpected(report_failure(zone_file.error()));
    if (state_file && !*state_file) return std::unexpected(report_failure(state_file->error()));
    if (auto ok = zone_file->commit(); !ok) return std::unexpected(report_failure(ok.error()));
    if (state_file) {
        summary.state_delta = (*state_file)->is_delta();
        summary.state_bytes = (*state_file)->bytes();
        if (auto ok = signer::commit(std::move(*state_file)); !ok)
            return std::unexpected(report_failure(ok.error()));
    }
    summary.write_seconds = stopwatch.seconds() - before_write;
    summary.text_bytes = written.bytes;
    summary.text_copied_bytes = written.copied_bytes;
    summary.total_seconds = stopwatch.seconds();
    if (job.last_in_process) leave_to_exit(std::move(*unchecked).take());
    return summary;
}

}  // namespace zw::app
