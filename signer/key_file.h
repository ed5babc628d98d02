#pragma once
// BIND's key file pair, as written by dnssec-keygen and ldns-keygen:
//   K<zone>+<alg>+<tag>.key      the DNSKEY record (public), comments start with ';'
//   K<zone>+<alg>+<tag>.private  "Private-key-format: v1.x" then Field: value lines
// Private files are 0600 in a 0700 directory; their contents are never logged.

#include <string>
#include <unordered_map>
#include <vector>

#include "signer/key.h"

namespace zw::signer {

// Reads one pair given the path of either file or the base name without extension.
// The public key in .key must match the one derived from .private.
[[nodiscard]] Result<KeyPair> read_key_pair(const std::string& path);

// Every key pair in dir whose file name is for zone, in file-name order.
[[nodiscard]] Result<std::vector<KeyPair>> read_zone_keys(const std::string& dir, const dns::Name& zone);

// The key files of a directory by zone, from one scan: a run over many zones (`sign
// --manifest`) looks each zone up instead of reading a directory of tens of thousands of
// files once per zone. Files added to the directory after the scan are not seen.
class KeyDirectory {
public:
    [[nodiscard]] static Result<KeyDirectory> scan(const std::string& dir);
    // What read_zone_keys(dir, zone) gives, from the scan.
    [[nodiscard]] Result<std::vector<KeyPair>> read_zone_keys(const dns::Name& zone) const;

private:
    // Lowercase zone name (text, with the final dot) -> the key pairs' base paths.
    std::unordered_map<std::string, std::vector<std::string>> bases_;
};

// Creates dir (0700) if needed, refuses a directory that others can read, and writes both
// files atomically; an existing file of the same name is never overwritten.
[[nodiscard]] Result<std::string> write_key_pair(const std::string& dir, const KeyPair& key, KeyRole role);

}  // namespace zw::signer
