#include "app/survey_answers.h"

#include <fmt/format.h>

#include <algorithm>

#include "dns/dnssec.h"
#include "dns/presentation.h"
#include "zones/serial.h"

namespace zw::app {

std::string rdata_text(const dns::Name& owner, std::uint16_t type, const dns::Bytes& rdata) {
    std::string line;
    dns::append_rr_text(line, owner, 0, type, rdata);
    // owner TAB ttl TAB class TAB type TAB rdata: keep what follows the fourth tab.
    std::size_t pos = 0;
    for (int i = 0; i < 4 && pos != std::string::npos; ++i)
        pos = line.find('\t', pos == 0 ? 0 : pos + 1);
    return pos == std::string::npos ? line : line.substr(pos + 1);
}

std::vector<std::string> rdata_texts(const dns::Name& owner, std::uint16_t type,
                                     const std::vector<dns::Bytes>& rdatas) {
    std::vector<std::string> out;
    for (const auto& rd : rdatas) out.push_back(rdata_text(owner, type, rd));
    return out;
}

namespace {

// Secure, or insecure because the parent proves there is no DS: both are what every
// validating resolver concludes too (RFC 4035 §4.3), so both count as validated.
bool validated(const live::Validation& v) {
    switch (v.state) {
        case live::Security::secure:
        case live::Security::insecure:
            return true;
        case live::Security::bogus:
        case live::Security::indeterminate:
            return false;
    }
    return false;
}

rollover::ServerAnswer answer_from(const live::ServerAddress& where, live::ServerFault fault,
                                   const std::string& detail, std::optional<std::uint32_t> serial,
                                   const live::ServedSet& set, const dns::Name& owner,
                                   std::uint16_t type, const dns::Bytes& key, bool by_signature) {
    rollover::ServerAnswer a;
    a.server = where.label();
    a.answered = fault == live::ServerFault::none;
    if (!a.answered) {
        a.why = fmt::format("{}: {}", name(fault), detail);
        return a;
    }
    a.validated = validated(set.validation);
    if (!a.validated) a.why = fmt::format("{}: {}", name(set.validation.state), set.validation.why);
    a.serial = serial;
    if (set.present) a.ttl = Seconds{set.ttl};
    a.rrset = rdata_texts(owner, type, set.rdatas);
    if (by_signature) {
        // A signature by `key`: its tag among the set's signers (SOA: ZRRSIG, DNSKEY: KRRSIG).
        a.serves = key.size() >= 4 && std::binary_search(set.signer_tags.begin(),
                                                         set.signer_tags.end(), dns::key_tag(key));
    } else if (type == dns::rrtype::DS) {
        a.serves = false;
        for (const auto& rd : set.rdatas)
            if (rd.size() >= 4) {
                auto ds = dns::ds_rdata(owner, key, rd[3]);
                a.serves |= ds && *ds == rd;
            }
    } else {
        a.serves = std::find(set.rdatas.begin(), set.rdatas.end(), key) != set.rdatas.end();
    }
    return a;
}

}  // namespace

std::vector<rollover::ServerAnswer> server_answers(const live::ZoneReport& r, Served what,
                                                   const dns::Bytes& key) {
    std::vector<rollover::ServerAnswer> out;
    const dns::Name& zone = r.discovery.zone;
    switch (what) {
        case Served::ds:
            for (const auto& p : r.parent)
                out.push_back(answer_from(p.where, p.fault, p.fault_detail, p.serial, p.ds, zone,
                                          dns::rrtype::DS, key, false));
            return out;
        case Served::dnskey:
        case Served::dnskey_signature:
        case Served::cds:
        case Served::cdnskey:
        case Served::soa:
            break;
    }
    const bool by_signature = what == Served::soa || what == Served::dnskey_signature;
    for (const auto& c : r.child) {
        const live::ServedSet& set = what == Served::dnskey || what == Served::dnskey_signature
                                         ? c.dnskey
                                     : what == Served::cds     ? c.cds
                                     : what == Served::cdnskey ? c.cdnskey
                                                               : c.soa;
        std::uint16_t type = what == Served::dnskey || what == Served::dnskey_signature
                                 ? dns::rrtype::DNSKEY
                             : what == Served::cds     ? dns::rrtype::CDS
                             : what == Served::cdnskey ? dns::rrtype::CDNSKEY
                                                       : dns::rrtype::SOA;
        out.push_back(answer_from(c.where, c.fault, c.fault_detail, c.serial, set, zone, type, key,
                                  by_signature));
    }
    return out;
}

std::vector<std::string> disagreements(const live::ZoneReport& r, Instant now) {
    std::vector<std::string> out = r.discovery.servers.problems;
    auto judged = [&](Served what, std::string_view label, bool compare_sets, bool compare_serial) {
        auto answers = server_answers(r, what);
        rollover::Expectation e;
        // Agreement is judged against the first server that answered and validated: the
        // detail then names every server that differs from it.
        for (const auto& a : answers) {
            if (!a.answered || !a.validated) continue;
            if (compare_sets && !e.equals) e.equals = a.rrset;
            // The newest serial in RFC 1982 order: across the wrap, 5 is newer than 4294967290.
            if (compare_serial && a.serial &&
                (!e.min_serial ||
                 zones::serial_compare(*a.serial, *e.min_serial) == zones::SerialOrder::greater)) {
                e.min_serial = a.serial;
            }
        }
        if (!compare_sets) e.expect = rollover::Expect::absent;  // serves is false for an empty key
        rollover::Observation o = rollover::judge(e, answers, now);
        if (o.verdict != rollover::Verdict::confirmed)
            out.push_back(fmt::format("{}: {}", label, o.detail));
    };
    judged(Served::ds, "DS at the parent", true, false);
    judged(Served::soa, "child serial", false, true);
    judged(Served::dnskey, "child DNSKEY", true, false);
    judged(Served::cds, "child CDS", true, false);
    judged(Served::cdnskey, "child CDNSKEY", true, false);
    // Each line names the same unreachable server; keep the first mention of each.
    std::vector<std::string> unique;
    for (auto& line : out)
        if (std::find(unique.begin(), unique.end(), line) == unique.end())
            unique.push_back(std::move(line));
    return unique;
}

}  // namespace zw::app
