#pragma once
// Who serves a zone (docs/live-checks.md, "Discovery"): the zone cut above it and the parent zone,
// the parent's servers, the delegation NS set the parent serves, the zone's own apex NS
// set, and every A and AAAA address of every one of those names.
//
// A configured recursive resolver is asked for names and addresses only (with CD set, so
// a broken chain does not hide the servers we must look at); the delegation and the apex
// NS set come from the authoritative servers themselves, and so does everything a check
// relies on later.

#include <optional>
#include <string>
#include <vector>

#include "live/client.h"

namespace zw::live {

// One address of one name server: what a check queries and names in its report.
struct ServerAddress {
    dns::Name ns;
    Server server;

    // "ns1.example.net./192.0.2.1"
    [[nodiscard]] std::string label() const;
    friend bool operator==(const ServerAddress&, const ServerAddress&) = default;
};

struct ZoneServers {
    dns::Name zone;
    std::vector<dns::Name> delegation_ns;  // served by the parent (empty for the anchor's zone)
    std::vector<dns::Name> apex_ns;        // served by the zone itself
    // Every address of every name in delegation_ns ∪ apex_ns, sorted by name then address.
    std::vector<ServerAddress> addresses;
    // What discovery could not settle: a name without addresses, servers that disagree
    // on the NS set, a delegation NS that is not at the apex. A check reports these.
    std::vector<std::string> problems;
};

struct Discovery {
    dns::Name zone;
    std::optional<dns::Name> parent;  // none for the root
    ZoneServers parent_servers;       // the parent's own servers (apex NS of the parent)
    ZoneServers servers;              // the zone's servers
};

class Discoverer {
  public:
    Discoverer(Client& client, Server resolver) : client_(client), resolver_(std::move(resolver)) {}

    // The zone whose cut lies directly above `zone`: the owner of the SOA the resolver
    // gives for the parent name (RFC 2181 §6: the SOA marks the top of a zone).
    [[nodiscard]] Result<dns::Name> parent_of(const dns::Name& zone);
    // The zone that holds `name`: the name itself when it is an apex, else the zone above.
    [[nodiscard]] Result<dns::Name> zone_of(const dns::Name& name);
    // The zone's apex NS set (through the resolver) and all addresses of those names.
    [[nodiscard]] Result<ZoneServers> servers_of(const dns::Name& zone);
    // Everything above for one zone; an outside error when the resolver does not answer
    // or the zone does not exist.
    [[nodiscard]] Result<Discovery> discover(const dns::Name& zone);

    // A and AAAA of every name through the resolver: one entry per name and address.
    [[nodiscard]] std::vector<ServerAddress> resolve(std::span<const dns::Name> names,
                                                     std::vector<std::string>& problems);

  private:
    [[nodiscard]] Result<Message> ask_resolver(const dns::Name& qname, std::uint16_t qtype);
    // The NS set for `zone` as each of `servers` serves it (referral or answer); the union,
    // with a problem noted when they differ or none answers.
    [[nodiscard]] std::vector<dns::Name> ns_from(const dns::Name& zone,
                                                 std::span<const ServerAddress> servers,
                                                 std::string_view whose,
                                                 std::vector<std::string>& problems);

    Client& client_;
    Server resolver_;
};

}  // namespace zw::live
