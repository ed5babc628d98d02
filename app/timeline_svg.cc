#include "app/timeline_svg.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <ctime>

#include "app/html_text.h"

namespace zw::app {

namespace {

using rollover::Record;

constexpr double width = 980, label_width = 190, right_margin = 14;
constexpr double axis_height = 24, key_height = 17, row_height = 12, row_gap = 3, key_gap = 6;

std::string_view role_label(rollover::Role r) {
    switch (r) {
        case rollover::Role::ksk:
            return "KSK";
        case rollover::Role::zsk:
            return "ZSK";
        case rollover::Role::csk:
            return "CSK";
    }
    return "key";
}

std::string key_ref(const TimelineKey& k) {
    return k.key.tag ? fmt::format("{}", *k.key.tag) : fmt::format("#{}", k.key.id);
}

std::string utc(Instant t, const char* format) {
    std::time_t secs = t.time_since_epoch().count();
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    std::array<char, 32> buf{};
    return std::string(buf.data(), std::strftime(buf.data(), buf.size(), format, &tm));
}

struct Scale {
    Instant from, to;
    double x(Instant t) const {
        auto span = static_cast<double>((to - from).count());
        auto off = static_cast<double>((std::clamp(t, from, to) - from).count());
        return label_width + (width - label_width - right_margin) * (span > 0 ? off / span : 0);
    }
};

// A step that gives at most a dozen ticks.
Seconds tick_step(Seconds span) {
    constexpr std::array<long, 15> steps{60,       300,      900,       1800,    3600,
                                         3 * 3600, 6 * 3600, 12 * 3600, 86400,   172800,
                                         604800,   1209600,  2592000,   7776000, 31536000};
    for (long s : steps)
        if (span.count() / s <= 12) return Seconds{s};
    return Seconds{steps.back()};
}

// Ticks and grid lines; a tick's label gives way to "now" where they would overlap.
void axis(std::string& out, const Scale& sc, double height, double x_now) {
    Seconds step = tick_step(sc.to - sc.from);
    long first =
        (sc.from.time_since_epoch().count() + step.count() - 1) / step.count() * step.count();
    for (Instant t{Seconds{first}}; t <= sc.to; t += step) {
        double x = sc.x(t);
        bool midnight = t.time_since_epoch().count() % 86400 == 0;
        std::string label = step.count() >= 86400 || midnight ? utc(t, "%b %d") : utc(t, "%H:%M");
        out += fmt::format(
            "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>", x,
            axis_height - 6, height);
        if (std::abs(x - x_now) >= 30)
            out += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{}\">{}</text>", x,
                               axis_height - 10, label);
    }
}

// "DNSKEY of KSK 12345: hidden from T, rumoured (not yet confirmed) from T, omnipresent
// from T; projected: unretentive from T, hidden from T"
std::string band_title(const TimelineKey& k, const TimelineBand& band) {
    std::string out =
        fmt::format("{} of {}:", timeline_record_label(band.record), timeline_key_label(k));
    bool projected = false;
    for (const auto& s : band.stretches) {
        if (s.projected && !projected)
            out += ";  projected:";
        else if (&s != &band.stretches.front())
            out += ",";
        projected = s.projected;
        out += fmt::format(" {}{} from {}", rollover::name(s.state),
                           s.pending ? " (not yet confirmed)" : "", format_instant(s.from));
    }
    return out;
}

}  // namespace

std::string timeline_key_label(const TimelineKey& k) {
    switch (k.kind) {
        case TimelineKeyKind::current:
            return fmt::format("{} {}", role_label(k.key.role), key_ref(k));
        case TimelineKeyKind::removed:
            return fmt::format("{} {} (removed)", role_label(k.key.role), key_ref(k));
        case TimelineKeyKind::projected:
            return fmt::format("next {} (projected)", role_label(k.key.role));
    }
    return "";
}

std::string_view timeline_record_label(Record r) {
    switch (r) {
        case Record::dnskey:
            return "DNSKEY";
        case Record::krrsig:
            return "RRSIG(DNSKEY)";
        case Record::zrrsig:
            return "RRSIG(zone)";
        case Record::ds:
            return "DS";
    }
    return "";
}

std::string timeline_svg(const ZoneTimeline& tl, const ZoneStatus& status) {
    double height = axis_height;
    for (const auto& k : tl.keys)
        height +=
            key_height + static_cast<double>(k.bands.size()) * (row_height + row_gap) + key_gap;
    height = std::max(height, axis_height + 24);
    const Scale sc{tl.from, tl.to};
    std::string out = fmt::format(
        "<svg class=\"timeline\" viewBox=\"0 0 {} {:.0f}\" "
        "role=\"img\" aria-label=\"key timeline of {}\" data-from=\"{}\" data-now=\"{}\" "
        "data-to=\"{}\">",
        width, height, html_escape(status.info.name), tl.from.time_since_epoch().count(),
        tl.now.time_since_epoch().count(), tl.to.time_since_epoch().count());
    const double x_now = sc.x(tl.now);
    out += fmt::format(
        "<rect class=\"future\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{:.1f}\"/>", x_now,
        axis_height - 6, width - right_margin - x_now, height - axis_height + 6);
    axis(out, sc, height, x_now);
    if (tl.keys.empty())
        out += fmt::format("<text class=\"empty\" x=\"{}\" y=\"{}\">no keys yet</text>",
                           label_width + 8, axis_height + 16);
    double y = axis_height;
    for (const auto& k : tl.keys) {
        out += fmt::format("<g class=\"key {}\" data-key=\"{}\" data-role=\"{}\">",
                           k.kind == TimelineKeyKind::current   ? "current"
                           : k.kind == TimelineKeyKind::removed ? "removed"
                                                                : "projected",
                           key_ref(k), rollover::name(k.key.role));
        out += fmt::format("<text class=\"keyname\" x=\"4\" y=\"{:.1f}\">{}{}</text>", y + 12,
                           html_escape(timeline_key_label(k)),
                           k.goal ? fmt::format(" \u2192 {}", rollover::name(*k.goal)) : "");
        y += key_height;
        for (const auto& band : k.bands) {
            // One title per row (what a pointer over any of its bars shows): its whole story.
            out += fmt::format(
                "<g class=\"band\" data-key=\"{}\" data-record=\"{}\"><title>{}</title>"
                "<text class=\"record\" x=\"{}\" y=\"{:g}\">{}</text>",
                key_ref(k), rollover::name(band.record), html_escape(band_title(k, band)),
                label_width - 6, y + row_height - 2, timeline_record_label(band.record));
            for (const auto& s : band.stretches) {
                double x0 = sc.x(s.from), x1 = sc.x(s.to);
                bool hidden = s.state == rollover::RecordState::hidden;
                out += fmt::format(
                    "<rect class=\"s-{}{}{}\" x=\"{:.1f}\" y=\"{:g}\" width=\"{:.1f}\" "
                    "height=\"{}\" "
                    "data-from=\"{}\" data-to=\"{}\"/>",
                    rollover::name(s.state), s.pending ? " pending" : "",
                    s.projected ? " projected" : "", x0, hidden ? y + row_height / 2 - 1 : y,
                    x1 - x0, hidden ? 2 : row_height, s.from.time_since_epoch().count(),
                    s.to.time_since_epoch().count());
            }
            for (const auto& w : status.waiting) {
                if (k.kind != TimelineKeyKind::current || w.key != k.key.id ||
                    w.record != band.record)
                    continue;
                double x = w.gate == rollover::Gate::time && w.until ? sc.x(*w.until) : x_now;
                out += fmt::format(
                    "<circle class=\"wait gate-{}\" cx=\"{:.1f}\" cy=\"{:g}\" "
                    "r=\"5\"><title>{}</title>"
                    "</circle>",
                    rollover::name(w.gate), x, y + row_height / 2,
                    html_escape(fmt::format("waits ({}): {}", rollover::name(w.gate), w.why)));
            }
            out += "</g>";
            y += row_height + row_gap;
        }
        y += key_gap;
        out += "</g>";
    }
    out += fmt::format(
        "<line class=\"now\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
        "<text class=\"nowlabel\" x=\"{0:.1f}\" y=\"{3}\">now</text>",
        x_now, axis_height - 8, height, axis_height - 10);
    out += "</svg>";
    return out;
}

}  // namespace zw::app
