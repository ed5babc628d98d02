// Coverage for libFuzzer from GCC's instrumentation. Debian 12's clang 14 cannot compile
// zonewarden (libstdc++ 12 enables std::expected only for compilers with C++20 concepts
// complete, which clang gets in version 16), so the fuzz build compiles the project with
// GCC's -fsanitize-coverage=trace-pc,trace-cmp and links clang's libFuzzer runtime. GCC
// calls __sanitizer_cov_trace_pc() at every basic block; libFuzzer 14 no longer reads
// that callback, so this file gives each distinct calling block a slot of its own among
// libFuzzer's inline 8-bit counters (and the block's address in the PC table, for
// libFuzzer's `cov:` count and -print_pcs). The comparison callbacks (trace-cmp) go to
// libFuzzer directly. Built without instrumentation itself (fuzz/CMakeLists.txt).

#include <atomic>
#include <cstddef>
#include <cstdint>

extern "C" void __sanitizer_cov_8bit_counters_init(std::uint8_t* start, std::uint8_t* stop);
extern "C" void __sanitizer_cov_pcs_init(const std::uintptr_t* start, const std::uintptr_t* stop);

namespace {

// More distinct blocks than any one target reaches; the counters are scanned after every
// input, so the table stays small enough for that to be cheap.
constexpr std::size_t slots = std::size_t{1} << 17;
constexpr int slot_shift = 64 - 17;

std::atomic<std::uintptr_t> block_of_slot[slots];
std::uint8_t counters[slots];
std::uintptr_t pc_table[2 * slots];  // libFuzzer's {PC, flags} pairs

struct Registration {
    Registration() {
        __sanitizer_cov_8bit_counters_init(counters, counters + slots);
        __sanitizer_cov_pcs_init(pc_table, pc_table + 2 * slots);
    }
} registration;

}  // namespace

// Open addressing on the block's address: the first caller of a block claims a free slot,
// so two blocks never share a counter (until the table is full, when the last slot
// probed is shared).
extern "C" __attribute__((no_sanitize("address", "undefined"))) void __sanitizer_cov_trace_pc() {
    const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
    std::size_t slot = static_cast<std::size_t>((pc * 0x9E3779B97F4A7C15ull) >> slot_shift);
    for (std::size_t probes = 0; probes < 64; ++probes, slot = (slot + 1) & (slots - 1)) {
        std::uintptr_t seen = block_of_slot[slot].load(std::memory_order_relaxed);
        if (seen == pc) break;
        if (seen == 0) {
            if (block_of_slot[slot].compare_exchange_strong(seen, pc, std::memory_order_relaxed)) {
                pc_table[2 * slot] = pc;
                break;
            }
            if (seen == pc) break;
        }
    }
    if (counters[slot] != 0xff) ++counters[slot];
}

// GCC's trace-cmp also reports floating-point comparisons, which libFuzzer has no use for.
extern "C" void __sanitizer_cov_trace_cmpf(float, float) {}
extern "C" void __sanitizer_cov_trace_cmpd(double, double) {}
