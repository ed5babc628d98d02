#pragma once
// BIND's key file pair, as written by dnssec-keygen and ldns-keygen:
//   K<zone>+<alg>+<tag>.key      the DNSKEY record (public), comments start with ';'
//   K<zone>+<alg>+<tag>.private  "Private-key-format: v1.x" then Field: value lines
// Private files are 0600 in a 0700 directory; their contents are never logged.

#include <string>

#include "signer/key.h"

namespace zw::signer {

// Reads one pair given the path of either file or the base name without extension.
// The public key in .key must match the one derived from .private.
[[nodiscard]] Result<KeyPair> read_key_pair(const std::string& path);

// Creates dir (0700) if needed, refuses a directory that others can read, and writes both
// files atomically; an existing file of the same name is never overwritten.
[[nodiscard]] Result<std::string> write_key_pair(const std::string& dir, const KeyPair& key, KeyRole role);

}  // namespace zw::signer
