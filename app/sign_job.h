#pragma once
// The one-shot signing pipeline shared by `sign` and `demo`: read and check the zone, pick
// the serial, load the keys, sign (which verifies), write atomically.

#include <optional>
#include <string>

#include "signer/key_directory.h"
#include "signer/params.h"
#include "signer/signed_zone.h"
#include "zones/serial.h"

namespace zw::app {

struct SignJob {
    std::string zone_file;  // read from here unless zone_text is set
    std::optional<std::string> zone_text;
    std::string origin;
    std::string key_dir;
    // The keys from a scan of key_dir made once for many jobs (a manifest); null: scan now.
    const signer::KeyDirectory* key_index = nullptr;
    std::string out;
    zones::SerialPolicy serial = zones::SerialPolicy::keep;
    signer::SigningParams params;
    // Keep signatures from the state of the previous run (signer::state_path_for(out)) and
    // leave this run's state there; a missing or unusable state means a full sign.
    bool incremental = false;
    // The process ends after this job: the signed zone is left to the exit instead of being
    // freed node by node (about a second for a 1M-record zone).
    bool last_in_process = false;
};

struct SignSummary {
    std::string origin;
    std::uint32_t serial = 0;
    std::size_t records_in = 0;
    std::size_t keys = 0;
    signer::SigningStats stats;
    bool used_state = false;        // a previous state was read and matched this zone
    double read_seconds = 0;        // reading and checking the unsigned zone
    double state_wait_seconds = 0;  // waiting for the previous state, read beside the zone
    double write_seconds = 0;       // the signed zone, and with incremental the state too
    // With incremental: the text written, and how much of it was copied from the previous
    // output instead of formatted.
    std::uint64_t text_bytes = 0;
    std::uint64_t text_copied_bytes = 0;
    // With incremental: whether the state went out as a delta against its base, and its size.
    bool state_delta = false;
    std::uint64_t state_bytes = 0;
    double total_seconds = 0;
};

// Prints warnings as it goes; on failure prints the errors and returns the exit code.
[[nodiscard]] std::expected<SignSummary, int> run_sign_job(const SignJob& job);

}  // namespace zw::app
