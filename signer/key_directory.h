#pragma once
// Finding a zone's key pairs in a key directory by their BIND file names
// (K<zone>+<alg>+<tag>.key and .private, key_file.h; <zone> is dns::file_name_text), once
// for one zone or once for many.
//
// A half without the other is never taken for "no key": a .key alone means the private
// half was lost (signing on without it would silently leave the key out), a .private alone
// a key generation that did not finish (write_key_pair puts the .key in place last).

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "signer/key_file.h"

namespace zw::signer {

enum class LoneHalves {
    refuse,  // an error naming the file and what to do (sign, keygen, adopting keys)
    skip,    // left out; the caller knows which keys it needs (the rollover's key material)
};

// Every key pair in dir whose file name is for zone, in file-name order.
[[nodiscard]] Result<std::vector<KeyPair>> read_zone_keys(const std::string& dir,
                                                          const dns::Name& zone,
                                                          LoneHalves lone = LoneHalves::refuse);

// The key files of a directory by zone, from one scan: a run over many zones (`sign
// --manifest`) looks each zone up instead of reading a directory of tens of thousands of
// files once per zone. Files added to the directory after the scan are not seen.
class KeyDirectory {
  public:
    [[nodiscard]] static Result<KeyDirectory> scan(const std::string& dir);
    // What read_zone_keys(dir, zone) gives, from the scan.
    [[nodiscard]] Result<std::vector<KeyPair>> read_zone_keys(
        const dns::Name& zone, LoneHalves lone = LoneHalves::refuse) const;

    // Base path (dir/K<zone>+AAA+TTTTT) -> the halves found (bit 1: .private, bit 2: .key).
    using Bases = std::map<std::string, unsigned>;

  private:
    // Lowercase file-name text of the zone (with the final dot) -> its key files.
    std::unordered_map<std::string, Bases> zones_;
};

}  // namespace zw::signer
