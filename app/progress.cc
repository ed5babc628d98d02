#include "app/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

namespace zw::app {

namespace {

// 1234567 -> "1,234,567"
std::string grouped(std::uint64_t n) {
    std::string digits = fmt::format("{}", n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string clock_text(double seconds) {
    auto s = static_cast<long>(seconds + 0.5);
    if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
    if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}s", s);
}

}  // namespace

std::string progress_text(const ProgressState& s, double seconds) {
    std::string out = fmt::format("zonewarden: {}", s.what);
    if (s.total == 0 && s.done == 0) return fmt::format("{} ({})", out, clock_text(seconds));
    out += fmt::format(": {}", grouped(s.done));
    if (s.total > 0)
        out += fmt::format("/{} {} ({}%)", grouped(s.total), s.unit,
                           s.done * 100 / std::max<std::uint64_t>(s.total, 1));
    else
        out += fmt::format(" {}", s.unit);
    if (seconds < 0.1 || s.done == 0) return out + ", starting";
    double rate = static_cast<double>(s.done) / seconds;
    out += rate >= 10 ? fmt::format(", {}/s", grouped(static_cast<std::uint64_t>(rate)))
                      : fmt::format(", {:.1f}/s", rate);
    if (s.total > s.done) {
        double left = static_cast<double>(s.total - s.done) / rate;
        out +=
            left < 1 ? ", under a second left" : fmt::format(", about {} left", clock_text(left));
    }
    return out;
}

bool stderr_is_terminal() {
    const char* term = std::getenv("TERM");
    return ::isatty(STDERR_FILENO) == 1 && !(term && std::string_view(term) == "dumb");
}

ProgressLine::ProgressLine(Source source, bool enabled)
    : source_(std::move(source)), enabled_(enabled), last_draw_(std::chrono::steady_clock::now()) {
    if (enabled_) ticker_ = std::thread([this] { run(); });
}

ProgressLine::~ProgressLine() {
    if (!enabled_) return;
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    wake_.notify_all();
    ticker_.join();
    std::lock_guard lock(mu_);
    clear();
}

void ProgressLine::run() {
    std::unique_lock lock(mu_);
    while (!stop_) {
        if (wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; })) break;
        draw();
    }
}

void ProgressLine::draw() {
    ProgressState s = source_();
    auto now = std::chrono::steady_clock::now();
    // A job's step began at some point since the previous redraw (the first one, since the
    // line was made): counting from there, the first redraw of a step already has a rate,
    // which a short job needs, since it may be drawn only once or twice.
    if (s.what != last_what_) {
        last_what_ = s.what;
        what_since_ = last_draw_;
    }
    last_draw_ = now;
    std::string line = progress_text(s, std::chrono::duration<double>(now - what_since_).count());
    // Carriage return, the text, erase to the end of the line: redrawn in place.
    fmt::print(stderr, "\r{}\x1b[K", line);
    std::fflush(stderr);
    shown_ = true;
}

void ProgressLine::clear() {
    if (!shown_) return;
    fmt::print(stderr, "\r\x1b[K");
    std::fflush(stderr);
    shown_ = false;
}

void ProgressLine::print(std::FILE* to, std::string_view text) {
    std::lock_guard lock(mu_);
    clear();
    fmt::print(to, "{}", text);
    std::fflush(to);
}

}  // namespace zw::app
