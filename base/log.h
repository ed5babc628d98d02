#pragma once
// Structured log events: a name and key=value fields. Pure layers do not log; they return
// data. Sinks are injected. Never put key material or credentials in a field.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zw {

enum class LogLevel { debug, info, warning, error };

struct LogField {
    std::string key;
    std::string value;
};

class LogSink {
  public:
    virtual ~LogSink() = default;
    virtual void event(LogLevel level, std::string_view name, std::vector<LogField> fields) = 0;
};

// Discards everything; for callers that do not care.
class NullLogSink final : public LogSink {
  public:
    void event(LogLevel, std::string_view, std::vector<LogField>) override {}
};

}  // namespace zw
