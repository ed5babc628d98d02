#pragma once
// A 64-bit digest of a chunk of zone text, taken when the chunk is formatted and again
// when a later incremental run copies it from the output file: text edited in place (same
// size, inode and modification time) no longer matches and is formatted afresh instead.
//
// It detects changes, it does not authenticate: whoever can edit the output can edit the
// state beside it too. Two multiply-xorshift lanes over 16 octets a step run at several
// GB/s, so checking the 400 MB of a 1M-record zone's text costs a fraction of a second
// where SHA-256 would take a quarter of an incremental run.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace zw::signer {

[[nodiscard]] inline std::uint64_t text_digest(std::string_view text) {
    constexpr std::uint64_t k1 = 0x9e3779b97f4a7c15ULL, k2 = 0xc2b2ae3d27d4eb4fULL;
    // Odd multipliers and a xorshift: each step is a bijection of the lane, so a change to
    // one word always changes the lane.
    auto mix = [](std::uint64_t x, std::uint64_t k) {
        x *= k;
        return x ^ (x >> 29);
    };
    std::uint64_t a = k1 ^ text.size(), b = k2;
    const char* p = text.data();
    std::size_t left = text.size();
    for (; left >= 16; p += 16, left -= 16) {
        std::uint64_t w1 = 0, w2 = 0;
        std::memcpy(&w1, p, 8);
        std::memcpy(&w2, p + 8, 8);
        a = mix(a ^ w1, k1);
        b = mix(b ^ w2, k2);
    }
    std::uint64_t tail[2] = {0, 0};
    std::memcpy(tail, p, left);
    a = mix(a ^ tail[0], k1);
    b = mix(b ^ tail[1], k2);
    return mix(a ^ std::rotl(b, 32), k2) ^ mix(b, k1);
}

}  // namespace zw::signer
