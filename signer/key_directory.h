#pragma once
// Finding a zone's key pairs in a key directory by their BIND file names
// (K<zone>+<alg>+<tag>.private, key_file.h), once for one zone or once for many.

#include <string>
#include <unordered_map>
#include <vector>

#include "signer/key_file.h"

namespace zw::signer {

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

}  // namespace zw::signer
