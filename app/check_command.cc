// zonewarden check ZONE: the live checks now, every server of the zone and of its parent
// compared with each other and with what zonewarden publishes.
#include <fmt/format.h>

#include <algorithm>

#include "app/commands.h"
#include "app/observation.h"
#include "app/operator_context.h"
#include "app/output.h"
#include "app/publisher.h"
#include "app/survey_answers.h"
#include "base/clock.h"
#include "dns/dnssec.h"
#include "dns/rdata.h"

namespace zw::app {

namespace {

int run_check(const std::string& config_path, const std::string& zone_text) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    auto store = open_reader(*config);
    if (!store) return report_failure(store.error());
    auto info = known_zone(*store, zone_text);
    if (!info) return report_failure(info.error());
    auto origin = dns::Name::from_text(info->name);
    if (!origin) return report_failure(origin.error());
    const Instant now = SystemClock{}.now();
    auto report = look_at(*config, *origin, now);
    if (!report) return report_failure(report.error());
    auto pub = store->last_publication(info->name);
    if (!pub) return report_failure(pub.error());

    for (const auto& p : report->parent)
        fmt::print("parent {:<40} {}\n", p.where.label(),
                   p.fault != live::ServerFault::none
                       ? fmt::format("{}: {}", name(p.fault), p.fault_detail)
                       : fmt::format("serial {} DS {} ({})", p.serial.value_or(0),
                                     p.ds.rdatas.size(), name(p.ds.validation.state)));
    for (const auto& c : report->child) {
        std::string tags;
        for (const auto& rd : c.dnskey.rdatas)
            tags += fmt::format("{}{}", tags.empty() ? "" : " ", dns::key_tag(rd));
        fmt::print("child  {:<40} {}\n", c.where.label(),
                   c.fault != live::ServerFault::none
                       ? fmt::format("{}: {}", name(c.fault), c.fault_detail)
                       : fmt::format("serial {} DNSKEY [{}] ({})", c.serial.value_or(0), tags,
                                     name(c.dnskey.validation.state)));
    }
    std::vector<std::string> problems = disagreements(*report, now);
    // Against what zonewarden publishes: every child server at that serial or later with
    // that DNSKEY set, every parent server with the DS set the key states want.
    if (*pub) {
        rollover::Expectation e;
        e.expect = rollover::Expect::absent;
        e.min_serial = (*pub)->serial;
        auto o = rollover::judge(e, server_answers(*report, Served::soa), now);
        if (o.verdict != rollover::Verdict::confirmed)
            problems.push_back(
                fmt::format("not every server has serial {}: {}", (*pub)->serial, o.detail));
        auto sorted_tags = [](const std::vector<dns::Bytes>& rdatas, bool ds) {
            std::vector<std::uint16_t> t;
            for (const auto& rd : rdatas)
                if (rd.size() >= 4) t.push_back(ds ? dns::read_u16(rd.data()) : dns::key_tag(rd));
            std::ranges::sort(t);
            return t;
        };
        auto list = [](const std::vector<std::uint16_t>& v) {
            std::string out;
            for (auto t : v) out += fmt::format("{}{}", out.empty() ? "" : " ", t);
            return out;
        };
        std::vector<std::uint16_t> dnskey = (*pub)->dnskey;
        std::ranges::sort(dnskey);
        for (const auto& c : report->child)
            if (c.fault == live::ServerFault::none && sorted_tags(c.dnskey.rdatas, false) != dnskey)
                problems.push_back(
                    fmt::format("{} serves DNSKEY [{}], zonewarden publishes [{}]", c.where.label(),
                                list(sorted_tags(c.dnskey.rdatas, false)), list(dnskey)));
        auto state = store->load_zone(info->name);
        if (!state) return report_failure(state.error());
        std::vector<std::uint16_t> ds = wanted_ds_tags(*state);
        std::ranges::sort(ds);
        for (const auto& p : report->parent) {
            auto served = sorted_tags(p.ds.rdatas, true);
            served.erase(std::unique(served.begin(), served.end()),
                         served.end());  // one per digest type
            if (p.fault == live::ServerFault::none && served != ds)
                problems.push_back(fmt::format("parent {} serves DS [{}], zonewarden wants [{}]",
                                               p.where.label(), list(served), list(ds)));
        }
    }
    for (const auto& p : problems) fmt::print("FAIL: {}\n", p);
    if (problems.empty())
        fmt::print("OK: every server answered, agrees, validates and is current\n");
    bool unreachable =
        std::ranges::any_of(report->child,
                            [](const auto& c) { return c.fault != live::ServerFault::none; }) ||
        std::ranges::any_of(report->parent,
                            [](const auto& p) { return p.fault != live::ServerFault::none; });
    return problems.empty() ? 0 : unreachable ? 3 : 1;
}

}  // namespace

void register_check_command(CLI::App& app, const std::string& config_path, int& exit_code) {
    const std::string* cfg = &config_path;
    auto check_zone = std::make_shared<std::string>();
    CLI::App* c = app.add_subcommand("check", "Run the live checks now, per server");
    c->add_option("zone", *check_zone, "The zone")->required();
    c->footer(
        "Exit 0: every server answers, agrees, validates and is current; 1: a server disagrees; "
        "3: a server is unreachable.");
    c->callback([check_zone, cfg, &exit_code] { exit_code = run_check(*cfg, *check_zone); });
}

}  // namespace zw::app
