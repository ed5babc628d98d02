#pragma once
// DNSSEC validation of what authoritative servers say, along the chain of trust from a
// configured anchor (RFC 4033 §5, RFC 4035 §5): each zone's DNSKEY set is fetched from
// that zone's own servers and trusted only when a key matching a trusted DS (or an anchor
// key) signs it; the next DS set is trusted only when that DNSKEY set signs it, or proven
// absent by a signed NSEC/NSEC3 (then everything below is insecure).

#include <map>
#include <string>
#include <vector>

#include "base/duration.h"
#include "live/discovery.h"

namespace zw::live {

// RFC 4033 §5: secure, insecure (a proven unsigned delegation above) and bogus are
// distinct; indeterminate is ours: the data needed to decide could not be fetched.
enum class Security { secure, insecure, bogus, indeterminate };
[[nodiscard]] std::string_view name(Security s);

struct Validation {
    Security state = Security::indeterminate;
    std::string why;  // empty when secure
};

// DS or DNSKEY records for one zone, as in the root anchor file or a `.key` file.
struct TrustAnchor {
    dns::Name zone;
    std::vector<dns::Bytes> ds;
    std::vector<dns::Bytes> dnskeys;
};
// One record per line in presentation format; ';' comments and blank lines ignored.
// bad_input with file:line for anything else, or records of more than one owner.
[[nodiscard]] Result<TrustAnchor> parse_trust_anchor(std::string_view text,
                                                     const std::string& file);
[[nodiscard]] Result<TrustAnchor> load_trust_anchor(const std::string& path);

// RFC 4035 §5.3: secure when one RRSIG by `zone` verifies with a key of `dnskeys` (zone
// flag set, not revoked) inside its validity period.
[[nodiscard]] Validation verify_rrset(const RrSet& set, const dns::Name& zone,
                                      std::span<const dns::Bytes> dnskeys, Instant now);

// RFC 4035 §5.2: a DNSKEY set is secure when a key in it that matches a trusted DS (or is
// an anchor key) signs it. Insecure when no trusted DS uses an algorithm and digest we
// implement (RFC 4035 §5.2, last paragraph).
[[nodiscard]] Validation validate_dnskey_set(const RrSet& set, const dns::Name& zone,
                                             std::span<const dns::Bytes> trusted_ds,
                                             std::span<const dns::Bytes> trusted_keys, Instant now);

// A parent's NODATA answer to "child DS": insecure only with a signed NSEC (RFC 4035
// §5.2) or NSEC3 (RFC 5155 §8.5) that matches the child name and shows NS without DS.
// Secure when a signed NSEC or NSEC3 of qname in zone shows that qname has no qtype (a
// NODATA answer, e.g. no CDS at the apex); bogus otherwise.
[[nodiscard]] Validation prove_nodata(const Message& answer, const dns::Name& qname,
                                      std::uint16_t qtype, const dns::Name& zone,
                                      std::span<const dns::Bytes> zone_keys, Instant now);
[[nodiscard]] Validation prove_no_ds(const Message& answer, const dns::Name& child,
                                     const dns::Name& parent,
                                     std::span<const dns::Bytes> parent_keys, Instant now);

// True when a type bitmap (RFC 4034 §4.1.2) has `type`.
[[nodiscard]] bool bitmap_has(std::span<const std::uint8_t> bitmap, std::uint16_t type);

// A zone's DNSKEY set and how far it can be trusted.
struct ZoneKeys {
    dns::Name zone;
    Validation validation;
    std::vector<dns::Bytes> dnskeys;  // the set served by the zone; usable only when secure
};

// Walks from the anchor down to a zone, asking each zone's servers directly, and
// remembers what it learnt (one walker per check pass, `now` fixed).
class ChainValidator {
  public:
    ChainValidator(Client& client, Discoverer& discoverer, TrustAnchor anchor, Instant now)
        : client_(client), discoverer_(discoverer), anchor_(std::move(anchor)), now_(now) {}

    [[nodiscard]] const ZoneKeys& keys_of(const dns::Name& zone);
    // A parent server's answer to "child DS": secure with the DS set, insecure with a
    // proof of absence, bogus otherwise (given the parent's keys).
    [[nodiscard]] Validation check_ds_answer(const Message& answer, const dns::Name& child,
                                             const ZoneKeys& parent) const;
    [[nodiscard]] Instant now() const { return now_; }
    [[nodiscard]] const TrustAnchor& anchor() const { return anchor_; }

  private:
    // The first authoritative NOERROR answer to (qname, qtype) from any of the servers.
    [[nodiscard]] std::optional<Message> ask_any(std::span<const ServerAddress> servers,
                                                 const dns::Name& qname, std::uint16_t qtype);
    [[nodiscard]] ZoneKeys walk(const dns::Name& zone);

    Client& client_;
    Discoverer& discoverer_;
    TrustAnchor anchor_;
    Instant now_;
    std::map<dns::Name, ZoneKeys, dns::CanonicalLess> cache_;
};

}  // namespace zw::live
