#include <fmt/format.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "app/bulk_heap.h"
#include "app/commands.h"
#include "app/output.h"
#include "app/progress.h"
#include "app/sign_job.h"
#include "base/clock.h"
#include "base/regular_file.h"
#include "dns/encoding.h"

namespace zw::app {

namespace {

struct SignOptions {
    SignJob job;
    bool nsec3 = false, opt_out = false, cds_delete = false;
    int iterations = 0;
    std::string salt = "-";
    std::string validity = "14d", inception_offset = "1h", jitter = "12h", refresh = "5d",
                dnskey_ttl = "1h";
    std::string serial = "keep";
    std::string self_check{signer::self_check_name(signer::default_self_check)};
    std::vector<std::uint16_t> cds;
    unsigned threads = 0;
    std::optional<std::int64_t> now;
    std::string manifest;
};

Result<SignJob> make_job(SignOptions o) {
    SignJob job = std::move(o.job);
    auto& p = job.params;
    auto serial = zones::serial_policy_from_text(o.serial);
    if (!serial) return fail(serial.error());
    job.serial = *serial;
    for (auto [text, slot] : {std::pair{&o.validity, &p.validity},
                              {&o.inception_offset, &p.inception_offset},
                              {&o.jitter, &p.jitter},
                              {&o.refresh, &p.refresh}}) {
        auto d = parse_duration(*text);
        if (!d) return fail(d.error());
        *slot = *d;
    }
    auto ttl = parse_duration(o.dnskey_ttl);
    if (!ttl) return fail(ttl.error());
    p.dnskey_ttl = *ttl;
    if (!o.nsec3 && (o.opt_out || o.iterations != 0 || o.salt != "-")) {
        return fail(bad_input("--iterations, --salt and --opt-out need --nsec3"));
    }
    if (o.nsec3) {
        signer::Nsec3Params n;
        if (o.iterations < 0 || o.iterations > 65535)
            return fail(bad_input("--iterations must be 0..65535"));
        n.iterations = static_cast<std::uint16_t>(o.iterations);
        n.opt_out = o.opt_out;
        if (o.salt != "-" && !o.salt.empty()) {
            auto salt = dns::hex_decode(o.salt);
            if (!salt)
                return fail(bad_input(
                    fmt::format("--salt '{}' is not hexadecimal (use - for none)", o.salt)));
            n.salt = std::move(*salt);
        }
        p.nsec3 = n;
    }
    p.cds_key_tags = o.cds;
    p.cds_delete = o.cds_delete;
    if (p.cds_delete && !p.cds_key_tags.empty())
        return fail(bad_input("--cds and --cds-delete exclude each other"));
    auto mode = signer::self_check_from_text(o.self_check);
    if (!mode)
        return fail(bad_input(fmt::format("--self-check '{}': use full or sampled", o.self_check)));
    p.self_check = *mode;
    p.threads = o.threads != 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    p.now = o.now ? Instant{Seconds{*o.now}} : SystemClock{}.now();
    // Before anything is read: the serial policies compute with `now` too.
    if (auto ok = signer::validate(p); !ok) return fail(ok.error());
    return job;
}

std::string summary_text(const SignJob& job, const SignSummary& s) {
    const auto& st = s.stats;
    std::string out = fmt::format(
        "signed {} serial {}: {} records, {} keys, {} RRsets, {} signatures in {:.2f} s "
        "(signing {:.2f} s, self-check {:.2f} s, {} thread{}) -> {}\n",
        s.origin, s.serial, s.records_in, s.keys, st.rrsets_signed,
        st.signatures + st.signatures_reused, s.total_seconds, st.sign_seconds, st.verify_seconds,
        job.params.threads, job.params.threads == 1 ? "" : "s", job.out);
    out += fmt::format(
        "stages: read {:.2f} s, state wait {:.2f} s, prepare {:.2f} s, sign {:.2f} s, self-check "
        "{:.2f} s, "
        "write {:.2f} s\n",
        s.read_seconds, s.state_wait_seconds, st.prepare_seconds, st.sign_seconds,
        st.verify_seconds, s.write_seconds);
    fmt::print("self-check: {}, {} of {} new signatures verified by their public key\n",
               signer::self_check_name(job.params.self_check), st.signatures_verified,
               st.signatures);
    if (job.incremental) {
        out += fmt::format(
            "incremental: {}; {} signatures reused, {} new over {} RRsets ({} renewed inside the "
            "refresh "
            "point, {} replaced over changed data), {} dropped\n",
            s.used_state ? "previous state used" : "no usable previous state, signed everything",
            st.signatures_reused, st.signatures, st.rrsets_resigned, st.signatures_renewed,
            st.signatures_replaced, st.signatures_dropped);
        out += fmt::format(
            "text: {} of {} bytes ({:.1f}%) copied from the previous output, the rest formatted\n",
            s.text_copied_bytes, s.text_bytes,
            s.text_bytes == 0 ? 0.0
                              : 100.0 * static_cast<double>(s.text_copied_bytes) /
                                    static_cast<double>(s.text_bytes));
        out +=
            fmt::format("state: {} bytes, {}\n", s.state_bytes,
                        s.state_delta ? "the changes against the base state, which stays in place"
                                      : "written in full");
    }
    return out;
}

// A manifest names many zones, one per line: ZONE_FILE ORIGIN OUT ('#' starts a comment).
// A line per zone: room for over half a million zones.
constexpr std::uint64_t max_manifest_bytes = 64u << 20;

Result<std::vector<std::array<std::string, 3>>> read_manifest(const std::string& path) {
    auto text = read_regular_file(path, "manifest", max_manifest_bytes);
    if (!text) return fail(text.error());
    std::istringstream in(*text);
    std::vector<std::array<std::string, 3>> zones;
    std::string line;
    for (std::uint32_t number = 1; std::getline(in, line); ++number) {
        line = line.substr(0, line.find('#'));
        std::istringstream fields(line);
        std::array<std::string, 3> z;
        std::string extra;
        if (!(fields >> z[0])) continue;
        if (!(fields >> z[1] >> z[2]) || (fields >> extra)) {
            return fail(bad_input("want: ZONE_FILE ORIGIN OUT", SourceLocation{path, number}));
        }
        zones.push_back(std::move(z));
    }
    return zones;
}

// Many small zones in one process: the cost of starting a process (loading the program and
// its libraries) is paid once, and zones go to the threads one each.
int run_manifest(const SignOptions& o) {
    auto zones = read_manifest(o.manifest);
    if (!zones) return report_failure(zones.error());
    auto base = make_job(o);
    if (!base) return report_failure(base.error());
    // One scan of the key directory for all the zones: with the keys of thousands of zones
    // in it, a scan per zone would cost more than signing a small zone.
    auto key_index = signer::KeyDirectory::scan(base->key_dir);
    if (!key_index) return report_failure(key_index.error());
    base->key_index = &*key_index;
    const unsigned workers = base->params.threads;
    base->params.threads = 1;
    std::atomic<std::size_t> next{0}, finished{0};
    std::atomic<int> worst{0};
    ProgressLine progress([&] {
        return ProgressState{"signing the zones of " + o.manifest, finished.load(), zones->size(),
                             "zones"};
    });
    auto worker = [&] {
        for (std::size_t i = next++; i < zones->size(); i = next++) {
            SignJob job = *base;
            std::tie(job.zone_file, job.origin, job.out) =
                std::tie((*zones)[i][0], (*zones)[i][1], (*zones)[i][2]);
            auto summary = run_sign_job(job);
            ++finished;
            if (!summary) {
                int code = summary.error();
                for (int w = worst.load(); code > w && !worst.compare_exchange_weak(w, code);) {
                }
                continue;
            }
            progress.print(stdout, summary_text(job, *summary));
        }
    };
    {
        std::vector<std::jthread> pool;
        for (unsigned t = 1; t < workers; ++t) pool.emplace_back(worker);
        worker();
    }
    return worst.load();
}

int run_sign(const SignOptions& o) {
    if (!o.manifest.empty()) {
        if (!o.job.zone_file.empty() || !o.job.origin.empty() || !o.job.out.empty()) {
            return report_failure(
                bad_input("--manifest names the zones; leave out --zone-file, --origin and --out"));
        }
        return run_manifest(o);
    }
    if (o.job.zone_file.empty() || o.job.origin.empty() || o.job.out.empty()) {
        return report_failure(bad_input("give --zone-file, --origin and --out (or --manifest)"));
    }
    auto job = make_job(o);
    if (!job) return report_failure(job.error());
    job->last_in_process = true;
    std::jthread prefaulting;  // stopped once the job is done
    if (!job->zone_text) {
        std::error_code ec;
        auto size = std::filesystem::file_size(job->zone_file, ec);
        // An incremental run at 1M records holds about 24 bytes per byte of zone text (the
        // zone, its signatures, the state); address space is free until used, so reserve
        // more. A bad path is reported by the read itself.
        //
        // An incremental run is mostly one thread, so the other core faults heap in ahead
        // of it. Such a run touches about 7 bytes of heap per byte of zone text; faulting in
        // 6 stays within that, so the peak does not grow (bench/README.md, "Heap").
        const std::uint64_t prefault = job->incremental && job->params.threads > 1 ? size * 6 : 0;
        if (!ec) prefaulting = prepare_heap_for_bulk_work(size * 40, prefault);
    }
    signer::SigningProgress counters;
    job->params.progress = &counters;
    std::expected<SignSummary, int> summary;
    {
        ProgressLine progress([&] {
            using Phase = signer::SigningProgress::Phase;
            switch (counters.phase.load()) {
                case Phase::reading:
                    return ProgressState{"reading " + job->zone_file, 0, 0, ""};
                case Phase::signing:
                    return ProgressState{"signing " + job->origin, counters.done, counters.total,
                                         "signatures"};
                case Phase::checking:
                    return ProgressState{"checking " + job->origin, counters.done, counters.total,
                                         "names"};
                case Phase::writing:
                    return ProgressState{"writing " + job->out, 0, 0, ""};
            }
            return ProgressState{};
        });
        summary = run_sign_job(*job);
    }
    if (!summary) return summary.error();
    fmt::print("{}", summary_text(*job, *summary));
    return 0;
}

}  // namespace

void register_sign_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<SignOptions>();
    CLI::App* cmd =
        app.add_subcommand("sign", "Sign a zone file once with the keys in a key directory");
    cmd->add_option("--zone-file", o->job.zone_file,
                    "Unsigned zone in RFC 1035 master-file format");
    cmd->add_option("--origin", o->job.origin, "Zone name");
    cmd->add_option("--key-dir", o->job.key_dir,
                    "Directory with K<zone>+<alg>+<tag>.key/.private files (refused if group or "
                    "others may write it; "
                    "a .private must be 0600 or 0640, and a key missing a half is an error)")
        ->required();
    cmd->add_option("--out", o->job.out, "Signed zone to write (atomically)");
    cmd->add_option(
        "--manifest", o->manifest,
        "Sign many zones in one process: a file of 'ZONE_FILE ORIGIN OUT' lines; the zones share "
        "--key-dir and the other options and are signed --threads at a time");
    auto* nsec3 = cmd->add_flag("--nsec3", o->nsec3, "Use NSEC3 instead of NSEC (RFC 5155)");
    cmd->add_option("--iterations", o->iterations, "NSEC3 extra iterations (default 0, RFC 9276)")
        ->needs(nsec3);
    cmd->add_option("--salt", o->salt, "NSEC3 salt in hex, or - for none (default, RFC 9276)")
        ->needs(nsec3);
    cmd->add_flag("--opt-out", o->opt_out,
                  "NSEC3 opt-out: insecure delegations get no NSEC3 record")
        ->needs(nsec3);
    cmd->add_option("--threads", o->threads, "Signing threads (default: all cores)");
    cmd->add_option("--validity", o->validity, "Signature validity (default 14d)");
    cmd->add_option("--inception-offset", o->inception_offset,
                    "Back-date signature inception by (default 1h)");
    cmd->add_option("--jitter", o->jitter,
                    "Spread expirations over this much before the validity end (default 12h)");
    cmd->add_flag(
        "--incremental", o->job.incremental,
        "Keep signatures from the previous run's state (OUT.zwstate) where the RRset, its key and "
        "the "
        "refresh point allow, copy the text of unchanged nodes from OUT if it is still the file "
        "that "
        "state was written with and that text still has the digest it was written with, and write "
        "the new state there (only its changes, in OUT.zwstate.delta, while they are small)");
    cmd->add_option("--refresh", o->refresh,
                    "With --incremental, re-sign what expires within this (default 5d)");
    cmd->add_option(
        "--serial", o->serial,
        "keep, increment, unixtime or date (YYYYMMDDnn); default keep. New serials also exceed "
        "the serial of an existing --out file");
    cmd->add_option("--dnskey-ttl", o->dnskey_ttl,
                    "TTL of DNSKEY, CDS and CDNSKEY (default 1h, at most 2^31-1 s)");
    cmd->add_option("--cds", o->cds, "Publish CDS (SHA-256) and CDNSKEY for these key tags")
        ->delimiter(',');
    cmd->add_flag("--cds-delete", o->cds_delete,
                  "Publish the RFC 8078 delete CDS/CDNSKEY (remove the DS)");
    cmd->add_option(
        "--now", o->now,
        "Sign as if the time were this Unix time, 0 to 4294967295 (reproducible output)");
    cmd->add_option(
        "--self-check", o->self_check,
        fmt::format(
            "full: verify every new signature by its public key; sampled (default): show every "
            "new signature to be, byte for byte, one this run made over the data it covers, and "
            "verify the DNSKEY RRset's signatures and about one in {} of the others (one in {} "
            "for ECDSAP384SHA384; docs/signer.md)",
            signer::sample_one_in(dns::alg::ecdsap256sha256),
            signer::sample_one_in(dns::alg::ecdsap384sha384)));
    cmd->footer(
        "Every signature's fields, validity and key, the coverage of every algorithm and the "
        "denial "
        "chain are checked, and signatures verified by their public keys as --self-check says, "
        "before the output replaces the previous one (it is written under a temporary name "
        "while the check runs), and the text written is read back and compared with the signed "
        "records."
        "\nExit codes: 0 signed, 2 bad input, 3 I/O failure, "
        "4 self-check failed.");
    cmd->callback([o, &exit_code] { exit_code = run_sign(*o); });
}

}  // namespace zw::app
