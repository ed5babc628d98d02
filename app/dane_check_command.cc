// zonewarden dane-check: would a DANE client authenticate this TLS service? The TLSA set
// is validated from the trust anchor by the live side, the handshake authenticated by
// OpenSSL's DANE API (dane/check.h). Exit 0: every host passes; 1: a host fails or is not
// DANE-protected (TLSA insecure or absent); 2: bad input; 3: could not check (no answer,
// nothing listening). docs/dane.md.

#include <fmt/format.h>

#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/config.h"
#include "app/dns_options.h"
#include "app/observation.h"
#include "app/output.h"
#include "base/clock.h"
#include "dane/check.h"
#include "dane/tlsa.h"

namespace zw::app {

namespace {

struct DaneCheckOptions {
    std::string target, starttls, resolver, trust_anchor = "/usr/share/dns/root.ds";
    bool smtp = false, json = false;
    int timeout_ms = 1500, attempts = 3, tls_timeout_ms = 5000;
};

struct Target {
    dns::Name host;
    std::uint16_t port = 0;
};

// HOST:PORT, the host a domain name (not an address: the TLSA owner is named after it).
Result<Target> parse_target(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return fail(bad_input(fmt::format("{}: expected HOST:PORT, or DOMAIN with --smtp", text)));
    unsigned port = 0;
    std::string_view p = std::string_view(text).substr(colon + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc{} || end != p.data() + p.size() || port == 0 || port > 65535)
        return fail(bad_input(fmt::format("{}: the port must be 1 to 65535", text)));
    auto host = dns::Name::from_text(text.substr(0, colon));
    if (!host) return fail(host.error());
    return Target{*host, static_cast<std::uint16_t>(port)};
}

std::string tlsa_text(const dns::Bytes& rd) {
    if (rd.size() < 3) return dane::hex(rd);
    return fmt::format("{} {} {} {}", rd[0], rd[1], rd[2], dane::hex(std::span(rd).subspan(3)));
}

// What became of a usable record: matched, not matched (after a completed handshake),
// or never put to the test.
std::string record_use(const dane::HostReport& h, const dane::RecordReport& r) {
    if (r.matched) return "matched";
    if (!h.records_offered) return "not used: the TLSA set is not secure";
    if (h.handshakes == 0) return "not tried: no handshake completed";
    return "not matched";
}

nlohmann::json rrset_json(const std::optional<dane::ValidatedRrset>& s, const std::string& error) {
    if (!s) return {{"error", error}};
    return {{"owner", s->owner.to_text()},
            {"zone", s->zone.to_text()},
            {"server", s->server},
            {"present", s->present},
            {"nxdomain", s->nxdomain},
            {"ttl", s->ttl},
            {"dnssec", std::string(live::name(s->validation.state))},
            {"why", s->validation.why}};
}

nlohmann::json host_json(const dane::HostReport& h) {
    nlohmann::json records = nlohmann::json::array(), addresses = nlohmann::json::array();
    for (const auto& r : h.records)
        records.push_back({{"tlsa", tlsa_text(r.rdata)},
                           {"usable", r.usable},
                           {"why_unusable", r.why_unusable},
                           {"matched", r.matched},
                           {"use", r.usable ? record_use(h, r) : std::string()}});
    for (const auto& a : h.addresses) {
        nlohmann::json chain = nlohmann::json::array();
        for (const auto& c : a.probe.chain)
            chain.push_back({{"subject", c.subject}, {"issuer", c.issuer}});
        nlohmann::json j{{"address", a.where.label()},
                         {"verdict", std::string(name(a.verdict))},
                         {"tls", std::string(name(a.probe.outcome))},
                         {"detail", a.probe.detail},
                         {"chain", chain}};
        if (a.probe.matched) j["matched_record"] = *a.probe.matched;
        if (a.probe.authority_depth >= 0) j["authority_depth"] = a.probe.authority_depth;
        addresses.push_back(std::move(j));
    }
    return {{"host", h.host},
            {"port", h.port},
            {"starttls", std::string(name(h.starttls))},
            {"verdict", std::string(name(h.verdict))},
            {"why", h.why},
            {"tlsa", rrset_json(h.tlsa, h.lookup_error)},
            {"records", records},
            {"addresses", addresses},
            {"address_problems", h.address_problems}};
}

void print_host(const dane::HostReport& h, std::string_view indent) {
    fmt::print(
        "{}host {} port {}{}: {}\n", indent, h.host, h.port,
        h.starttls == dane::StartTls::none ? "" : fmt::format(" (STARTTLS {})", name(h.starttls)),
        name(h.verdict));
    fmt::print("{}  {}\n", indent, h.why);
    if (h.tlsa) {
        const auto& t = *h.tlsa;
        fmt::print("{}  TLSA {} ({} from {}): {}{}{}\n", indent, t.owner.to_text(),
                   t.zone.to_text(), t.server, live::name(t.validation.state),
                   t.validation.why.empty() ? "" : ", " + t.validation.why,
                   t.present ? fmt::format(", ttl {}", t.ttl) : std::string(", no record"));
    }
    for (const auto& r : h.records)
        fmt::print("{}    {} {}: {}\n", indent, r.usable ? "usable  " : "unusable",
                   tlsa_text(r.rdata), r.usable ? record_use(h, r) : r.why_unusable);
    for (const auto& p : h.address_problems) fmt::print("{}  address problem: {}\n", indent, p);
    for (const auto& a : h.addresses) {
        fmt::print("{}  {}: {} ({}{}{})\n", indent, a.where.label(), name(a.verdict),
                   name(a.probe.outcome), a.probe.detail.empty() ? "" : ": " + a.probe.detail,
                   a.probe.matched ? fmt::format(", record {} at depth {}", *a.probe.matched + 1,
                                                 a.probe.authority_depth)
                                   : std::string());
        for (std::size_t i = 0; i < a.probe.chain.size(); ++i)
            fmt::print("{}    chain {}: subject {}  issuer {}\n", indent, i,
                       a.probe.chain[i].subject, a.probe.chain[i].issuer);
    }
}

int run_dane_check(const DaneCheckOptions& o) {
    if (auto ok = check_dns_query_options(o.attempts, o.timeout_ms); !ok)
        return report_failure(ok.error());
    if (o.tls_timeout_ms < 1 || o.tls_timeout_ms > 60'000)
        return report_failure(bad_input("--tls-timeout-ms must be from 1 to 60000"));
    if (o.smtp && !o.starttls.empty())
        return report_failure(
            bad_input("--smtp checks port 25 with STARTTLS smtp; --starttls is for HOST:PORT"));
    dane::StartTls starttls = dane::StartTls::none;
    if (!o.starttls.empty()) {
        auto s = dane::starttls_from_text(o.starttls);
        if (!s) return report_failure(s.error());
        starttls = *s;
    }
    std::optional<Target> target;
    std::optional<dns::Name> domain;
    if (o.smtp) {
        auto d = dns::Name::from_text(o.target);
        if (!d) return report_failure(d.error());
        domain = *d;
    } else {
        auto t = parse_target(o.target);
        if (!t) return report_failure(t.error());
        target = *t;
    }
    auto resolver = o.resolver.empty() ? default_resolver() : live::parse_server(o.resolver);
    if (!resolver) return report_failure(resolver.error());
    auto anchor = live::load_trust_anchor(o.trust_anchor);
    if (!anchor) return report_failure(anchor.error());

    live::Client client(live::ClientOptions{std::chrono::milliseconds{o.timeout_ms}, o.attempts,
                                            std::chrono::milliseconds{2 * o.timeout_ms}, 64});
    live::Discoverer discoverer(client, *resolver);
    live::ChainValidator chain(client, discoverer, std::move(*anchor), SystemClock{}.now());
    dane::CheckContext ctx{client, discoverer, chain, std::chrono::milliseconds{o.tls_timeout_ms}};

    dane::Verdict overall = dane::Verdict::pass;
    nlohmann::json j;
    if (domain) {
        auto r = dane::check_mail_domain(ctx, *domain);
        overall = r.verdict;
        if (o.json) {
            nlohmann::json hosts = nlohmann::json::array();
            for (const auto& h : r.hosts) hosts.push_back(host_json(h));
            j = {{"domain", r.domain},
                 {"verdict", std::string(name(r.verdict))},
                 {"why", r.why},
                 {"mx", rrset_json(r.mx, r.lookup_error)},
                 {"hosts", hosts}};
        } else {
            fmt::print("domain {}: {}\n  {}\n", r.domain, name(r.verdict), r.why);
            if (r.mx)
                fmt::print("  MX {}: {}{}\n", r.mx->owner.to_text(),
                           live::name(r.mx->validation.state),
                           r.mx->validation.why.empty() ? "" : ", " + r.mx->validation.why);
            for (const auto& h : r.hosts) print_host(h, "  ");
        }
    } else {
        auto h = dane::check_service(ctx, target->host, target->port, starttls);
        overall = h.verdict;
        if (o.json)
            j = host_json(h);
        else
            print_host(h, "");
    }
    int code = dane::exit_code(overall);
    if (o.json) {
        j["exit"] = code;
        fmt::print("{}\n", j.dump(2));
    }
    return code;
}

}  // namespace

void register_dane_check_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<DaneCheckOptions>();
    CLI::App* cmd = app.add_subcommand(
        "dane-check", "Check a TLS service (HOST:PORT) or a mail domain's MX hosts with DANE");
    cmd->add_option("target", opts->target, "HOST:PORT, or DOMAIN with --smtp")->required();
    cmd->add_flag("--smtp", opts->smtp,
                  "TARGET is a mail domain: check port 25 of each validated MX host (STARTTLS)");
    cmd->add_option("--starttls", opts->starttls,
                    "Protocol to start TLS in: smtp (imap, pop3, xmpp are not built)")
        ->type_name("PROTO");
    cmd->add_flag("--json", opts->json, "Machine-readable output (docs/dane.md)");
    cmd->add_option("--resolver", opts->resolver,
                    "Recursive resolver for names and addresses, ADDR or ADDR:PORT (default: "
                    "/etc/resolv.conf)");
    cmd->add_option("--trust-anchor", opts->trust_anchor, "DS or DNSKEY records of the anchor zone")
        ->capture_default_str();
    cmd->add_option("--timeout-ms", opts->timeout_ms, "Per-attempt DNS timeout (at most 60000)")
        ->capture_default_str();
    cmd->add_option("--attempts", opts->attempts, "DNS attempts per query (1 to 10)")
        ->capture_default_str();
    cmd->add_option(
           "--tls-timeout-ms", opts->tls_timeout_ms,
           "Bound on the TCP connect, on the whole STARTTLS exchange, and on each read and "
           "write of the TLS handshake")
        ->capture_default_str();
    cmd->footer(
        "Exit 0: every host passes; 1: a host fails (mismatch, bogus TLSA, no usable record) or "
        "is not DANE-protected (TLSA insecure or absent); 2: bad input; 3: could not check.");
    cmd->callback([opts, &exit_code] { exit_code = run_dane_check(*opts); });
}

}  // namespace zw::app
