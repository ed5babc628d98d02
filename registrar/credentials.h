#pragma once
// Secrets come from a file or an environment variable, never from the configuration text
// or the command line (which end up in backups, ps output and shell history).

#include <string>

#include "base/error.h"

namespace zw::registrar {

struct SecretSource {
    std::string file;  // read whole, trailing white space removed; must not be group/world readable
    std::string env;   // name of an environment variable
};

[[nodiscard]] Result<std::string> read_secret(const SecretSource& source, std::string_view what);

// A BIND/nsupdate key file: key "name" { algorithm hmac-sha256; secret "base64"; };
struct TsigKey {
    std::string name;       // absolute, with the trailing dot
    std::string algorithm;  // "hmac-sha256", "hmac-sha384" or "hmac-sha512"
    std::string secret;     // base64
};

[[nodiscard]] Result<TsigKey> read_tsig_key_file(const std::string& path);

}  // namespace zw::registrar
