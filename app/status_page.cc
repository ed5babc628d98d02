#include "app/status_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "app/html_text.h"
#include "app/status_page_assets.h"
#include "app/timeline_svg.h"

namespace zw::app {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
                   hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string percent_encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

std::size_t number(std::string_view s, std::size_t fallback, std::size_t lo, std::size_t hi) {
    std::size_t v = 0;
    if (s.empty() || s.size() > 9) return fallback;
    for (char c : s) {
        if (c < '0' || c > '9') return fallback;
        v = v * 10 + static_cast<std::size_t>(c - '0');
    }
    return std::clamp(v, lo, hi);
}

// "3d 4h", "5m 2s": how long, to the two largest units.
std::string rough(Seconds d) {
    long s = std::abs(d.count());
    if (s >= 86400) return fmt::format("{}d {}h", s / 86400, s % 86400 / 3600);
    if (s >= 3600) return fmt::format("{}h {}m", s / 3600, s % 3600 / 60);
    if (s >= 60) return fmt::format("{}m {}s", s / 60, s % 60);
    return fmt::format("{}s", s);
}

std::string relative(Instant t, Instant now) {
    return t >= now ? fmt::format("in {}", rough(t - now)) : fmt::format("{} ago", rough(now - t));
}

std::string when(const std::optional<Instant>& t, Instant now) {
    return t ? fmt::format("<time datetime=\"{0}\">{0}</time> ({1})", format_instant(*t),
                           relative(*t, now))
             : "-";
}

// Zones that need a human come first: errors, then waits on servers, then moves.
int attention(const ZoneStatus& z) {
    if (!z.error.empty()) return 0;
    if (z.condition == "stuck") return 1;
    if (std::ranges::any_of(z.waiting, [](const rollover::Wait& w) {
            return w.gate == rollover::Gate::observation;
        }))
        return 2;
    if (z.condition == "securing" || z.condition == "rolling" || z.condition == "offboarding")
        return 3;
    if (z.condition == "unsigned") return 4;
    return 5;
}

bool matches(const ZoneStatus& z, const PageOptions& o, const std::string& filter) {
    if (!o.state.empty() && z.condition != o.state) return false;
    if (filter.empty()) return true;
    return lower(z.info.name).find(filter) != std::string::npos ||
           lower(z.info.tenant).find(filter) != std::string::npos;
}

std::string key_name(const ZoneStatus& z, std::uint32_t id) {
    for (const auto& k : z.state.keys)
        if (k.key.id == id) {
            TimelineKey tk{k.key, TimelineKeyKind::current, k.goal, {}};
            return timeline_key_label(tk);
        }
    return fmt::format("key #{}", id);
}

std::string wait_item(const ZoneStatus& z, const rollover::Wait& w, Instant now) {
    std::string what =
        w.record ? fmt::format("{} of {}", timeline_record_label(*w.record), key_name(z, w.key))
                 : key_name(z, w.key);
    std::string gate;
    switch (w.gate) {
        case rollover::Gate::observation:
            gate = "waits for every server to confirm";
            break;
        case rollover::Gate::time:
            gate = w.until ? fmt::format("waits until {}", when(w.until, now)) : "waits for time";
            break;
        case rollover::Gate::policy:
            gate = "waits (policy)";
            break;
        case rollover::Gate::safety:
            gate = "waits (DNSSEC safety)";
            break;
    }
    std::string out = fmt::format(
        "<li class=\"wait gate-{}\" data-key=\"{}\" data-record=\"{}\"><b>{}</b> {}, since {} "
        "({}): {}",
        rollover::name(w.gate), w.key, w.record ? rollover::name(*w.record) : "", html_escape(what),
        gate, format_instant(w.since), rough(now - w.since), html_escape(w.why));
    if (w.gate == rollover::Gate::observation) {
        auto servers = blocking_servers(w.why);
        if (!servers.empty()) {
            out += " <span class=\"blocking\">blocking:";
            for (const auto& s : servers)
                out += fmt::format(" <code class=\"server\">{}</code>", html_escape(s));
            out += "</span>";
        }
    }
    return out + "</li>";
}

// Without a timeline: each key's records and their states now, in words.
std::string key_states(const ZoneStatus& z) {
    std::string out = "<p class=\"keys\">";
    for (const auto& k : z.state.keys) {
        TimelineKey tk{k.key, TimelineKeyKind::current, k.goal, {}};
        out += fmt::format("<b>{}</b>", html_escape(timeline_key_label(tk)));
        for (auto r : rollover::all_records)
            if (rollover::applies(k.key.role, r))
                out +=
                    fmt::format(" {} {}{}", timeline_record_label(r), rollover::name(k.at(r).state),
                                rollover::pending(k.at(r)) ? " (changing)" : "");
        out += "; ";
    }
    return out + "</p>";
}

std::string zone_item(const ZoneStatus& z, Instant now, const TimelineSource& timeline, bool draw) {
    std::string out = fmt::format(
        "<li class=\"zone\" id=\"zone-{0}\" data-name=\"{0}\" data-tenant=\"{1}\" "
        "data-state=\"{2}\">"
        "<div class=\"head\"><span class=\"name\">{0}</span> <span class=\"badge c-{2}\">{2}</span>"
        "<span class=\"meta\">tenant {1} \u00b7 policy {3} \u00b7 registrar {4}</span></div>",
        html_escape(z.info.name), html_escape(z.info.tenant), html_escape(z.condition),
        html_escape(z.info.policy), html_escape(z.info.registrar.empty() ? "-" : z.info.registrar));
    if (!z.error.empty()) out += fmt::format("<p class=\"error\">{}</p>", html_escape(z.error));
    out += "<p class=\"facts\">";
    if (z.publication)
        out += fmt::format("serial {} published {} \u00b7 ", z.publication->serial,
                           when(z.publication->at, now));
    out += fmt::format("next event {} \u00b7 earliest signature expiry {}", when(z.next_event, now),
                       when(z.publication ? z.publication->earliest_expiry : std::nullopt, now));
    if (z.last_check)
        out += fmt::format(" \u00b7 last check {} <span class=\"{}\">{}</span>",
                           when(z.last_check->at, now), z.last_check->ok ? "ok" : "failed",
                           z.last_check->ok ? std::string("ok")
                                            : html_escape(fmt::format("failed ({}\u00d7): {}",
                                                                      z.last_check->failures,
                                                                      z.last_check->detail)));
    out += "</p>";
    if (z.waiting.empty()) {
        out += "<p class=\"waits none\">waits for nothing</p>";
    } else {
        out += "<ul class=\"waits\">";
        for (const auto& w : z.waiting) out += wait_item(z, w, now);
        out += "</ul>";
    }
    if (!draw)
        return out + key_states(z) +
               "<p class=\"note\">timeline: <code>zonewarden report ZONE --html "
               "FILE</code></p></li>";
    auto tl = timeline(z);
    if (tl)
        out += timeline_svg(*tl, z);
    else
        out +=
            fmt::format("<p class=\"error\">no timeline: {}</p>", html_escape(tl.error().message));
    return out + "</li>";
}

std::string query_of(const PageOptions& o, std::size_t page, std::string_view state) {
    std::string q = fmt::format("?page={}&per={}", page, o.per_page);
    if (!o.filter.empty()) q += "&q=" + percent_encode(o.filter);
    if (!state.empty()) q += "&state=" + percent_encode(state);
    if (o.back != Seconds{14 * 86400}) q += "&span=" + format_duration(o.back);
    return html_escape(q);
}

}  // namespace

PageOptions page_options(std::string_view query) {
    PageOptions o;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto eq = item.find('=');
        std::string key = percent_decode(item.substr(0, eq));
        std::string value = eq == std::string_view::npos ? "" : percent_decode(item.substr(eq + 1));
        if (value.size() > 256) continue;
        if (key == "q")
            o.filter = value;
        else if (key == "state")
            o.state = value;
        else if (key == "page")
            o.page = number(value, 1, 1, 1'000'000);
        else if (key == "per")
            o.per_page = number(value, 25, 1, max_per_page);
        else if (key == "span") {
            if (auto d = parse_duration(value)) {
                Seconds span = std::clamp(*d, Seconds{60}, Seconds{366 * 86400});
                o.back = o.ahead = span;
            }
        }
    }
    return o;
}

std::vector<std::string> blocking_servers(std::string_view why) {
    // Server labels are "NAME./ADDRESS", each followed by ':' and what it did wrong.
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < why.size()) {
        std::size_t end = why.find_first_of(" ;()", i);
        if (end == std::string_view::npos) end = why.size();
        std::string_view token = why.substr(i, end - i);
        if (token.size() > 3 && token.back() == ':' && token.find("./") != std::string_view::npos) {
            std::string server(token.substr(0, token.size() - 1));
            if (std::ranges::find(out, server) == out.end()) out.push_back(std::move(server));
        }
        i = end + 1;
    }
    return out;
}

std::string status_page(std::span<const ZoneStatus> zones, Instant now, const PageOptions& o,
                        const TimelineSource& timeline) {
    std::vector<const ZoneStatus*> order;
    order.reserve(zones.size());
    for (const auto& z : zones) order.push_back(&z);
    std::ranges::stable_sort(order, [](const ZoneStatus* a, const ZoneStatus* b) {
        return std::pair{attention(*a), std::string_view(a->info.name)} <
               std::pair{attention(*b), std::string_view(b->info.name)};
    });
    std::map<std::string, std::size_t> counts;
    for (const auto* z : order) ++counts[z->condition];

    std::string out = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>zonewarden status</title><style>{0}</style></head><body>"
        "<h1>zonewarden status</h1><p class=\"sub\">{1} zone{2} \u00b7 generated <time "
        "datetime=\"{3}\">{3}</time> "
        "\u00b7 timelines from {4} before to {5} after now{6}</p>",
        o.every_zone ? fmt::format("{}{}", page_assets::page_style, page_assets::report_style)
                     : std::string(page_assets::page_style),
        zones.size(), zones.size() == 1 ? "" : "s", format_instant(now), rough(o.back),
        rough(o.ahead),
        o.every_zone && zones.size() > o.timelines
            ? fmt::format(", drawn for the first {} zones (those needing attention first)",
                          o.timelines)
            : "");

    out += "<nav class=\"summary\" aria-label=\"states\">";
    out += fmt::format("<a class=\"chip{}\" data-state=\"\" href=\"{}\">all {}</a>",
                       o.state.empty() ? " on" : "", query_of(o, 1, ""), zones.size());
    for (const auto& [state, n] : counts)
        out += fmt::format("<a class=\"chip{}\" data-state=\"{}\" href=\"{}\">{} {}</a>",
                           o.state == state ? " on" : "", html_escape(state), query_of(o, 1, state),
                           html_escape(state), n);
    out += "</nav>";

    out += fmt::format(
        "<form id=\"filter\" method=\"get\" action=\"\"><label>zone or tenant "
        "<input name=\"q\" value=\"{}\" placeholder=\"part of a name\"></label>"
        "<label>state <select name=\"state\"><option value=\"\">every state</option>",
        html_escape(o.filter));
    for (const auto& [state, n] : counts)
        out += fmt::format("<option value=\"{0}\"{1}>{0}</option>", html_escape(state),
                           o.state == state ? " selected" : "");
    out += fmt::format(
        "</select></label><label>per page <input name=\"per\" type=\"number\" min=\"1\" max=\"{}\" "
        "value=\"{}\" size=\"4\"></label>",
        max_per_page, o.per_page);
    if (o.back != Seconds{14 * 86400})
        out += fmt::format("<input type=\"hidden\" name=\"span\" value=\"{}\">",
                           format_duration(o.back));
    out += "<button>show</button></form>";

    out +=
        "<div class=\"legend\"><span><i class=\"s-hidden\"></i>hidden</span><span><i "
        "class=\"s-rumoured\"></i>"
        "rumoured</span><span><i class=\"s-omnipresent\"></i>omnipresent</span><span><i "
        "class=\"s-unretentive\">"
        "</i>unretentive</span><span><i class=\"pending\"></i>changed, not yet confirmed at every "
        "server</span>"
        "<span><i class=\"projected\"></i>projected: the engine's schedule if every check "
        "passes</span>"
        "<span>\u25cb waits here</span></div>";

    const std::string filter = lower(o.filter);
    std::vector<const ZoneStatus*> hits;
    for (const auto* z : order)
        if (o.every_zone || matches(*z, o, filter)) hits.push_back(z);
    const std::size_t pages = std::max<std::size_t>(1, (hits.size() + o.per_page - 1) / o.per_page);
    const std::size_t page = std::min(o.page, pages);
    std::size_t first = o.every_zone ? 0 : (page - 1) * o.per_page;
    std::size_t last = o.every_zone ? hits.size() : std::min(hits.size(), first + o.per_page);

    if (hits.empty())
        out += zones.empty()
                   ? "<p id=\"shown\">no zones yet; onboard one with <code>zonewarden onboard ZONE "
                     "--tenant T</code></p>"
                   : "<p id=\"shown\">no zone matches</p>";
    else
        out += fmt::format("<p id=\"shown\">zones {}\u2013{} of {}{}</p>", first + 1, last,
                           hits.size(),
                           hits.size() < zones.size() ? fmt::format(" (of {})", zones.size()) : "");
    out += "<ol class=\"zones\">";
    for (std::size_t i = first; i < last; ++i)
        out += zone_item(*hits[i], now, timeline, i - first < o.timelines);
    out += "</ol><nav class=\"pager\" id=\"pager\" aria-label=\"pages\">";
    if (!o.every_zone && pages > 1) {
        for (std::size_t p = 1; p <= pages; ++p) {
            if (pages > 12 && p > 2 && p + 1 < pages && (p + 2 < page || p > page + 2)) {
                if (p == 3 || p + 2 == pages) out += "<span>\u2026</span>";
                continue;
            }
            out += p == page ? fmt::format("<span class=\"cur\">{}</span>", p)
                             : fmt::format("<a href=\"{}\">{}</a>", query_of(o, p, o.state), p);
        }
    }
    out += "</nav>";
    // The report lays out no zone until the script has chosen a page (ten thousand cards
    // would be laid out first otherwise); without a script every zone shows.
    if (o.every_zone)
        out += fmt::format("{}<script>{}</script>", page_assets::report_noscript,
                           page_assets::report_script);
    out += "</body></html>\n";
    return out;
}

}  // namespace zw::app
