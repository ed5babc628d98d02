// zonewarden report --html FILE: the daemon's status page, written once, for operators who
// publish it with a web server of their own (a timer can run it).

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "app/commands.h"
#include "app/operator_context.h"
#include "app/output.h"
#include "app/status_collect.h"
#include "app/status_page.h"
#include "base/clock.h"
#include "zones/atomic_file.h"

namespace zw::app {

namespace {

struct ReportOptions {
    std::string html;
    std::string span = "14d";
    std::string zone;
    std::size_t timelines = 500;
};

int run_report(const std::string& config_path, const ReportOptions& o) {
    auto config = load_config(config_path);
    if (!config) return report_failure(config.error());
    auto span = parse_duration(o.span);
    if (!span || *span < Seconds{60} || *span > Seconds{366 * 86400})
        return report_failure(
            bad_input(fmt::format("--span: '{}' is not a duration from 1m to 366d", o.span)));
    const Instant now = SystemClock{}.now();
    std::vector<ZoneStatus> zones;
    std::optional<store::Store> store;
    if (std::filesystem::exists(config->state) || !o.zone.empty()) {
        auto opened = open_reader(*config);
        if (!opened) return report_failure(opened.error());
        store.emplace(std::move(*opened));
        auto all = collect_statuses(*config, *store, o.zone, now);
        if (!all) return report_failure(all.error());
        zones = std::move(*all);
    }
    PageOptions options;
    options.every_zone = true;
    options.back = options.ahead = *span;
    options.timelines = o.timelines;
    TimelineSource timeline = [&](const ZoneStatus& z) -> Result<ZoneTimeline> {
        return zone_timeline(*config, *store, z, now, options.back, options.ahead);
    };
    std::string page = status_page(zones, now, options, timeline);
    auto ok =
        zones::write_file_atomically(o.html, 0644, [&](zones::BufferedWriter& w) -> Result<void> {
            w.write(page);
            return {};
        });
    if (!ok) return report_failure(ok.error());
    fmt::print("{}: status page of {} zone{}\n", o.html, zones.size(),
               zones.size() == 1 ? "" : "s");
    return 0;
}

}  // namespace

void register_report_command(CLI::App& app, const std::string& config_path, int& exit_code) {
    const std::string* cfg = &config_path;
    auto o = std::make_shared<ReportOptions>();
    CLI::App* c = app.add_subcommand(
        "report", "Write the daemon's status page once, as a self-contained HTML file");
    c->add_option("zone", o->zone, "One zone (default: all)");
    c->add_option("--html", o->html, "The file to write (atomically, mode 0644)")->required();
    c->add_option("--span", o->span,
                  "Timelines from this long before now to this long after (1m to 366d)")
        ->capture_default_str();
    c->add_option("--timelines", o->timelines,
                  "Draw the key timelines of this many zones, those needing attention first; the "
                  "others list "
                  "their keys' states")
        ->capture_default_str();
    c->footer(
        "The same page as the daemon's http endpoint (GET /), with every zone in the file and a "
        "few lines of "
        "script to filter and page them.");
    c->callback([o, cfg, &exit_code] { exit_code = run_report(*cfg, *o); });
}

}  // namespace zw::app
