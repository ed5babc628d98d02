#include "dns/nsec3.h"

#include <openssl/evp.h>

#include "dns/rdata.h"

namespace zw::dns {

Bytes nsec3_hash(const Name& name, std::span<const std::uint8_t> salt, std::uint16_t iterations) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    Bytes input(name.bytes().begin(), name.bytes().end());
    input.insert(input.end(), salt.begin(), salt.end());
    EVP_Digest(input.data(), input.size(), md, &len, EVP_sha1(), nullptr);
    for (std::uint16_t k = 0; k < iterations; ++k) {
        input.assign(md, md + len);
        input.insert(input.end(), salt.begin(), salt.end());
        EVP_Digest(input.data(), input.size(), md, &len, EVP_sha1(), nullptr);
    }
    return Bytes(md, md + len);
}

std::optional<Nsec3Fields> parse_nsec3(std::span<const std::uint8_t> r) {
    if (r.size() < 5) return std::nullopt;
    Nsec3Fields f;
    f.hash_algorithm = r[0];
    f.flags = r[1];
    f.iterations = read_u16(r.data() + 2);
    std::size_t salt_len = r[4];
    if (r.size() < 6 + salt_len) return std::nullopt;
    f.salt = r.subspan(5, salt_len);
    std::size_t hash_len = r[5 + salt_len];
    if (hash_len == 0 || r.size() < 6 + salt_len + hash_len) return std::nullopt;
    f.next_hash = r.subspan(6 + salt_len, hash_len);
    f.bitmap = r.subspan(6 + salt_len + hash_len);
    return f;
}

}  // namespace zw::dns
