#pragma once
// The status page (GET / of the daemon, `zonewarden report --html`): every zone with its
// state and what it waits for, zones that need a human first, and per zone its key
// timeline (timeline_svg.h). Made to read for one zone and for ten thousand: a summary of
// the states, a filter (name or tenant, state) and pages. The daemon filters and pages on
// the server (query parameters, a plain GET form); a report written to a file holds every
// zone and pages with a few lines of script. Self-contained: no external resource.

#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "app/zone_timeline.h"

namespace zw::app {

struct PageOptions {
    std::string filter;  // part of a zone or tenant name, any case
    std::string state;   // one state, or every state
    std::size_t page = 1;
    std::size_t per_page = 25;
    Seconds back{14 * 86400}, ahead{14 * 86400};  // the timeline's window around now
    // The report file: every zone in the page, paged and filtered by the script.
    bool every_zone = false;
    // Timelines drawn, in the order zones are listed (those needing attention first); the
    // others show their keys' states in words. Keeps a report of ten thousand zones small.
    std::size_t timelines = std::numeric_limits<std::size_t>::max();
};

inline constexpr std::size_t max_per_page = 500;

// From a query string ("q=alpha&state=rolling&page=2&per=50&span=2d"); values out of
// bounds are clamped, unknown parameters ignored.
[[nodiscard]] PageOptions page_options(std::string_view query);

// The servers a wait's explanation names as not agreeing ("ns2.example./192.0.2.2").
[[nodiscard]] std::vector<std::string> blocking_servers(std::string_view why);

using TimelineSource = std::function<Result<ZoneTimeline>(const ZoneStatus&)>;

[[nodiscard]] std::string status_page(std::span<const ZoneStatus> zones, Instant now,
                                      const PageOptions& options, const TimelineSource& timeline);

}  // namespace zw::app
