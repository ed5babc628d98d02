#pragma once
// The IO half of the live checks: ask every address of every server of a zone (and of its
// parent) directly, validate each answer, and report per address. What the reports mean
// for a rollover step is decided elsewhere (rollover/judge.h), purely.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "live/chain_validation.h"

namespace zw::live {

// One RRset as one server served it, and whether it validated.
struct ServedSet {
    bool present = false;  // NOERROR with the set in the answer (else NODATA)
    std::uint32_t ttl = 0;
    std::vector<dns::Bytes> rdatas;          // canonical order
    std::vector<std::uint16_t> signer_tags;  // key tags of the RRSIGs over the set
    Validation validation;
};

// Why an address gave no usable answer; none when it did.
enum class ServerFault { none, timeout, unreachable, refused, servfail, lame, malformed };
[[nodiscard]] std::string_view name(ServerFault f);

struct ChildServerReport {
    ServerAddress where;
    ServerFault fault = ServerFault::none;
    std::string fault_detail;
    std::optional<std::uint32_t> serial;
    ServedSet soa, dnskey, cds, cdnskey;  // soa: its RRSIG tags show who signs the zone
    Transport dnskey_transport = Transport::udp;
    std::chrono::milliseconds elapsed{0};  // the slowest of this address's queries
};

struct ParentServerReport {
    ServerAddress where;
    ServerFault fault = ServerFault::none;
    std::string fault_detail;
    std::optional<std::uint32_t> serial;  // the parent zone's SOA serial
    ServedSet ds;
    std::chrono::milliseconds elapsed{0};
};

struct ZoneReport {
    Discovery discovery;
    ZoneKeys parent_keys;  // the parent's DNSKEY set along the chain
    std::vector<ParentServerReport> parent;
    std::vector<ChildServerReport> child;
    std::vector<dns::Bytes> trusted_ds;  // every DS that validated at some parent server
};

// Probes many zones at once: all their queries go out as one batch (bounded in flight by
// the client). Discovery results come in; one report per discovery comes out.
[[nodiscard]] std::vector<ZoneReport> survey_zones(Client& client, ChainValidator& chain,
                                                   std::span<const Discovery> zones);

}  // namespace zw::live
