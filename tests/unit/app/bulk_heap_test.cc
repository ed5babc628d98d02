#include "app/bulk_heap.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace zw::app {
namespace {

// The VmFlags of the mapping of /proc/self/smaps that holds addr, or "" if none does.
std::string vm_flags_at(const void* addr) {
    const auto a = reinterpret_cast<std::uintptr_t>(addr);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t begin = 0, end = 0;
        char dash = 0;
        std::istringstream range(line);
        if (range >> std::hex >> begin >> dash >> end && dash == '-') {
            inside = a >= begin && a < end;
        } else if (inside && line.rfind("VmFlags:", 0) == 0) {
            return line;
        }
    }
    return "";
}

// Each case runs in a child process: the settings are process-wide and permanent.
TEST(BulkHeap, LargeZoneMemoryComesFromHugePageAdvisedHeap) {
    if (!bulk_heap_applies)
        GTEST_SKIP() << "sanitizers replace the allocator; the settings are not applied";
    if (!std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled"))
        GTEST_SKIP() << "no THP";
    EXPECT_EXIT(
        {
            auto prefaulting = prepare_heap_for_bulk_work(std::uint64_t{512} << 20);
            // Larger than glibc's default mmap threshold: without the settings it would be
            // a mapping of its own, outside the advised heap.
            auto* block = static_cast<char*>(std::malloc(std::size_t{64} << 20));
            std::memset(block, 1, std::size_t{64} << 20);
            std::string flags = vm_flags_at(block + (std::size_t{32} << 20));
            std::exit(flags.find(" hg") != std::string::npos ? 0 : 1);
        },
        testing::ExitedWithCode(0), "");
}

TEST(BulkHeap, SmallZoneReservesNothingAndMallocStillWorks) {
    if (!bulk_heap_applies)
        GTEST_SKIP() << "sanitizers replace the allocator; the settings are not applied";
    EXPECT_EXIT(
        {
            auto prefaulting = prepare_heap_for_bulk_work(4096);
            auto* block = static_cast<char*>(std::malloc(std::size_t{8} << 20));
            std::memset(block, 1, std::size_t{8} << 20);
            std::string flags = vm_flags_at(block + (std::size_t{4} << 20));
            std::free(block);
            std::exit(!flags.empty() && flags.find(" hg") == std::string::npos ? 0 : 1);
        },
        testing::ExitedWithCode(0), "");
}

std::uint64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

// The prefaulting thread makes the start of the reservation resident while memory from
// it is already handed out and written: what was written stays.
TEST(BulkHeap, PrefaultingMakesTheReservationResidentAndLeavesContentsAlone) {
    if (!bulk_heap_applies)
        GTEST_SKIP() << "sanitizers replace the allocator; the settings are not applied";
    EXPECT_EXIT(
        {
            const std::uint64_t before = resident_bytes();
            auto prefaulting =
                prepare_heap_for_bulk_work(std::uint64_t{512} << 20, std::uint64_t{96} << 20);
            const std::size_t n = std::size_t{16} << 20;
            auto* block = static_cast<unsigned char*>(std::malloc(n));
            std::memset(block, 0x5a, n);
            prefaulting.join();
            const bool resident = resident_bytes() - before >= (std::uint64_t{88} << 20);
            bool intact = true;
            for (std::size_t i = 0; i < n; ++i) intact = intact && block[i] == 0x5a;
            std::exit(resident && intact ? 0 : 1);
        },
        testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace zw::app
