#include "dns/openssl.h"

#include "dns/dnssec.h"

#include <openssl/err.h>

namespace zw::dns {

const EVP_MD* dnssec_digest(std::uint8_t algorithm) {
    switch (algorithm) {
        case alg::rsasha256:
        case alg::ecdsap256sha256:
            return EVP_sha256();
        case alg::ecdsap384sha384:
            return EVP_sha384();
        default:
            return nullptr;
    }
}

std::string openssl_error() {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

std::optional<Bytes> bn_param_padded(EVP_PKEY* pkey, const char* name, int width) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) return std::nullopt;
    Bignum bn(raw);
    int size = width > 0 ? width : BN_num_bytes(bn.get());
    Bytes out(static_cast<std::size_t>(size));
    if (BN_bn2binpad(bn.get(), out.data(), size) != size) return std::nullopt;
    return out;
}

EvpPkey pkey_from_params(const char* type, ParamBld& bld, int selection) {
    using Params = std::unique_ptr<OSSL_PARAM, OsslFree<OSSL_PARAM_free>>;
    Params params(OSSL_PARAM_BLD_to_param(bld.get()));
    EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1) {
        return nullptr;
    }
    return EvpPkey(raw);
}

std::optional<Bytes> bn_param(EVP_PKEY* pkey, const char* name) {
    return bn_param_padded(pkey, name, 0);
}

Bignum secret_bignum() {
    Bignum bn(BN_new());
    if (bn) BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
    return bn;
}

}  // namespace zw::dns
