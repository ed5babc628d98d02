#pragma once
// The key material behind the engine's KeyRefs: one directory per zone below the
// configured key-dir (0700, private files 0600), BIND file format, a key found by its
// algorithm and tag. The engine names keys by id; the store maps id to tag.

#include <optional>
#include <string>
#include <vector>

#include "rollover/types.h"
#include "signer/key.h"

namespace zw::app {

class KeyMaterial {
  public:
    // Reads every key of zone in dir (created 0700, less the umask, when missing, with
    // any missing directory above it).
    [[nodiscard]] static Result<KeyMaterial> open(const std::string& dir, const dns::Name& zone);

    [[nodiscard]] const signer::KeyPair* find(const rollover::KeyRef& key) const;
    [[nodiscard]] const std::vector<signer::KeyPair>& all() const { return keys_; }

    // New material for key; its tag differs from every key of the zone of that algorithm
    // (RFC 4034 tags collide; a collision would make the DS and RRSIG ambiguous).
    [[nodiscard]] Result<std::uint16_t> generate(const rollover::KeyRef& key, Instant now);
    // Copies BIND key files from another directory (onboard --adopt-keys).
    [[nodiscard]] Result<std::vector<const signer::KeyPair*>> adopt(const std::string& from);
    // Deletes the files of a key that has left every cache.
    [[nodiscard]] Result<void> purge(const rollover::KeyRef& key);

  private:
    KeyMaterial(std::string dir, dns::Name zone, std::vector<signer::KeyPair> keys)
        : dir_(std::move(dir)), zone_(std::move(zone)), keys_(std::move(keys)) {}
    std::string dir_;
    dns::Name zone_;
    std::vector<signer::KeyPair> keys_;
};

[[nodiscard]] signer::KeyRole key_role(rollover::Role role);

}  // namespace zw::app
