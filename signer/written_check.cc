#include "signer/written_check.h"

#include <fmt/format.h>

#include <algorithm>

#include "dns/rr.h"

namespace zw::signer {

Result<void> WrittenRecords::check(std::string_view text, zones::TextScanner& scanner) const {
    std::size_t next = 0;
    std::optional<Error> problem;
    auto describe = [](const Expected& e) {
        return fmt::format("{} {}", e.owner->to_text(), dns::type_to_text(e.type));
    };
    auto scanned = scanner.scan(text, [&](const zones::ScannedRecord& r) {
        if (next == records_.size()) {
            problem = internal_error(fmt::format(
                "the written text holds more records than were signed (line {})", r.line));
            return false;
        }
        const Expected& e = records_[next++];
        const auto owner = e.owner->bytes();
        if (!std::ranges::equal(r.owner, owner) || r.type != e.type || r.ttl != e.ttl ||
            !std::ranges::equal(r.rdata, e.rdata)) {
            problem = internal_error(
                fmt::format("the text written for {} reads back as different data", describe(e)));
            return false;
        }
        return true;
    });
    if (!scanned) {
        const std::string which =
            next < records_.size() ? describe(records_[next]) : std::string("the end of the text");
        return fail(internal_error(fmt::format("the text written near {} does not read back: {}",
                                               which, scanned.error().message)));
    }
    if (problem) return fail(*problem);
    if (next != records_.size()) {
        return fail(
            internal_error(fmt::format("the written text lacks {} (and {} more)",
                                       describe(records_[next]), records_.size() - next - 1)));
    }
    return {};
}

}  // namespace zw::signer
