#pragma once
// Where the records of a state read from disk lie: in a full state file (the base), and,
// after runs that changed little, in a delta beside it that holds only what changed and
// names the base records that are still the zone's (signing_state.h). The next run's
// state is written against the same base while its changes stay small.

#include <array>
#include <cstdint>
#include <vector>

#include "signer/text_index.h"

namespace zw::signer {

struct StateBase {
    FileIdentity file;                      // the base file as it was read
    std::array<std::uint8_t, 32> digest{};  // its closing SHA-256, which a delta names it by
    std::uint64_t records = 0;              // in the base
    std::uint64_t bytes = 0;                // the base file's size
    // The state's records that are base records, in order: records [at, at + count) of
    // the state are records [base_at, base_at + count) of the base.
    struct Run {
        std::uint64_t at = 0, count = 0, base_at = 0;
    };
    std::vector<Run> runs;
};

}  // namespace zw::signer
