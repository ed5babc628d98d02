#pragma once
// Runs fn(begin, end, worker) over [0, n) on up to `threads` threads, handing out chunks
// from an atomic counter so uneven work (big RSA RRsets beside small ones) balances.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace zw::signer {

template <typename Fn>
void parallel_chunks(std::size_t n, unsigned threads, std::size_t chunk, Fn fn) {
    threads = std::max(
        1u, std::min<unsigned>(
                threads, static_cast<unsigned>((n + chunk - 1) / std::max<std::size_t>(chunk, 1))));
    std::atomic<std::size_t> next{0};
    auto worker = [&](unsigned index) {
        for (;;) {
            std::size_t begin = next.fetch_add(chunk);
            if (begin >= n) return;
            fn(begin, std::min(n, begin + chunk), index);
        }
    };
    if (threads <= 1) {
        worker(0);
        return;
    }
    std::vector<std::jthread> pool;
    pool.reserve(threads - 1);
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back(worker, i);
    worker(0);
}

}  // namespace zw::signer
