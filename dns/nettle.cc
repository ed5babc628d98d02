#include "dns/nettle.h"

#include <openssl/crypto.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "dns/dnssec.h"

namespace zw::dns {

const ecc_curve* nettle_curve(std::uint8_t algorithm) {
    switch (algorithm) {
        case alg::ecdsap256sha256:
            return nettle_get_secp_256r1();
        case alg::ecdsap384sha384:
            return nettle_get_secp_384r1();
        default:
            return nullptr;
    }
}

void limbs_from_octets(std::span<const std::uint8_t> octets, std::span<mp_limb_t> limbs) {
    std::fill(limbs.begin(), limbs.end(), mp_limb_t{0});
    std::size_t bit = 0;
    for (std::size_t i = octets.size(); i-- > 0; bit += 8) {
        const std::size_t limb = bit / GMP_NUMB_BITS;
        if (limb < limbs.size()) limbs[limb] |= mp_limb_t{octets[i]} << (bit % GMP_NUMB_BITS);
    }
}

void octets_from_limbs(std::span<const mp_limb_t> limbs, std::span<std::uint8_t> octets) {
    std::size_t bit = 0;
    for (std::size_t i = octets.size(); i-- > 0; bit += 8) {
        const std::size_t limb = bit / GMP_NUMB_BITS;
        octets[i] = limb < limbs.size()
                        ? static_cast<std::uint8_t>(limbs[limb] >> (bit % GMP_NUMB_BITS))
                        : 0;
    }
}

void wipe(void* data, std::size_t size) {
    if (data && size) OPENSSL_cleanse(data, size);
}

void wipe(std::span<mp_limb_t> limbs) { wipe(limbs.data(), limbs.size_bytes()); }

void wipe(mpz_t number) {
    // GMP's own layout (gmp.h): _mp_d points at _mp_alloc limbs.
    wipe(number->_mp_d, static_cast<std::size_t>(number->_mp_alloc) * sizeof(mp_limb_t));
}

namespace {

void* gmp_alloc(std::size_t size) {
    void* p = std::malloc(size);
    if (!p) std::abort();  // GMP's own allocator aborts too: it cannot report failure
    return p;
}

void* gmp_realloc(void* old, std::size_t old_size, std::size_t new_size) {
    void* p = gmp_alloc(new_size);
    std::memcpy(p, old, std::min(old_size, new_size));
    wipe(old, old_size);
    std::free(old);
    return p;
}

void gmp_free(void* p, std::size_t size) {
    wipe(p, size);
    std::free(p);
}

}  // namespace

void wipe_gmp_memory_on_free() {
    static std::once_flag once;
    std::call_once(once, [] { mp_set_memory_functions(gmp_alloc, gmp_realloc, gmp_free); });
}

}  // namespace zw::dns
