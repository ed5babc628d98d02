#include "dane/tlsa.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "base/c_handle.h"
#include "base/regular_file.h"
#include "dns/openssl.h"

namespace zw::dane {

namespace {

using Bio = std::unique_ptr<BIO, Free<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;

// Certificates and keys are small: a chain of a few certificates, one key.
constexpr std::uint64_t max_pem_bytes = 1u << 20;

Result<std::string> read_pem(const std::string& path, std::string_view what) {
    auto text = read_regular_file(path, what, max_pem_bytes);
    if (!text) return fail(text.error());
    if (text->find_first_not_of(" \t\r\n") == std::string::npos)
        return fail(bad_input(fmt::format("{}: the {} is empty", path, what)));
    return text;
}

// Every certificate of a PEM file, in order; bad_input naming the file when there is none
// or a block does not decode.
Result<std::vector<X509Ptr>> read_certificates(const std::string& path, std::string_view what) {
    auto text = read_pem(path, what);
    if (!text) return fail(text.error());
    Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
    if (!bio) return fail(internal_error("BIO_new_mem_buf failed"));
    std::vector<X509Ptr> out;
    for (;;) {
        X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        out.push_back(std::move(cert));
    }
    // The loop ends on "no start line" after the last block; anything else is a bad block.
    unsigned long err = ERR_peek_last_error();
    ERR_clear_error();
    if (out.empty())
        return fail(bad_input(
            fmt::format("{}: no PEM certificate in the {} (expected -----BEGIN CERTIFICATE-----)",
                        path, what)));
    if (err != 0 && ERR_GET_REASON(err) != PEM_R_NO_START_LINE)
        return fail(bad_input(fmt::format("{}: certificate {} in the {} does not decode", path,
                                          out.size() + 1, what)));
    return out;
}

Result<dns::Bytes> spki_der(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(key, &der);
    if (n <= 0) return fail(internal_error("i2d_PUBKEY failed"));
    dns::Bytes out(der, der + n);
    OPENSSL_free(der);
    return out;
}

Result<dns::Bytes> selected(const TlsaParams& params, X509* cert) {
    switch (params.selector) {
        case Selector::spki:
            return spki_der(X509_get0_pubkey(cert));
        case Selector::full_certificate: {
            unsigned char* der = nullptr;
            int n = i2d_X509(cert, &der);
            if (n <= 0) return fail(internal_error("i2d_X509 failed"));
            dns::Bytes out(der, der + n);
            OPENSSL_free(der);
            return out;
        }
    }
    return fail(internal_error("unknown selector"));
}

Result<TlsaRdata> matched(const TlsaParams& params, const dns::Bytes& data) {
    const EVP_MD* md = nullptr;
    switch (params.matching) {
        case Matching::sha256:
            md = EVP_sha256();
            break;
        case Matching::sha512:
            md = EVP_sha512();
            break;
        case Matching::exact:
            return fail(internal_error("matching type 0 was not refused"));
    }
    dns::Bytes digest(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &len, md, nullptr) != 1)
        return fail(internal_error("EVP_Digest failed"));
    digest.resize(len);
    return TlsaRdata{params, std::move(digest)};
}

}  // namespace

std::string_view name(Usage u) {
    switch (u) {
        case Usage::pkix_ta:
            return "PKIX-TA";
        case Usage::pkix_ee:
            return "PKIX-EE";
        case Usage::dane_ta:
            return "DANE-TA";
        case Usage::dane_ee:
            return "DANE-EE";
    }
    return "?";
}

std::string_view name(Selector s) {
    switch (s) {
        case Selector::full_certificate:
            return "Cert";
        case Selector::spki:
            return "SPKI";
    }
    return "?";
}

std::string_view name(Matching m) {
    switch (m) {
        case Matching::exact:
            return "Full";
        case Matching::sha256:
            return "SHA2-256";
        case Matching::sha512:
            return "SHA2-512";
    }
    return "?";
}

Result<TlsaParams> tlsa_params(int usage, int selector, int matching) {
    TlsaParams p;
    switch (usage) {
        case 3:
            p.usage = Usage::dane_ee;
            break;
        case 2:
            p.usage = Usage::dane_ta;
            break;
        case 0:
        case 1:
            // An ACME certificate chains to a public CA, but SMTP clients treat PKIX-TA(0)
            // and PKIX-EE(1) as unusable (RFC 7672 §3.1.3) and other clients must then also
            // pass PKIX validation: the record would protect no mail and add a dependency on
            // the CA's roots for everything else.
            return fail(bad_input(fmt::format(
                "TLSA usage {} (PKIX-{}) is refused: SMTP DANE clients ignore PKIX usages "
                "(RFC 7672 §3.1.3); use 3 (DANE-EE) or 2 (DANE-TA)",
                usage, usage == 0 ? "TA" : "EE")));
        default:
            return fail(bad_input(
                fmt::format("TLSA usage {} is unknown: use 3 (DANE-EE) or 2 (DANE-TA)", usage)));
    }
    switch (selector) {
        case 1:
            p.selector = Selector::spki;
            break;
        case 0:
            p.selector = Selector::full_certificate;
            break;
        default:
            return fail(bad_input(fmt::format(
                "TLSA selector {} is unknown: use 1 (SPKI) or 0 (full certificate)", selector)));
    }
    switch (matching) {
        case 1:
            p.matching = Matching::sha256;
            break;
        case 2:
            p.matching = Matching::sha512;
            break;
        case 0:
            // The whole certificate or key in DNS: large answers; the records RFC 7671
            // recommends carry a digest.
            return fail(bad_input(
                "TLSA matching type 0 (Full, the data itself) is refused: it puts the whole "
                "certificate or key into DNS, where RFC 7671 recommends a digest; use 1 "
                "(SHA2-256) or 2 (SHA2-512)"));
        default:
            return fail(bad_input(fmt::format(
                "TLSA matching type {} is unknown: use 1 (SHA2-256) or 2 (SHA2-512)", matching)));
    }
    return p;
}

dns::Bytes TlsaRdata::wire() const {
    dns::Bytes out(3 + association.size());
    out[0] = static_cast<std::uint8_t>(params.usage);
    out[1] = static_cast<std::uint8_t>(params.selector);
    out[2] = static_cast<std::uint8_t>(params.matching);
    std::copy(association.begin(), association.end(), out.begin() + 3);
    return out;
}

std::string TlsaRdata::text() const {
    return fmt::format("{} {} {} {}", static_cast<int>(params.usage),
                       static_cast<int>(params.selector), static_cast<int>(params.matching),
                       hex(association));
}

std::string hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve(2 * bytes.size());
    for (std::uint8_t b : bytes) out += fmt::format("{:02x}", b);
    return out;
}

Result<TlsaRdata> tlsa_from_certificate(const TlsaParams& params, const std::string& cert_file,
                                        const std::string& chain_file) {
    auto certs = read_certificates(cert_file, "certificate file");
    if (!certs) return fail(certs.error());
    X509* leaf = certs->front().get();
    X509* subject = leaf;
    std::vector<X509Ptr> chain;
    if (params.usage == Usage::dane_ta) {
        if (chain_file.empty())
            return fail(bad_input(fmt::format(
                "{}: usage 2 (DANE-TA) needs the issuer's certificate: give the chain file "
                "(chain.pem or fullchain.pem)",
                cert_file)));
        auto c = read_certificates(chain_file, "chain file");
        if (!c) return fail(c.error());
        chain = std::move(*c);
        // chain.pem starts with the issuer; fullchain.pem with the leaf itself, then the issuer.
        subject = nullptr;
        for (const auto& cand : chain)
            if (X509_cmp(cand.get(), leaf) != 0) {
                subject = cand.get();
                break;
            }
        if (subject == nullptr || X509_check_issued(subject, leaf) != X509_V_OK)
            return fail(bad_input(
                fmt::format("{}: the first certificate after the service's own did not issue the "
                            "certificate of {}",
                            chain_file, cert_file)));
    }
    auto data = selected(params, subject);
    if (!data) return fail(data.error());
    return matched(params, *data);
}

Result<TlsaRdata> tlsa_from_key(const TlsaParams& params, const std::string& key_file) {
    if (params.selector != Selector::spki)
        return fail(bad_input(fmt::format(
            "{}: selector 0 hashes a whole certificate; a key file takes selector 1 (SPKI)",
            key_file)));
    auto text = read_pem(key_file, "key file");
    if (!text) return fail(text.error());
    dns::EvpPkey key;
    {
        Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
        key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    }
    if (!key) {
        Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
        key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    }
    ERR_clear_error();
    if (!key)
        return fail(bad_input(fmt::format(
            "{}: no PEM public or private key (expected -----BEGIN PUBLIC KEY----- or an "
            "unencrypted -----BEGIN PRIVATE KEY-----)",
            key_file)));
    auto der = spki_der(key.get());
    if (!der) return fail(der.error());
    return matched(params, *der);
}

}  // namespace zw::dane
