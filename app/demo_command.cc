#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/example_zone.h"
#include "app/output.h"
#include "app/sign_job.h"
#include "base/clock.h"
#include "signer/key_directory.h"

namespace zw::app {

namespace {

int run_demo(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return report_failure(
            outside_error(fmt::format("cannot create {}: {}", dir, ec.message())));
    auto origin = *dns::Name::from_text(example_zone_origin);
    std::string key_dir = dir + "/keys";
    Instant now = SystemClock{}.now();
    auto existing = signer::read_zone_keys(key_dir, origin);
    if (!existing || existing->empty()) {
        for (auto role : {signer::KeyRole::ksk, signer::KeyRole::zsk}) {
            auto key = signer::generate_key(origin, dns::alg::ecdsap256sha256, role, 0, now);
            if (!key) return report_failure(key.error());
            auto base = signer::write_key_pair(key_dir, *key, role);
            if (!base) return report_failure(base.error());
            fmt::print("generated {}\n", *base);
        }
    }
    std::string zone_path = dir + "/example.test.zone";
    {
        std::FILE* f = std::fopen(zone_path.c_str(), "w");
        if (!f) return report_failure(outside_error(fmt::format("cannot write {}", zone_path)));
        std::fputs(example_zone_text, f);
        std::fclose(f);
    }
    for (bool nsec3 : {false, true}) {
        SignJob job;
        job.zone_file = zone_path;
        job.origin = example_zone_origin;
        job.key_dir = key_dir;
        job.out = dir + (nsec3 ? "/example.test.nsec3.signed" : "/example.test.signed");
        job.serial = zones::SerialPolicy::increment;
        job.params.now = now;
        if (nsec3) job.params.nsec3 = signer::Nsec3Params{};
        auto summary = run_sign_job(job);
        if (!summary) return summary.error();
        fmt::print(
            "signed {} with {}: {} records in, {} signatures, serial {}, self-check passed -> {}\n",
            summary->origin, nsec3 ? "NSEC3" : "NSEC", summary->records_in,
            summary->stats.signatures, summary->serial, job.out);
    }
    return 0;
}

}  // namespace

void register_demo_command(CLI::App& app, int& exit_code) {
    auto dir = std::make_shared<std::string>("demo-out");
    CLI::App* cmd =
        app.add_subcommand("demo",
                           "Generate keys for the bundled example.test zone and sign it "
                           "(NSEC and NSEC3)");
    cmd->add_option("--dir", *dir,
                    "Where to put the zone, keys and signed output (default demo-out)");
    cmd->callback([dir, &exit_code] { exit_code = run_demo(*dir); });
}

}  // namespace zw::app
