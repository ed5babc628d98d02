#include "dns/dnssec.h"

#include <fmt/format.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "dns/rdata.h"

namespace zw::dns {

namespace {

struct AlgorithmName {
    std::uint8_t number;
    std::string_view mnemonic;
};

constexpr std::array<AlgorithmName, 5> supported_algorithms{{
    {alg::rsasha256, "RSASHA256"},
    {alg::ecdsap256sha256, "ECDSAP256SHA256"},
    {alg::ecdsap384sha384, "ECDSAP384SHA384"},
    {alg::ed25519, "ED25519"},
    {alg::ed448, "ED448"},
}};

// Known but not signed with: named in messages so an operator sees what was refused.
constexpr std::array<AlgorithmName, 7> other_algorithms{{
    {1, "RSAMD5"},
    {3, "DSA"},
    {5, "RSASHA1"},
    {6, "DSA-NSEC3-SHA1"},
    {7, "RSASHA1-NSEC3-SHA1"},
    {10, "RSASHA512"},
    {12, "ECC-GOST"},
}};

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    return out;
}

}  // namespace

bool algorithm_supported(std::uint8_t algorithm) {
    return std::ranges::any_of(supported_algorithms,
                               [&](const auto& a) { return a.number == algorithm; });
}

std::string algorithm_mnemonic(std::uint8_t algorithm) {
    for (const auto& a : supported_algorithms)
        if (a.number == algorithm) return std::string(a.mnemonic);
    for (const auto& a : other_algorithms)
        if (a.number == algorithm) return std::string(a.mnemonic);
    return fmt::format("ALG{}", algorithm);
}

Result<std::uint8_t> algorithm_from_text(std::string_view text) {
    std::string u = upper(text);
    std::optional<std::uint8_t> number;
    if (!u.empty() &&
        std::all_of(u.begin(), u.end(), [](unsigned char c) { return std::isdigit(c); }) &&
        u.size() <= 3 && std::stoi(u) <= 255) {
        number = static_cast<std::uint8_t>(std::stoi(u));
    }
    for (const auto& a : supported_algorithms) {
        if (u == a.mnemonic || number == a.number) return a.number;
    }
    std::string names;
    for (const auto& a : supported_algorithms)
        names += fmt::format("{}{} ({})", names.empty() ? "" : ", ", a.mnemonic, a.number);
    for (const auto& a : other_algorithms) {
        if (u == a.mnemonic || number == a.number) {
            return fail(bad_input(
                fmt::format("algorithm {} ({}) is not supported for signing; use one of: {}",
                            a.mnemonic, a.number, names)));
        }
    }
    return fail(bad_input(fmt::format("unknown algorithm '{}'; use one of: {}", text, names)));
}

Bytes Dnskey::rdata() const {
    Bytes out;
    out.reserve(4 + public_key.size());
    put_u16(out, flags);
    out.push_back(protocol);
    out.push_back(algorithm);
    out.insert(out.end(), public_key.begin(), public_key.end());
    return out;
}

Result<Dnskey> Dnskey::from_rdata(const Bytes& rdata) {
    if (rdata.size() < 5) return fail(bad_input("DNSKEY RDATA too short"));
    Dnskey k;
    k.flags = read_u16(rdata.data());
    k.protocol = rdata[2];
    k.algorithm = rdata[3];
    k.public_key.assign(rdata.begin() + 4, rdata.end());
    return k;
}

std::uint16_t key_tag(const Bytes& dnskey_rdata) {
    return ldns_calc_keytag_raw(dnskey_rdata.data(), dnskey_rdata.size());
}

Result<RsaPublicKey> split_rsa_public_key(std::span<const std::uint8_t> field) {
    if (field.size() < 3) return fail(bad_input("RSA public key too short"));
    std::size_t at = 1, exponent_length = field[0];
    if (exponent_length == 0) {  // a two-octet length follows
        exponent_length = read_u16(field.data() + 1);
        at = 3;
    }
    if (exponent_length == 0 || at + exponent_length >= field.size())
        return fail(bad_input("RSA public key too short"));
    return RsaPublicKey{field.subspan(at, exponent_length), field.subspan(at + exponent_length)};
}

namespace {

const EVP_MD* ds_digest(std::uint8_t digest_type) {
    switch (digest_type) {
        case digest::sha1:
            return EVP_sha1();
        case digest::sha256:
            return EVP_sha256();
        case digest::sha384:
            return EVP_sha384();
        default:
            return nullptr;
    }
}

}  // namespace

std::optional<std::size_t> ds_digest_size(std::uint8_t digest_type) {
    const EVP_MD* md = ds_digest(digest_type);
    if (!md) return std::nullopt;
    return static_cast<std::size_t>(EVP_MD_get_size(md));
}

Result<Bytes> ds_rdata(const Name& owner, const Bytes& dnskey_rdata, std::uint8_t digest_type) {
    const EVP_MD* md = ds_digest(digest_type);
    if (!md) return fail(bad_input(fmt::format("unsupported DS digest type {}", digest_type)));
    auto key = Dnskey::from_rdata(dnskey_rdata);
    if (!key) return fail(key.error());
    // RFC 4034 §5.1.4: digest = hash(owner name in canonical form | DNSKEY RDATA).
    Bytes input(owner.bytes().begin(), owner.bytes().end());
    input.insert(input.end(), dnskey_rdata.begin(), dnskey_rdata.end());
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> hash{};
    unsigned int hash_len = 0;
    if (EVP_Digest(input.data(), input.size(), hash.data(), &hash_len, md, nullptr) != 1) {
        return fail(internal_error("digest computation failed"));
    }
    Bytes out;
    put_u16(out, key_tag(dnskey_rdata));
    out.push_back(key->algorithm);
    out.push_back(digest_type);
    out.insert(out.end(), hash.begin(), hash.begin() + hash_len);
    return out;
}

// RFC 8078 §4: "0 0 0 00" for CDS, "0 3 0 AA==" for CDNSKEY.
Bytes cds_delete_rdata() { return Bytes{0, 0, 0, 0, 0}; }
Bytes cdnskey_delete_rdata() { return Bytes{0, 0, 3, 0, 0}; }

}  // namespace zw::dns
