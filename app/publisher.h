#pragma once
// Turns the engine's idea of what is published (the `published` flags of every key's
// records) into a signed zone on disk: read and check the unsigned input, pick the serial,
// sign with exactly the keys the state names, write atomically, run the publish hook.
// The state is the truth, not the last actions: a lost action heals on the next pass.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/key_material.h"
#include "rollover/key_state.h"
#include "store/store.h"

namespace zw::app {

// What the state says the zone should publish now.
struct PublicationPlan {
    std::vector<const signer::KeyPair*> dnskey;       // the DNSKEY RRset
    std::vector<const signer::KeyPair*> sign_dnskey;  // KRRSIG signers
    std::vector<const signer::KeyPair*> sign_zone;    // ZRRSIG signers
    std::vector<std::uint16_t> ds;                    // the DS set wanted at the parent (tags)
    std::vector<std::uint16_t> cds;                   // CDS/CDNSKEY for these tags
    bool cds_delete = false;                          // RFC 8078 delete form
    [[nodiscard]] bool is_signed() const { return !dnskey.empty(); }
};

// The tags of the DS set the key states want at the parent (it is asked of the
// registrar, not written into the zone), in key order.
[[nodiscard]] std::vector<std::uint16_t> wanted_ds_tags(const rollover::ZoneState& state);

// `cds` is whether the zone's registrar reads CDS/CDNSKEY (type cds).
[[nodiscard]] Result<PublicationPlan> plan_publication(const rollover::ZoneState& state,
                                                       const KeyMaterial& keys, bool cds);

struct PublishRequest {
    const Config& config;
    const store::ZoneInfo& zone;
    const rollover::Policy& policy;
    const PublicationPlan& plan;
    std::optional<store::Publication> previous;
    Instant now{};
    bool force = false;  // sign even when nothing changed and no signature is due
    std::function<void(std::string)> warn = {};  // what went wrong but did not stop it
};

// The new publication, or nullopt when the output is current (same input, same keys, and
// every signature still beyond its refresh point).
[[nodiscard]] Result<std::optional<store::Publication>> publish_zone(const PublishRequest& request);

// The hash publish_zone compares: the unsigned input and every publication choice.
[[nodiscard]] Result<std::string> publication_hash(const PublishRequest& request,
                                                   const std::string& input_file);

[[nodiscard]] std::string input_file_of(const Config& config, const store::ZoneInfo& zone);

}  // namespace zw::app
