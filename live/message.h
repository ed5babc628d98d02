#pragma once
// DNS messages as plain values (RFC 1035 §4.1, EDNS0 of RFC 6891, the DO bit of RFC 3225):
// what a query client sends and what it got back, with records grouped into RRsets. No
// ldns type leaves dns/: ldns only decodes the wire form (name compression and all).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dns/rr.h"

namespace zw::live {

// RCODE values we tell apart (RFC 1035 §4.1.1, RFC 6891 §6.1.3 for the extended ones).
namespace rcode {
inline constexpr std::uint16_t noerror = 0, formerr = 1, servfail = 2, nxdomain = 3, notimp = 4,
                               refused = 5, notauth = 9, badvers = 16;
}  // namespace rcode
// "NOERROR", "SERVFAIL", or "RCODE23".
[[nodiscard]] std::string rcode_text(std::uint16_t rcode);

struct Question {
    dns::Name name;
    std::uint16_t type = 0;
    std::uint16_t klass = dns::class_in;

    friend bool operator==(const Question&, const Question&) = default;
};

struct Flags {
    bool qr = false, aa = false, tc = false, rd = false, ra = false, ad = false, cd = false;
};

struct Edns {
    std::uint16_t udp_size = 0;
    std::uint8_t version = 0;
    bool dnssec_ok = false;
};

// One RRset of a section: the records of one owner and type, and the RRSIGs covering it
// (RFC 4035 §3.1.1 puts them in the same section).
struct RrSet {
    dns::Name owner;
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;           // the smallest TTL seen (RFC 2181 §5.2)
    std::vector<dns::Bytes> rdatas;  // canonical: embedded names lowercased, sorted, no duplicates
    std::vector<dns::Rr> rrsigs;
};

struct Message {
    std::uint16_t id = 0;
    std::uint8_t opcode = 0;
    Flags flags;
    std::uint16_t rcode = 0;  // with the EDNS extended bits when an OPT record is present
    std::vector<Question> questions;
    std::vector<dns::Rr> answer, authority, additional;  // the OPT pseudo-record is in edns
    std::optional<Edns> edns;
};

// Groups a section's records into RRsets in canonical form; RRSIGs go to the set they
// cover (an RRSIG covering a type absent from the section gets an RRset with no rdatas).
[[nodiscard]] std::vector<RrSet> group_rrsets(std::span<const dns::Rr> section);
// The RRset of owner/type in a section, if the section has that type at that owner.
[[nodiscard]] std::optional<RrSet> find_rrset(std::span<const dns::Rr> section,
                                              const dns::Name& owner, std::uint16_t type);

struct QueryOptions {
    bool recursion_desired = false;  // authoritative checks never ask for recursion
    bool checking_disabled = false;  // CD (RFC 4035 §3.2.2): discovery validates itself
    bool dnssec_ok = true;           // DO (RFC 3225): we want the RRSIGs
    std::uint16_t udp_size = 1232;   // the DNS flag day 2020 default, no IP fragmentation
};

// The wire form of a query with one question and an OPT record (RFC 6891 §6.1.2).
[[nodiscard]] dns::Bytes build_query(std::uint16_t id, const Question& q,
                                     const QueryOptions& options);

// Decodes a message; bad_input when the bytes are not a DNS message.
[[nodiscard]] Result<Message> parse_message(std::span<const std::uint8_t> wire);

// Why a datagram is, or is not, the answer to our query. RFC 5452 §9.1: accept only a
// response from the address we asked, with our ID and our question.
enum class MatchResult {
    accepted,
    wrong_source,
    not_a_response,
    wrong_id,
    wrong_question,
    malformed
};
[[nodiscard]] std::string_view name(MatchResult r);

// Decides whether wire, received from `from`, answers the query (id, q) sent to `asked`.
// Addresses are compared as text in the normalised form of an IP address ("127.0.0.1",
// "::1"); ports are compared too. On `accepted`, out holds the parsed message.
[[nodiscard]] MatchResult match_response(std::span<const std::uint8_t> wire,
                                         const std::string& from, std::uint16_t from_port,
                                         const std::string& asked, std::uint16_t asked_port,
                                         std::uint16_t id, const Question& q, Message& out);

}  // namespace zw::live
