#pragma once
// Progress of a long command (sign of a large zone, onboard of many zones) on the
// operator's terminal: one line on stderr, redrawn in place a few times a second, with
// the rate and an estimate of the time left. Only when stderr is a terminal: in a pipe,
// a log or a unit's journal it draws nothing, so their output stays as it was.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace zw::app {

// What a job reports: what it does now ("signing example.test."), how much of how much
// (total 0: not known), and in which unit.
struct ProgressState {
    std::string what;
    std::uint64_t done = 0;
    std::uint64_t total = 0;
    std::string_view unit;
};

// "zonewarden: signing x.: 41,000/120,000 signatures (34%), 20,500/s, about 4s left";
// the rate and the estimate from `seconds` spent on this `what` so far.
[[nodiscard]] std::string progress_text(const ProgressState& s, double seconds);

[[nodiscard]] bool stderr_is_terminal();

class ProgressLine {
  public:
    using Source = std::function<ProgressState()>;
    // Asks `source` for the state at each redraw (every 200 ms, from a thread of its own).
    explicit ProgressLine(Source source, bool enabled = stderr_is_terminal());
    ~ProgressLine();  // clears the line
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // Prints text (whole lines) to `to` without tearing the progress line.
    void print(std::FILE* to, std::string_view text);

  private:
    void draw();
    void clear();
    void run();

    Source source_;
    bool enabled_;
    std::mutex mu_;
    std::condition_variable wake_;
    bool stop_ = false;
    bool shown_ = false;
    std::string last_what_;
    std::chrono::steady_clock::time_point what_since_;
    std::chrono::steady_clock::time_point last_draw_;
    std::thread ticker_;
};

}  // namespace zw::app
