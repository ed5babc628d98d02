// zonewarden probe ZONE...: every server of each zone and of its parent, asked directly,
// every answer validated from the trust anchor — an operator's first look at a stuck
// rollover. Exit 0: every address answered, all agree, all validate (and the --expect-*
// expectations hold); 1: something disagrees, is missing, bogus or unreachable (the
// check would not pass); 2: bad input; 3: discovery failed (resolver, zone unknown).

#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/commands.h"
#include "app/config.h"
#include "app/dns_options.h"
#include "app/observation.h"
#include "app/output.h"
#include "app/survey_answers.h"
#include "base/clock.h"
#include "base/regular_file.h"
#include "dns/dnssec.h"
#include "dns/rdata.h"
#include "live/zone_survey.h"

namespace zw::app {

namespace {

struct ProbeOptions {
    std::vector<std::string> zones;
    std::string resolver, trust_anchor = "/usr/share/dns/root.ds", expect_ds;
    std::optional<std::uint32_t> min_serial;
    bool json = false;
    int timeout_ms = 1500, attempts = 3, in_flight = 64;
};

Result<std::vector<std::string>> read_ds_file(const std::string& path, const dns::Name& zone) {
    auto text = read_regular_file(path, "DS file", max_small_file_bytes);
    if (!text) return fail(text.error());
    std::istringstream f(*text);
    std::vector<std::string> out;
    std::uint64_t n = 0;
    for (std::string line; std::getline(f, line);) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos ||
            line[line.find_first_not_of(" \t")] == ';')
            continue;
        auto rr = dns::rr_from_text(line);
        if (!rr) return fail(bad_input(rr.error().message, SourceLocation{path, n}));
        if (rr->type != dns::rrtype::DS || !(rr->owner == zone))
            return fail(bad_input(fmt::format("expected DS records of {}", zone.to_text()),
                                  SourceLocation{path, n}));
        out.push_back(rdata_text(rr->owner, rr->type, rr->rdata));
    }
    return out;
}

std::string tags(const live::ServedSet& s, const dns::Name& owner) {
    if (!s.present) return "-";
    std::string out;
    for (const auto& rd : s.rdatas)
        out += fmt::format("{}{}", out.empty() ? "" : ",", dns::key_tag(rd));
    (void)owner;
    return out;
}

std::string ds_summary(const live::ServedSet& s) {
    if (!s.present) return "-";
    std::string out;
    for (const auto& rd : s.rdatas)
        if (rd.size() >= 4)
            out += fmt::format("{}{}/{}/{}", out.empty() ? "" : ",", dns::read_u16(rd.data()),
                               rd[2], rd[3]);
    return out;
}

nlohmann::json set_json(const live::ServedSet& s, const dns::Name& owner, std::uint16_t type) {
    nlohmann::json j{{"present", s.present},
                     {"records", rdata_texts(owner, type, s.rdatas)},
                     {"state", std::string(name(s.validation.state))},
                     {"why", s.validation.why}};
    if (s.present) j["ttl"] = s.ttl;
    if (type == dns::rrtype::DNSKEY || type == dns::rrtype::CDNSKEY) {
        std::vector<std::uint16_t> t;
        for (const auto& rd : s.rdatas) t.push_back(dns::key_tag(rd));
        j["key_tags"] = t;
    }
    return j;
}

std::vector<std::string> names(std::span<const dns::Name> ns) {
    std::vector<std::string> out;
    for (const auto& n : ns) out.push_back(n.to_text());
    return out;
}

int run_probe(const ProbeOptions& o) {
    // The configuration's bounds (app/config.cc, dns.timeout and dns.attempts): a probe
    // is one look at every server, not a flood.
    if (auto ok = check_dns_query_options(o.attempts, o.timeout_ms); !ok)
        return report_failure(ok.error());
    if (o.in_flight < 1 || o.in_flight > 1024)
        return report_failure(bad_input("--in-flight must be from 1 to 1024"));
    auto resolver = o.resolver.empty() ? default_resolver() : live::parse_server(o.resolver);
    if (!resolver) return report_failure(resolver.error());
    auto anchor = live::load_trust_anchor(o.trust_anchor);
    if (!anchor) return report_failure(anchor.error());
    std::vector<dns::Name> zones;
    for (const auto& z : o.zones) {
        auto name = dns::Name::from_text(z);
        if (!name) return report_failure(name.error());
        if (name->is_root())
            return report_failure(bad_input("the root zone has no parent to probe"));
        zones.push_back(*name);
    }
    std::optional<std::vector<std::string>> expect_ds;
    if (!o.expect_ds.empty()) {
        if (zones.size() != 1)
            return report_failure(bad_input("--expect-ds needs exactly one zone"));
        auto ds = read_ds_file(o.expect_ds, zones.front());
        if (!ds) return report_failure(ds.error());
        expect_ds = std::move(*ds);
    }

    const Instant now = SystemClock{}.now();
    Stopwatch watch;
    live::Client client(live::ClientOptions{std::chrono::milliseconds{o.timeout_ms}, o.attempts,
                                            std::chrono::milliseconds{2 * o.timeout_ms},
                                            static_cast<std::size_t>(std::max(1, o.in_flight))});
    live::Discoverer discoverer(client, *resolver);
    live::ChainValidator chain(client, discoverer, std::move(*anchor), now);
    std::vector<live::Discovery> found;
    std::vector<std::string> discovery_errors;
    for (const auto& z : zones) {
        auto d = discoverer.discover(z);
        if (d)
            found.push_back(std::move(*d));
        else
            discovery_errors.push_back(fmt::format("{}: {}", z.to_text(), d.error().message));
    }
    const double discovery_s = watch.seconds();
    auto reports = live::survey_zones(client, chain, found);
    const double total_s = watch.seconds();

    int exit_code = discovery_errors.empty() ? 0 : 3;
    nlohmann::json jzones = nlohmann::json::array();
    for (const auto& r : reports) {
        const dns::Name& zone = r.discovery.zone;
        std::vector<std::string> problems = disagreements(r, now);
        if (expect_ds) {
            rollover::Expectation e;
            e.record = rollover::Record::ds;
            e.equals = expect_ds;
            auto ob = rollover::judge(e, server_answers(r, Served::ds), now);
            if (ob.verdict != rollover::Verdict::confirmed)
                problems.push_back(
                    fmt::format("DS at the parent differs from the expected set: {}", ob.detail));
        }
        if (o.min_serial) {
            rollover::Expectation e;
            e.expect = rollover::Expect::absent;
            e.min_serial = o.min_serial;
            auto ob = rollover::judge(e, server_answers(r, Served::soa), now);
            if (ob.verdict != rollover::Verdict::confirmed)
                problems.push_back(fmt::format("serial below {}: {}", *o.min_serial, ob.detail));
        }
        if (!problems.empty() && exit_code == 0) exit_code = 1;
        if (o.json) {
            nlohmann::json jp = nlohmann::json::array(), jc = nlohmann::json::array();
            for (const auto& p : r.parent) {
                nlohmann::json s{{"ns", p.where.ns.to_text()},
                                 {"address", p.where.server.address},
                                 {"fault", std::string(name(p.fault))},
                                 {"detail", p.fault_detail},
                                 {"ms", p.elapsed.count()},
                                 {"ds", set_json(p.ds, zone, dns::rrtype::DS)}};
                if (p.serial) s["serial"] = *p.serial;
                jp.push_back(std::move(s));
            }
            for (const auto& c : r.child) {
                nlohmann::json s{{"ns", c.where.ns.to_text()},
                                 {"address", c.where.server.address},
                                 {"fault", std::string(name(c.fault))},
                                 {"detail", c.fault_detail},
                                 {"ms", c.elapsed.count()},
                                 {"dnskey", set_json(c.dnskey, zone, dns::rrtype::DNSKEY)},
                                 {"dnskey_transport", std::string(name(c.dnskey_transport))},
                                 {"cds", set_json(c.cds, zone, dns::rrtype::CDS)},
                                 {"cdnskey", set_json(c.cdnskey, zone, dns::rrtype::CDNSKEY)},
                                 {"soa_signers", c.soa.signer_tags}};
                if (c.serial) s["serial"] = *c.serial;
                jc.push_back(std::move(s));
            }
            jzones.push_back({{"zone", zone.to_text()},
                              {"parent", r.discovery.parent->to_text()},
                              {"ok", problems.empty()},
                              {"problems", problems},
                              {"delegation_ns", names(r.discovery.servers.delegation_ns)},
                              {"apex_ns", names(r.discovery.servers.apex_ns)},
                              {"parent_keys",
                               {{"state", std::string(name(r.parent_keys.validation.state))},
                                {"why", r.parent_keys.validation.why}}},
                              {"parent_servers", jp},
                              {"child_servers", jc}});
            continue;
        }
        fmt::print("zone {}  parent {}  (parent keys {}{})\n", zone.to_text(),
                   r.discovery.parent->to_text(), name(r.parent_keys.validation.state),
                   r.parent_keys.validation.why.empty() ? "" : ": " + r.parent_keys.validation.why);
        fmt::print("  parent servers:\n");
        for (const auto& p : r.parent) {
            if (p.fault != live::ServerFault::none) {
                fmt::print("    {:<40} {}: {}  {} ms\n", p.where.label(), name(p.fault),
                           p.fault_detail, p.elapsed.count());
                continue;
            }
            fmt::print("    {:<40} serial {}  DS {} ttl {}  {}{}  {} ms\n", p.where.label(),
                       p.serial ? fmt::format("{}", *p.serial) : "?", ds_summary(p.ds), p.ds.ttl,
                       name(p.ds.validation.state),
                       p.ds.validation.why.empty() ? "" : " (" + p.ds.validation.why + ")",
                       p.elapsed.count());
        }
        fmt::print("  child servers:\n");
        for (const auto& c : r.child) {
            if (c.fault != live::ServerFault::none) {
                fmt::print("    {:<40} {}: {}  {} ms\n", c.where.label(), name(c.fault),
                           c.fault_detail, c.elapsed.count());
                continue;
            }
            fmt::print(
                "    {:<40} serial {}  DNSKEY {} ttl {} ({})  CDS {}  CDNSKEY {}  {}{}  {} ms\n",
                c.where.label(), c.serial ? fmt::format("{}", *c.serial) : "?",
                tags(c.dnskey, zone), c.dnskey.ttl, name(c.dnskey_transport), ds_summary(c.cds),
                tags(c.cdnskey, zone), name(c.dnskey.validation.state),
                c.dnskey.validation.why.empty() ? "" : " (" + c.dnskey.validation.why + ")",
                c.elapsed.count());
        }
        if (problems.empty()) fmt::print("  OK: every server answered, agrees and validates\n");
        for (const auto& p : problems) fmt::print("  FAIL: {}\n", p);
    }
    for (const auto& e : discovery_errors) {
        if (!o.json) fmt::print(stderr, "zonewarden: discovery failed for {}\n", e);
        jzones.push_back({{"zone", e.substr(0, e.find(':'))}, {"ok", false}, {"problems", {e}}});
    }
    const auto& st = client.stats();
    std::uint64_t queries = st.udp_sent + st.tcp_sent;
    if (o.json) {
        nlohmann::json j{{"zones", jzones},
                         {"exit", exit_code},
                         {"stats",
                          {{"queries", queries},
                           {"udp", st.udp_sent},
                           {"tcp", st.tcp_sent},
                           {"timeouts", st.timeouts},
                           {"discovery_seconds", discovery_s},
                           {"total_seconds", total_s}}}};
        fmt::print("{}\n", j.dump(2));
    } else {
        fmt::print("{} zones, {} queries ({} over TCP) in {:.3f} s (discovery {:.3f} s)\n",
                   zones.size(), queries, st.tcp_sent, total_s, discovery_s);
    }
    return exit_code;
}

}  // namespace

void register_probe_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<ProbeOptions>();
    CLI::App* cmd =
        app.add_subcommand("probe", "Ask every server of a zone and of its parent, and validate");
    cmd->add_option("zones", opts->zones, "Zones to probe")->required();
    cmd->add_option(
        "--resolver", opts->resolver,
        "Recursive resolver for discovery only, ADDR or ADDR:PORT (default: /etc/resolv.conf)");
    cmd->add_option("--trust-anchor", opts->trust_anchor, "DS or DNSKEY records of the anchor zone")
        ->capture_default_str();
    cmd->add_flag("--json", opts->json, "Machine-readable output (docs/live-checks.md)");
    cmd->add_option("--expect-ds", opts->expect_ds,
                    "File of the DS records every parent server must serve, exactly");
    cmd->add_option("--min-serial", opts->min_serial,
                    "Every child server must serve at least this serial (RFC 1982)");
    cmd->add_option("--timeout-ms", opts->timeout_ms, "Per-attempt UDP timeout (at most 60000)")
        ->capture_default_str();
    cmd->add_option("--attempts", opts->attempts, "UDP attempts per query (1 to 10)")
        ->capture_default_str();
    cmd->add_option("--in-flight", opts->in_flight, "Queries outstanding at once (1 to 1024)")
        ->capture_default_str();
    cmd->footer(
        "Exit 0: every address answered, agrees and validates; 1: a check would not pass "
        "(disagreement, fault, bogus); 2: bad input; 3: discovery failed.");
    cmd->callback([opts, &exit_code] { exit_code = run_probe(*opts); });
}

}  // namespace zw::app
