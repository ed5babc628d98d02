#pragma once
// Heap settings for a process that builds one large zone, signs it and exits.

#include <cstdint>
#include <thread>

namespace zw::app {

// False under sanitizers, which replace the allocator, and without glibc: then
// prepare_heap_for_bulk_work does nothing.
#if !defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool bulk_heap_applies = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool bulk_heap_applies = false;
#else
inline constexpr bool bulk_heap_applies = true;
#endif
#else
inline constexpr bool bulk_heap_applies = true;
#endif

// A 1M-record zone is millions of small allocations made once and freed at exit. With
// glibc's defaults each 4 KiB page of them costs a page fault (expensive under a
// hypervisor) and large vectors are mmapped and unmapped as they grow, which together
// would be about half of an incremental run. This reserves address space for about `expected_bytes`
// of heap backed by transparent huge pages (where the kernel offers them on request) and
// keeps freed memory in the process. Only for one-shot runs: the memory is never given
// back to the system before exit.
//
// With prefault_bytes, a thread faults in that much of the reservation from its start,
// where allocations are carved in order, while the caller works on its other core: the
// returned thread stops when it is destroyed. Faulting fresh memory in is the largest
// cost of a mostly single-threaded run under a hypervisor (docs/signer.md).
[[nodiscard]] std::jthread prepare_heap_for_bulk_work(std::uint64_t expected_bytes,
                                                      std::uint64_t prefault_bytes = 0);

}  // namespace zw::app
