#pragma once
// A zone's contents as the signer sees them: nodes in canonical order (RFC 4034 §6.1),
// each with its RRsets and its role, so nothing downstream has to rediscover which names
// are delegations or occluded.

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/inline_vector.h"
#include "dns/rr.h"
#include "zones/signature.h"

namespace zw::zones {

// Where a record came from; index into Zone::files plus the line.
struct SourceRef {
    std::uint32_t file = 0;
    std::uint32_t line = 0;
};

// An RRset's owner is its node's name, not stored again in each RRset: at 1M records a
// copy in each would be 1.5 million more names and over 100 MB more at the peak.
struct RRset {
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    InlineVector<dns::Bytes> rdatas;  // RFC 4034 §6.3 order, no duplicates
    SourceRef where;
    // RRSIG RDATA covering this set; filled by the signer, kept for re-signing.
    InlineVector<Signature> signatures;
};

enum class NodeRole {
    apex,
    authoritative,
    delegation,  // NS below the apex: only DS (and NSEC) here are ours to sign
    occluded,    // below a delegation or DNAME: glue or other data we serve but never sign
};

struct Node {
    dns::Name name;
    NodeRole role = NodeRole::authoritative;
    std::vector<RRset> rrsets;  // ordered by type

    [[nodiscard]] const RRset* find(std::uint16_t type) const;
    [[nodiscard]] RRset* find(std::uint16_t type);
};

struct Zone {
    dns::Name origin;
    std::vector<std::string> files;  // files[0] is the main zone file, then $INCLUDEs
    std::vector<Node> nodes;         // canonical order; nodes[0] is the apex

    [[nodiscard]] SourceLocation location(SourceRef ref) const;
    [[nodiscard]] const Node& apex() const { return nodes.front(); }
    [[nodiscard]] Node& apex() { return nodes.front(); }
    [[nodiscard]] std::size_t record_count() const;
};

// A record as read, with its source, before grouping.
struct SourcedRr {
    dns::Rr rr;
    SourceRef where;
};

// What a load found that did not stop it.
struct Diagnostics {
    std::vector<Error> errors;
    std::vector<Error> warnings;
};

}  // namespace zw::zones
