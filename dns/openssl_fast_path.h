#pragma once
// ZW_OPENSSL_EC_FAST_PATH is 1 when the ECDSA code on OpenSSL 3.0's deprecated EC API is
// built (the CMake option of that name, on by default: batched signing setup in
// signer/ecdsa_batch_signer.h, per-key P-256 tables in dns/ecdsa_key_table.h), and 0 when
// it is not; the callers then sign and verify through EVP alone. The definition is given
// to the files that hold the fast path or stand in for it, and only to them; with the
// option off they are compiled with OPENSSL_NO_DEPRECATED, so the build proves that
// nothing else in them needs the deprecated API. Elsewhere, ask
// dns::openssl_ec_fast_path() (ecdsa_key_table.h).

#include <openssl/opensslconf.h>

#ifndef ZW_OPENSSL_EC_FAST_PATH
#error "ZW_OPENSSL_EC_FAST_PATH comes from CMake (option ZW_OPENSSL_EC_FAST_PATH)"
#endif
#if ZW_OPENSSL_EC_FAST_PATH && defined(OPENSSL_NO_DEPRECATED_3_0)
#error \
    "ZW_OPENSSL_EC_FAST_PATH needs OpenSSL's deprecated 3.0 API; configure with -DZW_OPENSSL_EC_FAST_PATH=OFF"
#endif
