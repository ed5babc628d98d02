#include "zones/text_scan.h"

#include <fmt/format.h>
// libzscanner's headers lack C++ linkage guards.
extern "C" {
#include <libzscanner/scanner.h>
}

namespace zw::zones {

struct TextScanner::State {
    zs_scanner_t scanner{};
    bool initialised = false;
};

TextScanner::TextScanner() : state_(std::make_unique<State>()) {}

TextScanner::~TextScanner() {
    if (state_->initialised) zs_deinit(&state_->scanner);
}

Result<void> TextScanner::scan(std::string_view text,
                               const std::function<bool(const ScannedRecord&)>& record) {
    zs_scanner_t* s = &state_->scanner;
    if (state_->initialised) zs_deinit(s);
    state_->initialised = zs_init(s, ".", 1, 0) == 0;
    if (!state_->initialised) return fail(internal_error("cannot initialise the zone scanner"));
    if (zs_set_input_string(s, text.data(), text.size()) != 0) {
        return fail(internal_error("cannot give text to the zone scanner"));
    }
    while (zs_parse_record(s) == 0) {
        switch (s->state) {
            case ZS_STATE_DATA: {
                const ScannedRecord r{{s->r_owner, s->r_owner_length},
                                      s->r_type,
                                      s->r_ttl,
                                      {s->r_data, s->r_data_length},
                                      s->line_counter};
                if (!record(r)) return {};
                break;
            }
            case ZS_STATE_ERROR:
                return fail(bad_input(
                    fmt::format("line {}: {}", s->line_counter, zs_strerror(s->error.code))));
            case ZS_STATE_INCLUDE:
                return fail(bad_input(fmt::format(
                    "line {}: $INCLUDE in text that must hold records only", s->line_counter)));
            case ZS_STATE_NONE:
                break;
            case ZS_STATE_EOF:
            case ZS_STATE_STOP:
                return {};
        }
    }
    if (s->state == ZS_STATE_ERROR) {
        return fail(
            bad_input(fmt::format("line {}: {}", s->line_counter, zs_strerror(s->error.code))));
    }
    return {};
}

}  // namespace zw::zones
