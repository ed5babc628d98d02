#pragma once
// A DNSSEC policy: which keys a zone has, how long they live, and every delay of
// RFC 7583 §2 that the rollover timeline depends on. Read from the configuration by
// app/policy_config.h; the engine sees only the values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/duration.h"
#include "base/error.h"

namespace zw::rollover {

// KSK+ZSK split, or a single combined signing key (RFC 6781 §3.1).
enum class Roles { ksk_zsk, csk };

// RFC 7583 §3.2: ZSK rollover methods.
enum class ZskMethod { pre_publication, double_signature };

// RFC 7583 §3.3: KSK (and CSK) rollover methods.
enum class KskMethod { double_ksk, double_ds, double_rrset };

struct SignaturePolicy {
    Seconds validity{14 * 86400};
    Seconds refresh{5 * 86400};
    Seconds jitter{12 * 3600};
    Seconds inception_offset{3600};
};

struct ParentPolicy {
    // TTLds. Empty means "use the TTL seen live at the parent" (the engine then waits for
    // an observation carrying the TTL before it counts down a DS wait).
    std::optional<Seconds> ds_ttl;
    Seconds propagation_delay{3600};  // DprpP
};

struct Policy {
    std::string name = "default";
    std::uint8_t algorithm = 13;  // ECDSAP256SHA256, RFC 8624's recommended default
    Roles roles = Roles::ksk_zsk;

    // Key lifetimes (Lksk, Lzsk); empty = never roll on schedule.
    std::optional<Seconds> ksk_lifetime{365 * 86400};
    std::optional<Seconds> zsk_lifetime{90 * 86400};
    std::optional<Seconds> csk_lifetime{365 * 86400};
    KskMethod ksk_method = KskMethod::double_ds;
    ZskMethod zsk_method = ZskMethod::pre_publication;

    Seconds dnskey_ttl{3600};        // TTLkey
    Seconds max_zone_ttl{86400};     // TTLsig: the largest TTL of any signed RRset
    Seconds propagation_delay{300};  // DprpC
    Seconds sign_delay{0};           // Dsgn: time to re-sign the whole zone
    Seconds publish_safety{3600};    // margin added to every introduction wait
    Seconds retire_safety{3600};     // margin added to every withdrawal wait
    SignaturePolicy signatures;
    ParentPolicy parent;
};

// Known DNSSEC algorithm mnemonics (RFC 8624 §3.1) to numbers and back.
[[nodiscard]] std::optional<std::uint8_t> algorithm_number(std::string_view mnemonic);
[[nodiscard]] std::string algorithm_mnemonic(std::uint8_t number);

[[nodiscard]] std::string_view name(Roles r);
[[nodiscard]] std::string_view name(ZskMethod m);
[[nodiscard]] std::string_view name(KskMethod m);

// Cross-field checks: signature refresh shorter than validity, lifetimes longer than the
// rollover they imply, and so on. The message names the offending field.
[[nodiscard]] Result<void> validate(const Policy& policy);

}  // namespace zw::rollover
