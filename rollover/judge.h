#pragma once
// The pure half of a live check (DESIGN.md): given what every authoritative server
// answered, decide the Observation the engine gets. The IO half (fan-out queries with
// bounded timeouts, validation from the trust anchor) lives with dns/ and app/.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "rollover/engine.h"

namespace zw::rollover {

struct ServerAnswer {
    std::string server;                   // "ns1.example.net/192.0.2.1"
    bool answered = false;                // false: timeout, refused, SERVFAIL, ...
    bool serves = false;                  // the record is in the answer
    bool validated = false;               // the answer validated from the trust anchor
    std::optional<std::uint32_t> serial;  // SOA serial seen (child checks)
    std::optional<Seconds> ttl;           // TTL of the RRset that was checked
};

struct Expectation {
    std::uint32_t key = 0;
    Record record = Record::dnskey;
    Expect expect = Expect::present;
    // Child checks: the serial that carries the change; an older zone proves nothing.
    std::optional<std::uint32_t> min_serial;
};

// Confirmed only if every server answered, validated, is at least at min_serial and
// agrees with the expectation. Any server that did not answer makes it `unreachable`;
// no servers at all is `refuted`. The detail names every server that disagreed.
[[nodiscard]] Observation judge(const Expectation& e, std::span<const ServerAnswer> answers,
                                Instant at);

}  // namespace zw::rollover
