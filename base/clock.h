#pragma once
// The one place that reads the wall clock. Logic takes `Instant now` as a parameter; only
// app/ asks a Clock, so tests can substitute a fake one.

#include "base/duration.h"

namespace zw {

class Clock {
  public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
  public:
    [[nodiscard]] Instant now() const override {
        return std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now());
    }
};

// Elapsed wall time for statistics (never for decisions).
class Stopwatch {
  public:
    Stopwatch() : start_(std::chrono::steady_clock::now()) {}
    [[nodiscard]] double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

  private:
    std::chrono::steady_clock::time_point start_;
};

// For tests: time moves only when told to.
class FakeClock final : public Clock {
  public:
    explicit FakeClock(Instant start) : now_(start) {}
    [[nodiscard]] Instant now() const override { return now_; }
    void advance(Seconds d) { now_ += d; }
    void set(Instant t) { now_ = t; }

  private:
    Instant now_;
};

}  // namespace zw
