#pragma once
// Turns the per-address survey reports of live/ into the per-server answers the pure judge
// of rollover/ consumes (live/ must not know rollover types; app/ knows both). The
// operator commands (check, tick) and `probe` share this.

#include <string>
#include <vector>

#include "live/zone_survey.h"
#include "rollover/judge.h"

namespace zw::app {

// The RDATA of a record in presentation format ("12345 13 2 ABCD..."), as set members.
[[nodiscard]] std::string rdata_text(const dns::Name& owner, std::uint16_t type,
                                     const dns::Bytes& rdata);
[[nodiscard]] std::vector<std::string> rdata_texts(const dns::Name& owner, std::uint16_t type,
                                                   const std::vector<dns::Bytes>& rdatas);

// Which served set an answer describes.
enum class Served { ds, dnskey, dnskey_signature, cds, cdnskey, soa };

// One answer per parent address (ds) or child address (the others): answered = the
// address answered with authority; validated = the set is secure (or insecure because
// the parent proves no DS); serves = `key` (DNSKEY RDATA) is in the set, or for soa the
// key signs the SOA (a ZRRSIG), for dnskey_signature it signs the DNSKEY RRset (KRRSIG); rrset =
// the set as text; serial and TTL as served.
[[nodiscard]] std::vector<rollover::ServerAnswer> server_answers(const live::ZoneReport& report,
                                                                 Served what,
                                                                 const dns::Bytes& key = {});

// Whether the servers agree with each other: the parent servers on the DS set, the child
// servers on serial, DNSKEY, CDS and CDNSKEY; and every address answered and validated.
// Empty when all is well; otherwise one line per problem, naming the server.
[[nodiscard]] std::vector<std::string> disagreements(const live::ZoneReport& report, Instant now);

}  // namespace zw::app
