// Raw signing and verification rates of OpenSSL and Nettle on one thread, for the five
// DNSSEC algorithms zonewarden signs with: the measurement behind dns/crypto_library.cc's
// choice of library per algorithm (bench/README.md, "Library rates"). A third row gives
// zonewarden's own paths: signer::SigningContext on the chosen library (for ECDSA on
// OpenSSL with the batched setup) and dns::Verifier on batches of 64 signatures by one
// key, as the self-check calls it (P-256 key tables, EdDSA batch verification).
//
//   zw_crypto_rates [--seconds S] [--rounds R] [--alg NAME]...
//
// Each (library, algorithm, operation) runs for S seconds of this thread's CPU time
// (default 1), R rounds (default 3) with the libraries alternating, and the median rate
// per CPU second is printed: like `openssl speed`, which also counts CPU time, it reads
// the same on a loaded machine as on an idle one. The message is 120
// octets, about what an RRSIG covers for one A record. Keys are made by each library
// itself; nothing here goes through zonewarden's own code.
#include <gmp.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/eddsa.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dns/verifier.h"
#include "signer/crypto.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

void random_bytes(void*, std::size_t length, std::uint8_t* out) {
    if (RAND_bytes(out, static_cast<int>(length)) != 1) std::abort();
}

double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Calls op until `seconds` of this thread's CPU time have passed; returns calls per CPU
// second.
double rate(double seconds, const std::function<bool()>& op) {
    std::size_t count = 0;
    const double start = cpu_seconds();
    double now = start;
    while (now - start < seconds) {
        for (int i = 0; i < 16; ++i) {
            if (!op()) {
                std::fprintf(stderr, "operation failed\n");
                std::exit(1);
            }
        }
        count += 16;
        now = cpu_seconds();
    }
    return static_cast<double>(count) / (now - start);
}

struct Ops {
    std::function<bool()> sign, verify;
    double verify_batch = 1;  // signatures per verify() call
};

// --- OpenSSL ------------------------------------------------------------------------------

struct EvpFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD* p) const { EVP_MD_free(p); }
};

// Each library is used the way that is fastest through its public API, as zonewarden uses
// it: for RSA and ECDSA the digest and then EVP_PKEY_sign / EVP_PKEY_verify on contexts
// initialised once; for EdDSA a message context initialised once with the key and then
// re-initialised without it (EVP_DigestSignInit(ctx, NULL, NULL, NULL, NULL)), which
// keeps the provider's key and algorithm instead of fetching them again.
Ops openssl_ops(const std::string& alg, const Bytes& message) {
    EVP_PKEY* raw = nullptr;
    const EVP_MD* md = nullptr;
    if (alg == "p256")
        raw = EVP_EC_gen("P-256"), md = EVP_sha256();
    else if (alg == "p384")
        raw = EVP_EC_gen("P-384"), md = EVP_sha384();
    else if (alg == "ed25519")
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    else if (alg == "ed448")
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448");
    else if (alg == "rsa2048")
        raw = EVP_RSA_gen(2048), md = EVP_sha256();
    auto key = std::shared_ptr<EVP_PKEY>(raw, EvpFree{});
    auto sig = std::make_shared<Bytes>(1024);
    auto siglen = std::make_shared<std::size_t>(0);
    Ops ops;
    if (!md) {
        auto sctx = std::shared_ptr<EVP_MD_CTX>(EVP_MD_CTX_new(), EvpFree{});
        auto vctx = std::shared_ptr<EVP_MD_CTX>(EVP_MD_CTX_new(), EvpFree{});
        if (EVP_DigestSignInit(sctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
            EVP_DigestVerifyInit(vctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
            std::abort();
        }
        ops.sign = [=] {
            std::size_t len = sig->size();
            bool ok =
                EVP_DigestSignInit(sctx.get(), nullptr, nullptr, nullptr, nullptr) == 1 &&
                EVP_DigestSign(sctx.get(), sig->data(), &len, message.data(), message.size()) == 1;
            *siglen = len;
            return ok;
        };
        ops.verify = [=] {
            return EVP_DigestVerifyInit(vctx.get(), nullptr, nullptr, nullptr, nullptr) == 1 &&
                   EVP_DigestVerify(vctx.get(), sig->data(), *siglen, message.data(),
                                    message.size()) == 1;
        };
        return ops;
    }
    auto sctx = std::shared_ptr<EVP_PKEY_CTX>(EVP_PKEY_CTX_new(key.get(), nullptr), EvpFree{});
    auto vctx = std::shared_ptr<EVP_PKEY_CTX>(EVP_PKEY_CTX_new(key.get(), nullptr), EvpFree{});
    auto mdctx = std::shared_ptr<EVP_MD_CTX>(EVP_MD_CTX_new(), EvpFree{});
    auto fetched =
        std::shared_ptr<EVP_MD>(EVP_MD_fetch(nullptr, EVP_MD_get0_name(md), nullptr), EvpFree{});
    if (EVP_PKEY_sign_init(sctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(sctx.get(), md) != 1 ||
        EVP_PKEY_verify_init(vctx.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(vctx.get(), md) != 1) {
        std::abort();
    }
    auto digest = [=](unsigned char* out, unsigned int* len) {
        return EVP_DigestInit_ex(mdctx.get(), fetched.get(), nullptr) == 1 &&
               EVP_DigestUpdate(mdctx.get(), message.data(), message.size()) == 1 &&
               EVP_DigestFinal_ex(mdctx.get(), out, len) == 1;
    };
    ops.sign = [=] {
        unsigned char d[64];
        unsigned int dlen = 0;
        std::size_t len = sig->size();
        bool ok = digest(d, &dlen) && EVP_PKEY_sign(sctx.get(), sig->data(), &len, d, dlen) == 1;
        *siglen = len;
        return ok;
    };
    ops.verify = [=] {
        unsigned char d[64];
        unsigned int dlen = 0;
        return digest(d, &dlen) && EVP_PKEY_verify(vctx.get(), sig->data(), *siglen, d, dlen) == 1;
    };
    return ops;
}

// --- Nettle -------------------------------------------------------------------------------

Ops nettle_ecdsa_ops(const ecc_curve* curve, std::size_t digest_size, const Bytes& message) {
    struct Key {
        ecc_point pub;
        ecc_scalar priv;
        dsa_signature sig;
        Key(const ecc_curve* c) {
            ecc_point_init(&pub, c);
            ecc_scalar_init(&priv, c);
            dsa_signature_init(&sig);
        }
        ~Key() {
            ecc_point_clear(&pub);
            ecc_scalar_clear(&priv);
            dsa_signature_clear(&sig);
        }
    };
    auto k = std::make_shared<Key>(curve);
    ecdsa_generate_keypair(&k->pub, &k->priv, nullptr, random_bytes);
    // SHA-256 for P-256, SHA-384 for P-384 (the digest is part of the cost, as in signing).
    auto digest = [digest_size, message](std::uint8_t* out) {
        if (digest_size == 32) {
            sha256_ctx c;
            sha256_init(&c);
            sha256_update(&c, message.size(), message.data());
            sha256_digest(&c, 32, out);
        } else {
            sha384_ctx c;
            sha384_init(&c);
            sha384_update(&c, message.size(), message.data());
            sha384_digest(&c, 48, out);
        }
    };
    Ops ops;
    ops.sign = [=] {
        std::uint8_t d[48];
        digest(d);
        ecdsa_sign(&k->priv, nullptr, random_bytes, digest_size, d, &k->sig);
        return true;
    };
    ops.verify = [=] {
        std::uint8_t d[48];
        digest(d);
        return ecdsa_verify(&k->pub, digest_size, d, &k->sig) == 1;
    };
    return ops;
}

Ops nettle_eddsa_ops(bool ed25519, const Bytes& message) {
    struct Key {
        std::uint8_t priv[57], pub[57], sig[114];
    };
    auto k = std::make_shared<Key>();
    random_bytes(nullptr, ed25519 ? 32 : 57, k->priv);
    if (ed25519)
        ed25519_sha512_public_key(k->pub, k->priv);
    else
        ed448_shake256_public_key(k->pub, k->priv);
    Ops ops;
    ops.sign = [=] {
        if (ed25519)
            ed25519_sha512_sign(k->pub, k->priv, message.size(), message.data(), k->sig);
        else
            ed448_shake256_sign(k->pub, k->priv, message.size(), message.data(), k->sig);
        return true;
    };
    ops.verify = [=] {
        return (ed25519
                    ? ed25519_sha512_verify(k->pub, message.size(), message.data(), k->sig)
                    : ed448_shake256_verify(k->pub, message.size(), message.data(), k->sig)) == 1;
    };
    return ops;
}

Ops nettle_rsa_ops(const Bytes& message) {
    struct Key {
        rsa_public_key pub;
        rsa_private_key priv;
        mpz_t sig;
        Key() {
            rsa_public_key_init(&pub);
            rsa_private_key_init(&priv);
            mpz_init(sig);
        }
        ~Key() {
            rsa_public_key_clear(&pub);
            rsa_private_key_clear(&priv);
            mpz_clear(sig);
        }
    };
    auto k = std::make_shared<Key>();
    mpz_set_ui(k->pub.e, 65537);
    if (rsa_generate_keypair(&k->pub, &k->priv, nullptr, random_bytes, nullptr, nullptr, 2048, 0) !=
        1)
        std::abort();
    auto digest = [message](std::uint8_t* out) {
        sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, message.size(), message.data());
        sha256_digest(&c, 32, out);
    };
    Ops ops;
    ops.sign = [=] {
        std::uint8_t d[32];
        digest(d);
        return rsa_sha256_sign_digest_tr(&k->pub, &k->priv, nullptr, random_bytes, d, k->sig) == 1;
    };
    ops.verify = [=] {
        std::uint8_t d[32];
        digest(d);
        return rsa_sha256_verify_digest(&k->pub, d, k->sig) == 1;
    };
    return ops;
}

Ops nettle_ops(const std::string& alg, const Bytes& message) {
    if (alg == "p256") return nettle_ecdsa_ops(nettle_get_secp_256r1(), 32, message);
    if (alg == "p384") return nettle_ecdsa_ops(nettle_get_secp_384r1(), 48, message);
    if (alg == "ed25519") return nettle_eddsa_ops(true, message);
    if (alg == "ed448") return nettle_eddsa_ops(false, message);
    return nettle_rsa_ops(message);
}

// zonewarden's paths, on a key made by OpenSSL.
Ops zonewarden_ops(const std::string& alg, const Bytes& message) {
    using namespace zw;
    const std::uint8_t number = alg == "p256"      ? dns::alg::ecdsap256sha256
                                : alg == "p384"    ? dns::alg::ecdsap384sha384
                                : alg == "ed25519" ? dns::alg::ed25519
                                : alg == "ed448"   ? dns::alg::ed448
                                                   : dns::alg::rsasha256;
    auto key = std::make_shared<signer::KeyPair>(
        signer::generate_key(dns::Name::from_text("bench.").value(), number, signer::KeyRole::zsk,
                             0, {})
            .value());
    auto signer =
        std::make_shared<signer::SigningContext>(signer::SigningContext::create(*key).value());
    auto verifier = std::make_shared<dns::Verifier>(dns::Verifier::create(key->dnskey()).value());
    // 64 messages and their signatures, verified as one batch: a rate per signature.
    auto messages = std::make_shared<std::vector<Bytes>>(64, message);
    auto signatures = std::make_shared<std::vector<Bytes>>();
    for (std::size_t i = 0; i < messages->size(); ++i) {
        (*messages)[i][0] = static_cast<std::uint8_t>(i);
        Bytes sig;
        if (!signer->sign((*messages)[i], sig)) std::abort();
        signatures->push_back(std::move(sig));
    }
    Ops ops;
    ops.sign = [=] {
        Bytes sig;
        return static_cast<bool>(signer->sign(message, sig));
    };
    ops.verify = [=] {
        std::vector<dns::Verifier::Check> checks;
        for (std::size_t i = 0; i < messages->size(); ++i)
            checks.push_back({(*messages)[i], (*signatures)[i]});
        verifier->verify(checks);
        return std::all_of(checks.begin(), checks.end(), [](const auto& c) { return c.valid; });
    };
    ops.verify_batch = 64;
    return ops;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 1;
    int rounds = 3;
    std::vector<std::string> algs;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--seconds" && i + 1 < argc)
            seconds = std::atof(argv[++i]);
        else if (a == "--rounds" && i + 1 < argc)
            rounds = std::atoi(argv[++i]);
        else if (a == "--alg" && i + 1 < argc)
            algs.push_back(argv[++i]);
        else {
            std::fprintf(
                stderr,
                "usage: %s [--seconds S] [--rounds R] [--alg p256|p384|ed25519|ed448|rsa2048]...\n",
                argv[0]);
            return 2;
        }
    }
    if (algs.empty()) algs = {"p256", "p384", "ed25519", "ed448", "rsa2048"};
    Bytes message(120);
    random_bytes(nullptr, message.size(), message.data());
    std::printf("%-8s %-10s %12s %12s\n", "alg", "library", "sign/s", "verify/s");
    for (const auto& alg : algs) {
        Ops libs[3] = {openssl_ops(alg, message), nettle_ops(alg, message),
                       zonewarden_ops(alg, message)};
        std::vector<double> sign[3], verify[3];
        for (int r = 0; r < rounds; ++r) {
            for (int l = 0; l < 3; ++l) {
                const int lib = (l + r) % 3;  // rotate which one goes first
                sign[lib].push_back(rate(seconds, libs[lib].sign));
                verify[lib].push_back(libs[lib].verify_batch * rate(seconds, libs[lib].verify));
            }
        }
        for (int lib = 0; lib < 3; ++lib) {
            std::printf("%-8s %-10s %12.0f %12.0f\n", alg.c_str(),
                        lib == 0   ? "openssl"
                        : lib == 1 ? "nettle"
                                   : "zonewarden",
                        median(sign[lib]), median(verify[lib]));
        }
        std::fflush(stdout);
    }
}
