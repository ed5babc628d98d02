#include "dns/encoding.h"

#include <ldns/ldns.h>
#include <openssl/evp.h>

#include <cctype>

namespace zw::dns {

std::string base64_encode(std::span<const std::uint8_t> data) {
    std::string out;
    append_base64(out, data);
    return out;
}

void append_base64(std::string& out, std::span<const std::uint8_t> data) {
    const std::size_t at = out.size();
    // EVP_EncodeBlock writes a terminating NUL after the 4*ceil(n/3) characters.
    out.resize(at + 4 * ((data.size() + 2) / 3) + 1);
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + at), data.data(),
                            static_cast<int>(data.size()));
    out.resize(at + static_cast<std::size_t>(n));
}

std::optional<Bytes> base64_decode(std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    for (char c : text) {
        if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
    }
    if (clean.size() % 4 != 0) return std::nullopt;
    Bytes out(clean.size() / 4 * 3);
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(clean.data()),
                            static_cast<int>(clean.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts padding as zero octets; drop them.
    std::size_t pad = 0;
    if (!clean.empty() && clean.back() == '=') ++pad;
    if (clean.size() > 1 && clean[clean.size() - 2] == '=') ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::string base32hex_encode(std::span<const std::uint8_t> data) {
    std::string out(ldns_b32_ntop_calculate_size(data.size()) + 1, '\0');
    int n = ldns_b32_ntop_extended_hex(data.data(), data.size(), out.data(), out.size());
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

std::string hex_encode(std::span<const std::uint8_t> data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (std::uint8_t b : data) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::optional<Bytes> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Bytes out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int hi = nibble(text[i]), lo = nibble(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return out;
}

}  // namespace zw::dns
