#include "app/bulk_heap.h"

#include <algorithm>
#include <climits>
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace zw::app {

namespace {

constexpr std::uint64_t huge_page = 2u << 20;

}  // namespace

std::jthread prepare_heap_for_bulk_work(std::uint64_t expected_bytes,
                                        std::uint64_t prefault_bytes) {
#if defined(__GLIBC__)
    if (!bulk_heap_applies) return {};
    // Everything from the brk heap, nothing handed back: large vectors grow in place of
    // freed ones instead of being mapped and unmapped page by page.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    mallopt(M_TOP_PAD, 64 << 20);
    // The reservation must stay below the trim threshold, or freeing it gives it back.
    const std::uint64_t ram =
        std::uint64_t(sysconf(_SC_PHYS_PAGES)) * std::uint64_t(sysconf(_SC_PAGESIZE));
    const std::uint64_t reserve =
        std::min({expected_bytes, ram / 4, std::uint64_t(INT_MAX) / 8 * 7});
    if (reserve < 16 * huge_page) return {};
    void* block = std::malloc(reserve);
    if (block == nullptr) return {};
    // Untouched, the reservation costs no memory; the advice makes later faults in it
    // map 2 MiB at a time.
    auto begin = (reinterpret_cast<std::uint64_t>(block) + huge_page - 1) & ~(huge_page - 1);
    auto end = (reinterpret_cast<std::uint64_t>(block) + reserve) & ~(huge_page - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    std::free(block);
    // The freed reservation stays mapped (nothing is trimmed), so faulting it in while
    // the allocator hands it out is safe: MADV_POPULATE_WRITE never changes contents.
    const std::uint64_t until = std::min(end, begin + prefault_bytes / huge_page * huge_page);
    if (until <= begin) return {};
    return std::jthread([begin, until](std::stop_token stop) {
        for (std::uint64_t at = begin; at < until && !stop.stop_requested(); at += huge_page) {
            if (madvise(reinterpret_cast<void*>(at), huge_page, MADV_POPULATE_WRITE) != 0) return;
        }
    });
#else
    (void)expected_bytes;
    (void)prefault_bytes;
    return {};
#endif
}

}  // namespace zw::app
