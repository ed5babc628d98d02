#pragma once
// Reads master-file text back with libzscanner, the scanner Knot's loader uses: for
// checking text that zonewarden wrote (every name in it absolute) against the records it
// was written from, and for tests that hold the writer to what servers read.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "base/error.h"

namespace zw::zones {

struct ScannedRecord {
    std::span<const std::uint8_t> owner;  // wire form, as written (no case folding)
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    std::span<const std::uint8_t> rdata;
    std::uint64_t line = 0;  // in the text given to scan()
};

// One scanner, reused from text to text (it holds buffers of a few hundred KB).
class TextScanner {
  public:
    TextScanner();
    ~TextScanner();
    TextScanner(const TextScanner&) = delete;
    TextScanner& operator=(const TextScanner&) = delete;

    // Calls record() for each record in text (class IN, origin the root) until it returns
    // false; a syntax error is a bad_input error naming the line and the scanner's reason.
    [[nodiscard]] Result<void> scan(std::string_view text,
                                    const std::function<bool(const ScannedRecord&)>& record);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace zw::zones
