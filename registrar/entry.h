#pragma once
// What a parent holds for a child, one row per DS (or per DNSKEY, for registrars that take
// keys and compute the DS themselves). Entries are matched on (key tag, algorithm, public key
// or digest), never on the key tag alone: a key tag is a 16-bit checksum, and two keys of one
// zone can share it (RFC 4034 Appendix B.1).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "dns/dnssec.h"
#include "dns/name.h"

namespace zw::registrar {

struct Entry {
    std::string id;  // the registrar's handle for the entry, when it has one
    std::uint16_t key_tag = 0;
    std::uint8_t algorithm = 0;
    // The DS view (RFC 4034 §5.1): present when the registrar or we know the digest.
    std::optional<std::uint8_t> digest_type;
    dns::Bytes digest;
    // The DNSKEY view: present when the registrar holds or wants the key itself.
    std::optional<std::uint16_t> flags;
    dns::Bytes public_key;

    [[nodiscard]] bool has_digest() const { return digest_type.has_value() && !digest.empty(); }
    [[nodiscard]] bool has_key() const { return !public_key.empty(); }
    // "12345 13 2 ABCD..." (DS presentation) or "257 3 13 base64" (DNSKEY) for messages.
    [[nodiscard]] std::string describe() const;
};

// The DS set the rollover engine wants the parent to serve. `keys` carry the DNSKEYs so that
// registrars that want keys (Gandi, OVH) and those that want digests (RFC 2136) are both
// served from one value. An empty set is only ever sent when `go_insecure` says so: the
// last DS is never removed by accident (RFC 4035 §5: a parent without DS makes the child
// insecure, which must be a decision).
struct DesiredSet {
    dns::Name zone;
    std::vector<dns::Dnskey> keys;
    std::vector<std::uint8_t> digest_types{dns::digest::sha256};  // RFC 8624: SHA-256 MUST
    bool go_insecure = false;
};

// What a registrar stores: DS records (digests computed by us) or DNSKEYs (it computes the
// DS itself).
enum class EntryView { ds, dnskey };

// The desired entries in a registrar's view. ds: one Entry per (key, digest type). dnskey:
// one per key. Each carries both the DNSKEY and a digest, so it matches whatever a
// registrar's listing returns.
[[nodiscard]] Result<std::vector<Entry>> expand(const DesiredSet& desired, EntryView view);

// The matching rule: same key tag and algorithm, and the same public key or the same
// (digest type, digest). Tag and algorithm alone never match.
[[nodiscard]] bool same_entry(const Entry& a, const Entry& b);

// DS presentation-format RDATA "tag alg type HEX" of an entry with a digest.
[[nodiscard]] std::string ds_text(const Entry& e);

}  // namespace zw::registrar
