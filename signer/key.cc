#include "signer/key.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "dns/openssl.h"
#include "dns/rdata.h"

namespace zw::signer {

Result<KeyRole> key_role_from_text(std::string_view text) {
    if (text == "ksk") return KeyRole::ksk;
    if (text == "zsk") return KeyRole::zsk;
    if (text == "csk") return KeyRole::csk;
    return fail(bad_input(fmt::format("unknown key role '{}': use ksk, zsk or csk", text)));
}

bool KeyTiming::published_at(Instant now) const {
    return (!publish || *publish <= now) && (!remove || *remove > now);
}

bool KeyTiming::active_at(Instant now) const {
    // As in BIND: a key with a Publish time but no Activate time is published only
    // (dnssec-keygen -A none); a key with no timing at all (ldns-keygen) signs.
    if (publish && !activate) return false;
    return published_at(now) && (!activate || *activate <= now) && (!inactive || *inactive > now);
}

KeyPair::KeyPair(dns::Name zone, dns::Dnskey dnskey, EvpPkey pkey, KeyTiming timing)
    : zone_(std::move(zone)),
      dnskey_(std::move(dnskey)),
      rdata_(dnskey_.rdata()),
      tag_(dns::key_tag(rdata_)),
      pkey_(std::move(pkey)),
      timing_(timing) {}

std::string KeyPair::base_name() const {
    return fmt::format("K{}+{:03}+{:05}", dns::file_name_text(zone_), dnskey_.algorithm, tag_);
}

Result<dns::Bytes> public_key_field(EVP_PKEY* pkey, std::uint8_t algorithm) {
    switch (algorithm) {
        case dns::alg::rsasha256: {
            auto n = dns::bn_param(pkey, OSSL_PKEY_PARAM_RSA_N);
            auto e = dns::bn_param(pkey, OSSL_PKEY_PARAM_RSA_E);
            if (!n || !e) return fail(internal_error("cannot read the RSA public key"));
            // RFC 3110 §2: exponent length (1 octet, or 0 and 2 octets), exponent, modulus.
            dns::Bytes out;
            if (e->size() <= 255) {
                out.push_back(static_cast<std::uint8_t>(e->size()));
            } else {
                out.push_back(0);
                dns::put_u16(out, static_cast<std::uint16_t>(e->size()));
            }
            out.insert(out.end(), e->begin(), e->end());
            out.insert(out.end(), n->begin(), n->end());
            return out;
        }
        case dns::alg::ecdsap256sha256:
        case dns::alg::ecdsap384sha384: {
            // RFC 6605 §4: the uncompressed point without its 0x04 prefix.
            std::size_t len = 0;
            if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &len) !=
                    1 ||
                len < 1) {
                return fail(internal_error("cannot read the ECDSA public key"));
            }
            dns::Bytes point(len);
            EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                            point.size(), &len);
            if (point[0] != 0x04)
                return fail(internal_error("ECDSA public key is not an uncompressed point"));
            return dns::Bytes(point.begin() + 1, point.end());
        }
        case dns::alg::ed25519:
        case dns::alg::ed448: {
            std::size_t len = 0;
            if (EVP_PKEY_get_raw_public_key(pkey, nullptr, &len) != 1) {
                return fail(internal_error("cannot read the EdDSA public key"));
            }
            dns::Bytes out(len);
            EVP_PKEY_get_raw_public_key(pkey, out.data(), &len);
            return out;
        }
        default:
            return fail(bad_input(fmt::format("algorithm {} is not supported", algorithm)));
    }
}

Result<KeyPair> generate_key(const dns::Name& zone, std::uint8_t algorithm, KeyRole role, int bits,
                             Instant now) {
    EvpPkey pkey;
    switch (algorithm) {
        case dns::alg::rsasha256: {
            int size = bits == 0 ? 2048 : bits;
            // RFC 5702 §2: 512 to 4096 bits for RSASHA256; below 2048 is not worth using.
            if (size < 1024 || size > 4096) {
                return fail(
                    bad_input(fmt::format("RSA key size {} is outside 1024..4096 bits", size)));
            }
            pkey.reset(EVP_RSA_gen(static_cast<unsigned>(size)));
            break;
        }
        case dns::alg::ecdsap256sha256:
            pkey.reset(EVP_EC_gen("P-256"));
            break;
        case dns::alg::ecdsap384sha384:
            pkey.reset(EVP_EC_gen("P-384"));
            break;
        case dns::alg::ed25519:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
            break;
        case dns::alg::ed448:
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448"));
            break;
        default:
            return fail(bad_input(fmt::format("cannot generate keys for algorithm {}", algorithm)));
    }
    if (!pkey)
        return fail(internal_error(fmt::format("key generation failed: {}", dns::openssl_error())));
    if (bits != 0 && algorithm != dns::alg::rsasha256) {
        return fail(bad_input("a key size applies to RSA keys only"));
    }
    auto pub = public_key_field(pkey.get(), algorithm);
    if (!pub) return fail(pub.error());
    dns::Dnskey dnskey;
    dnskey.flags = dns::dnskey_flag_zone | (role == KeyRole::zsk ? 0 : dns::dnskey_flag_sep);
    dnskey.algorithm = algorithm;
    dnskey.public_key = std::move(*pub);
    KeyTiming timing{now, now, now, std::nullopt, std::nullopt};
    return KeyPair(zone, std::move(dnskey), std::move(pkey), timing);
}

}  // namespace zw::signer
