#pragma once
// The pure half of a live check (docs/live-checks.md): given what every authoritative server
// answered, decide the Observation the engine gets. The IO half (fan-out queries with
// bounded timeouts, validation from the trust anchor) lives in live/ and app/.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rollover/engine.h"

namespace zw::rollover {

struct ServerAnswer {
    std::string server;                   // "ns1.example.net/192.0.2.1"
    bool answered = false;                // false: timeout, refused, SERVFAIL, ...
    bool serves = false;                  // the record is in the answer
    bool validated = false;               // the answer validated from the trust anchor
    std::optional<std::uint32_t> serial;  // SOA serial seen (child checks)
    std::optional<Seconds> ttl;           // TTL of the RRset that was checked
    // The whole RRset as served, one presentation-format RDATA per element; compared
    // when the expectation names a set (set equality ignores order and duplicates).
    std::vector<std::string> rrset = {};
    // Why the server did not answer or its answer did not validate, for the detail.
    std::string why = {};
};

struct Expectation {
    std::uint32_t key = 0;
    Record record = Record::dnskey;
    Expect expect = Expect::present;
    // Child checks: the serial that carries the change; an older zone proves nothing.
    // Compared in RFC 1982 serial arithmetic, so a wrapped serial still counts as newer.
    std::optional<std::uint32_t> min_serial;
    // Set checks (the parent's DS set, the child's CDS/CDNSKEY set): every server must serve
    // exactly this set; the detail names what is missing and what is extra per server.
    std::optional<std::vector<std::string>> equals = std::nullopt;
};

// Confirmed only if every server answered, validated, is at least at min_serial and
// agrees with the expectation (serves / does not serve the key; serves exactly `equals`). Any
// server that did not answer makes it `unreachable`; no servers at all is `refuted`. The detail
// names every server that disagreed.
[[nodiscard]] Observation judge(const Expectation& e, std::span<const ServerAnswer> answers,
                                Instant at);

}  // namespace zw::rollover
