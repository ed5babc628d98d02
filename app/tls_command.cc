// zonewarden tls tlsa: the TLSA record of a certificate or key, in presentation format
// (docs/dane.md). The rest of `tls` (services in the configuration, the next key, status)
// is not built yet; the command says so instead of pretending.

#include <fmt/format.h>

#include <memory>

#include "app/commands.h"
#include "app/output.h"
#include "dane/tlsa.h"
#include "dns/name.h"

namespace zw::app {

namespace {

struct TlsaOptions {
    std::string cert, chain, key, owner;
    int usage = 3, selector = 1, matching = 1;
    std::uint32_t ttl = 3600;
};

int run_tlsa(const TlsaOptions& o) {
    auto params = dane::tlsa_params(o.usage, o.selector, o.matching);
    if (!params) return report_failure(params.error());
    if (o.cert.empty() == o.key.empty())
        return report_failure(bad_input("give exactly one of --cert and --key"));
    std::optional<dns::Name> owner;
    if (!o.owner.empty()) {
        auto n = dns::Name::from_text(o.owner);
        if (!n) return report_failure(n.error());
        owner = *n;
    }
    auto rdata = o.cert.empty() ? dane::tlsa_from_key(*params, o.key)
                                : dane::tlsa_from_certificate(*params, o.cert, o.chain);
    if (!rdata) return report_failure(rdata.error());
    if (owner)
        fmt::print("{} {} IN TLSA {}\n", owner->to_text(), o.ttl, rdata->text());
    else
        fmt::print("{}\n", rdata->text());
    return 0;
}

}  // namespace

void register_tls_command(CLI::App& app, int& exit_code) {
    CLI::App* tls = app.add_subcommand("tls", "TLSA records for TLS services (DANE)");
    tls->require_subcommand(1);
    auto opts = std::make_shared<TlsaOptions>();
    CLI::App* cmd = tls->add_subcommand(
        "tlsa", "Print the TLSA record of a certificate (cert.pem, chain.pem) or key");
    cmd->add_option("--cert", opts->cert,
                    "PEM file whose first certificate is the service's (cert.pem, fullchain.pem)");
    cmd->add_option(
        "--chain", opts->chain,
        "PEM file with the issuer's certificate, for usage 2 (chain.pem, fullchain.pem)");
    cmd->add_option("--key", opts->key,
                    "PEM public or private key instead of a certificate (selector 1 only)");
    cmd->add_option("--usage", opts->usage, "3 (DANE-EE) or 2 (DANE-TA, the issuer's key)")
        ->capture_default_str();
    cmd->add_option("--selector", opts->selector, "1 (SubjectPublicKeyInfo) or 0 (certificate)")
        ->capture_default_str();
    cmd->add_option("--matching", opts->matching, "1 (SHA-256) or 2 (SHA-512)")
        ->capture_default_str();
    cmd->add_option("--owner", opts->owner,
                    "Owner name, e.g. _25._tcp.mail.example.test.; without it only the RDATA")
        ->type_name("NAME");
    cmd->add_option("--ttl", opts->ttl, "TTL of the printed record")->capture_default_str();
    cmd->footer(
        "Exit 0: the record is printed; 2: bad input (the message names the file). Usages 0/1 "
        "(PKIX) and matching type 0 (Full) are refused (docs/dane.md).");
    cmd->callback([opts, &exit_code] { exit_code = run_tlsa(*opts); });
}

}  // namespace zw::app
