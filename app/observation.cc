#include "app/observation.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "live/discovery.h"

namespace zw::app {

Result<live::Server> default_resolver() {
    std::ifstream f("/etc/resolv.conf");
    for (std::string line; std::getline(f, line);) {
        std::istringstream in(line);
        std::string word, addr;
        if (in >> word >> addr && word == "nameserver") return live::Server{addr, 53};
    }
    return fail(config_error("no resolver configured and no nameserver in /etc/resolv.conf"));
}

Result<live::ZoneReport> look_at(const Config& config, const dns::Name& zone, Instant now) {
    auto resolver =
        config.dns.resolver.empty() ? default_resolver() : live::parse_server(config.dns.resolver);
    if (!resolver) return fail(resolver.error());
    auto anchor = live::load_trust_anchor(config.dns.trust_anchor);
    if (!anchor) return fail(anchor.error());
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config.dns.timeout);
    live::Client client(live::ClientOptions{timeout, config.dns.attempts, 2 * timeout, 64});
    live::Discoverer discoverer(client, *resolver);
    live::ChainValidator chain(client, discoverer, std::move(*anchor), now);
    auto found = discoverer.discover(zone);
    if (!found)
        return fail(outside_error(
            fmt::format("{}: cannot find its servers: {}", zone.to_text(), found.error().message)));
    std::vector<live::Discovery> zones{std::move(*found)};
    auto reports = live::survey_zones(client, chain, zones);
    if (reports.size() != 1) return fail(internal_error("probe returned no report"));
    return std::move(reports.front());
}

rollover::Observation observe(const live::ZoneReport& report, const rollover::Probe& probe,
                              const dns::Bytes& dnskey, std::optional<std::uint32_t> min_serial,
                              Instant at) {
    using rollover::Record;
    Served what = Served::dnskey;
    switch (probe.record) {
        case Record::dnskey:
            what = Served::dnskey;
            break;
        case Record::krrsig:
            what = Served::dnskey_signature;
            break;
        case Record::zrrsig:
            what = Served::soa;
            break;
        case Record::ds:
            what = Served::ds;
            break;
    }
    rollover::Expectation e;
    e.key = probe.key.id;
    e.record = probe.record;
    e.expect = probe.expect;
    if (probe.record != Record::ds) e.min_serial = min_serial;
    rollover::Observation o = rollover::judge(e, server_answers(report, what, dnskey), at);
    // A server discovery could not reach (an NS name without an address) was never asked:
    // it cannot have confirmed anything.
    if (!report.discovery.servers.problems.empty() && o.verdict == rollover::Verdict::confirmed)
        o.verdict = rollover::Verdict::unreachable;
    for (const auto& p : report.discovery.servers.problems) o.detail += "; " + p;
    return o;
}

}  // namespace zw::app
