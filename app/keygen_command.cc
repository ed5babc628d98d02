#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/output.h"
#include "base/clock.h"
#include "signer/key_directory.h"

namespace zw::app {

namespace {

struct KeygenOptions {
    std::string zone, algorithm, role, key_dir;
    int bits = 0;
};

int run_keygen(const KeygenOptions& o) {
    auto zone = dns::Name::from_text(o.zone);
    if (!zone) return report_failure(zone.error());
    if (auto fits = signer::key_file_name_fits(*zone); !fits) return report_failure(fits.error());
    auto algorithm = dns::algorithm_from_text(o.algorithm);
    if (!algorithm) return report_failure(algorithm.error());
    auto role = signer::key_role_from_text(o.role);
    if (!role) return report_failure(role.error());
    // The keys already there, read as `sign` reads them (a half alone is an error here
    // too); a directory not made yet has none.
    std::vector<signer::KeyPair> existing;
    if (std::error_code ec; std::filesystem::exists(o.key_dir, ec)) {
        auto keys = signer::read_zone_keys(o.key_dir, *zone);
        if (!keys) return report_failure(keys.error());
        existing = std::move(*keys);
    }
    // A new key must not share a key tag with one already there (RFC 4034 Appendix B:
    // tags are not unique, but tools and operators rely on them being so within a zone).
    for (int attempt = 0; attempt < 16; ++attempt) {
        auto key = signer::generate_key(*zone, *algorithm, *role, o.bits, SystemClock{}.now());
        if (!key) return report_failure(key.error());
        bool clash = std::any_of(existing.begin(), existing.end(),
                                 [&](const signer::KeyPair& k) { return k.tag() == key->tag(); });
        if (clash) continue;
        auto base = signer::write_key_pair(o.key_dir, *key, *role);
        if (!base) return report_failure(base.error());
        fmt::print("{}\n", key->base_name());
        return 0;
    }
    return report_failure(internal_error("could not find a free key tag after 16 attempts"));
}

}  // namespace

void register_keygen_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<KeygenOptions>();
    CLI::App* cmd = app.add_subcommand("keygen", "Generate a key pair in BIND key-file format");
    cmd->add_option("--zone", opts->zone, "Zone the key is for")->required();
    cmd->add_option(
           "--algorithm", opts->algorithm,
           "rsasha256 (8), ecdsap256sha256 (13), ecdsap384sha384 (14), ed25519 (15), ed448 (16)")
        ->required();
    cmd->add_option("--role", opts->role, "ksk, zsk or csk (ksk and csk carry the SEP flag, 257)")
        ->required();
    cmd->add_option("--key-dir", opts->key_dir,
                    "Directory for the key files (created 0700; private files 0600; refused if "
                    "group or others may write it)")
        ->required();
    cmd->add_option("--bits", opts->bits, "RSA modulus size (default 2048)");
    cmd->footer("Prints the key's base name, K<zone>+<alg>+<tag>, on success.");
    cmd->callback([opts, &exit_code] { exit_code = run_keygen(*opts); });
}

}  // namespace zw::app
