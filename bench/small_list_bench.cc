// The lists of an RRset (its RDATAs and its signatures) as the zone model holds them:
// base/inline_vector.h against boost::container::small_vector<T, 1>, on N RRsets of the
// usual hosting shape (one RDATA, one or two signatures each). Prints the size of an
// RRset, the time to fill and to walk them, and the memory they took (resident set
// growth). One kind per process, so that the allocator starts fresh each time:
//
//   zw_small_list_bench inline|boost [N]       (N default 1,000,000)
//
// bench/README.md ("Small lists") has the results and the command that alternates them.

#include <fmt/format.h>
#include <unistd.h>
#include <boost/container/small_vector.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/inline_vector.h"
#include "dns/rr.h"
#include "zones/signature.h"

namespace {

template <template <typename> class List>
struct RRset {
    std::uint16_t type = 1;
    std::uint32_t ttl = 300;
    List<zw::dns::Bytes> rdatas;
    std::uint64_t where = 0;
    List<zw::zones::Signature> signatures;
};

template <typename T>
using Inline = zw::InlineVector<T>;
template <typename T>
using Boost = boost::container::small_vector<T, 1>;

long resident_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

template <template <typename> class List>
int run(std::string_view kind, std::size_t n) {
    static const std::array<std::uint8_t, 64> signature_bytes{};
    const long before = resident_kib();
    auto t0 = std::chrono::steady_clock::now();
    std::vector<RRset<List>> sets(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto& set = sets[i];
        set.rdatas.push_back(zw::dns::Bytes{192, 0, 2, static_cast<std::uint8_t>(i)});
        set.signatures.push_back(zw::zones::Signature::borrowed(signature_bytes));
        if (i % 4 == 0)  // a DNSKEY or a set signed by two keys
            set.signatures.push_back(zw::zones::Signature::borrowed(signature_bytes));
    }
    const double fill = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    std::uint64_t bytes = 0;
    for (const auto& set : sets) {
        for (const auto& rdata : set.rdatas) bytes += rdata.size();
        for (const auto& signature : set.signatures) bytes += signature.size();
    }
    const double walk = seconds_since(t0);
    const long grown = resident_kib() - before;
    fmt::print(
        "{:6} sizeof(RRset) {:3} B  fill {:.3f} s  walk {:.3f} s  memory {:.1f} MiB  ({} bytes)\n",
        kind, sizeof(RRset<List>), fill, walk, static_cast<double>(grown) / 1024, bytes);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view kind = argc > 1 ? argv[1] : "";
    const std::size_t n = argc > 2 ? std::stoul(argv[2]) : 1'000'000;
    if (kind == "inline") return run<Inline>(kind, n);
    if (kind == "boost") return run<Boost>(kind, n);
    std::fprintf(stderr, "usage: zw_small_list_bench inline|boost [N]\n");
    return 2;
}
