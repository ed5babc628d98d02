#include "signer/openssl_util.h"

#include <openssl/err.h>

namespace zw::signer {

std::string openssl_error() {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

std::optional<dns::Bytes> bn_param_padded(EVP_PKEY* pkey, const char* name, int width) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) return std::nullopt;
    Bignum bn(raw);
    int size = width > 0 ? width : BN_num_bytes(bn.get());
    dns::Bytes out(static_cast<std::size_t>(size));
    if (BN_bn2binpad(bn.get(), out.data(), size) != size) return std::nullopt;
    return out;
}

std::optional<dns::Bytes> bn_param(EVP_PKEY* pkey, const char* name) { return bn_param_padded(pkey, name, 0); }

}  // namespace zw::signer
