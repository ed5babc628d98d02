#include "live/message.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "dns/ldns_handles.h"
#include "dns/rdata.h"

namespace zw::live {

namespace {

using LdnsPkt = std::unique_ptr<ldns_pkt, Free<ldns_pkt_free>>;

// ldns re-encodes a decoded record without compression; we read that form into a value
// and lowercase the names in it, the canonical form of RFC 4034 §6.2.
std::optional<dns::Rr> rr_from_ldns(const ldns_rr* in) {
    std::uint8_t* wire = nullptr;
    std::size_t size = 0;
    if (ldns_rr2wire(&wire, in, LDNS_SECTION_ANSWER, &size) != LDNS_STATUS_OK) return std::nullopt;
    dns::Bytes bytes(wire, wire + size);
    LDNS_FREE(wire);
    std::size_t name_len = dns::wire_name_length(bytes);
    if (name_len == 0 || bytes.size() < name_len + 10) return std::nullopt;
    auto owner = dns::Name::from_wire(std::span(bytes).first(name_len));
    if (!owner) return std::nullopt;
    const std::uint8_t* p = bytes.data() + name_len;
    dns::Rr rr;
    rr.owner = std::move(*owner);
    rr.type = dns::read_u16(p);
    if (dns::read_u16(p + 2) != dns::class_in) return std::nullopt;
    rr.ttl = dns::read_u32(p + 4);
    std::size_t rdlength = dns::read_u16(p + 8);
    if (bytes.size() != name_len + 10 + rdlength) return std::nullopt;
    rr.rdata.assign(p + 10, p + 10 + rdlength);
    if (!dns::lowercase_rdata_names(rr.type, rr.rdata)) return std::nullopt;
    return rr;
}

Result<std::vector<dns::Rr>> section_from_ldns(const ldns_rr_list* list, std::string_view what) {
    std::vector<dns::Rr> out;
    if (!list) return out;
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(list, i);
        // Records of other classes (CHAOS) are not ours to reason about.
        if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) continue;
        auto value = rr_from_ldns(rr);
        if (!value) return fail(bad_input(fmt::format("malformed record in the {} section", what)));
        out.push_back(std::move(*value));
    }
    return out;
}

}  // namespace

std::string rcode_text(std::uint16_t rc) {
    switch (rc) {
        case rcode::noerror:
            return "NOERROR";
        case rcode::formerr:
            return "FORMERR";
        case rcode::servfail:
            return "SERVFAIL";
        case rcode::nxdomain:
            return "NXDOMAIN";
        case rcode::notimp:
            return "NOTIMP";
        case rcode::refused:
            return "REFUSED";
        case rcode::notauth:
            return "NOTAUTH";
        case rcode::badvers:
            return "BADVERS";
        default:
            return fmt::format("RCODE{}", rc);
    }
}

std::vector<RrSet> group_rrsets(std::span<const dns::Rr> section) {
    // Keyed by (owner, type) in canonical order so the output is deterministic.
    struct Key {
        dns::Name owner;
        std::uint16_t type;
        bool operator<(const Key& o) const {
            int c = canonical_compare(owner, o.owner);
            return c != 0 ? c < 0 : type < o.type;
        }
    };
    std::map<Key, RrSet> sets;
    auto set_for = [&](const dns::Name& owner, std::uint16_t type, std::uint32_t ttl) -> RrSet& {
        auto [it, fresh] = sets.try_emplace(Key{owner, type}, RrSet{owner, type, ttl, {}, {}});
        if (!fresh) it->second.ttl = std::min(it->second.ttl, ttl);
        return it->second;
    };
    for (const dns::Rr& rr : section) {
        if (rr.type == dns::rrtype::RRSIG) {
            if (rr.rdata.size() < 2) continue;
            RrSet& s =
                sets.try_emplace(Key{rr.owner, dns::read_u16(rr.rdata.data())},
                                 RrSet{rr.owner, dns::read_u16(rr.rdata.data()), rr.ttl, {}, {}})
                    .first->second;
            s.rrsigs.push_back(rr);
        } else {
            set_for(rr.owner, rr.type, rr.ttl).rdatas.push_back(rr.rdata);
        }
    }
    std::vector<RrSet> out;
    out.reserve(sets.size());
    for (auto& [key, s] : sets) {
        std::sort(s.rdatas.begin(), s.rdatas.end(), dns::rdata_less);
        s.rdatas.erase(std::unique(s.rdatas.begin(), s.rdatas.end()), s.rdatas.end());
        // The TTL of an RRset with only signatures is the signatures' TTL.
        if (s.rdatas.empty() && !s.rrsigs.empty()) {
            s.ttl = s.rrsigs.front().ttl;
            for (const dns::Rr& r : s.rrsigs) s.ttl = std::min(s.ttl, r.ttl);
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::optional<RrSet> find_rrset(std::span<const dns::Rr> section, const dns::Name& owner,
                                std::uint16_t type) {
    std::vector<dns::Rr> matching;
    for (const dns::Rr& rr : section) {
        if (!(rr.owner == owner)) continue;
        if (rr.type == type || (rr.type == dns::rrtype::RRSIG && rr.rdata.size() >= 2 &&
                                dns::read_u16(rr.rdata.data()) == type))
            matching.push_back(rr);
    }
    auto sets = group_rrsets(matching);
    for (auto& s : sets)
        if (s.type == type && !s.rdatas.empty()) return std::move(s);
    return std::nullopt;
}

dns::Bytes build_query(std::uint16_t id, const Question& q, const QueryOptions& options) {
    dns::Bytes out;
    out.reserve(12 + q.name.wire().size() + 4 + 11);
    dns::put_u16(out, id);
    // RFC 1035 §4.1.1: QR=0, OPCODE=QUERY, then RD; RFC 4035 §3.2.2 puts CD in the low byte.
    out.push_back(options.recursion_desired ? 0x01 : 0x00);
    out.push_back(options.checking_disabled ? 0x10 : 0x00);
    dns::put_u16(out, 1);  // QDCOUNT
    dns::put_u16(out, 0);  // ANCOUNT
    dns::put_u16(out, 0);  // NSCOUNT
    dns::put_u16(out, 1);  // ARCOUNT: the OPT record
    out.insert(out.end(), q.name.bytes().begin(), q.name.bytes().end());
    dns::put_u16(out, q.type);
    dns::put_u16(out, q.klass);
    // RFC 6891 §6.1.2: root owner, type OPT (41), CLASS = payload size, TTL = extended
    // RCODE | version | DO (RFC 3225 §3) | Z, no options.
    out.push_back(0);
    dns::put_u16(out, 41);
    dns::put_u16(out, options.udp_size);
    dns::put_u32(out, options.dnssec_ok ? 0x00008000u : 0u);
    dns::put_u16(out, 0);
    return out;
}

Result<Message> parse_message(std::span<const std::uint8_t> wire) {
    if (wire.size() < 12)
        return fail(bad_input(fmt::format("a DNS message of {} bytes is too short", wire.size())));
    ldns_pkt* raw = nullptr;
    ldns_status st = ldns_wire2pkt(&raw, wire.data(), wire.size());
    if (st != LDNS_STATUS_OK)
        return fail(
            bad_input(fmt::format("malformed DNS message: {}", ldns_get_errorstr_by_id(st))));
    LdnsPkt pkt{raw};
    Message m;
    m.id = ldns_pkt_id(pkt.get());
    m.opcode = static_cast<std::uint8_t>(ldns_pkt_get_opcode(pkt.get()));
    m.flags = Flags{ldns_pkt_qr(pkt.get()), ldns_pkt_aa(pkt.get()), ldns_pkt_tc(pkt.get()),
                    ldns_pkt_rd(pkt.get()), ldns_pkt_ra(pkt.get()), ldns_pkt_ad(pkt.get()),
                    ldns_pkt_cd(pkt.get())};
    m.rcode = static_cast<std::uint16_t>(ldns_pkt_get_rcode(pkt.get()));
    // ldns keeps the OPT record's fields instead of the record; a UDP size of 0 means none.
    if (ldns_pkt_edns_udp_size(pkt.get()) != 0) {
        m.edns = Edns{ldns_pkt_edns_udp_size(pkt.get()), ldns_pkt_edns_version(pkt.get()),
                      ldns_pkt_edns_do(pkt.get())};
        m.rcode =
            static_cast<std::uint16_t>(m.rcode | ldns_pkt_edns_extended_rcode(pkt.get()) << 4);
    }
    const ldns_rr_list* qs = ldns_pkt_question(pkt.get());
    for (std::size_t i = 0; qs && i < ldns_rr_list_rr_count(qs); ++i) {
        const ldns_rr* q = ldns_rr_list_rr(qs, i);
        const ldns_rdf* owner = ldns_rr_owner(q);
        auto name = dns::Name::from_wire(std::span(ldns_rdf_data(owner), ldns_rdf_size(owner)));
        if (!name) return fail(bad_input("malformed question name"));
        m.questions.push_back(Question{std::move(*name),
                                       static_cast<std::uint16_t>(ldns_rr_get_type(q)),
                                       static_cast<std::uint16_t>(ldns_rr_get_class(q))});
    }
    auto answer = section_from_ldns(ldns_pkt_answer(pkt.get()), "answer");
    if (!answer) return fail(answer.error());
    auto authority = section_from_ldns(ldns_pkt_authority(pkt.get()), "authority");
    if (!authority) return fail(authority.error());
    auto additional = section_from_ldns(ldns_pkt_additional(pkt.get()), "additional");
    if (!additional) return fail(additional.error());
    m.answer = std::move(*answer);
    m.authority = std::move(*authority);
    m.additional = std::move(*additional);
    return m;
}

std::string_view name(MatchResult r) {
    switch (r) {
        case MatchResult::accepted:
            return "accepted";
        case MatchResult::wrong_source:
            return "wrong source address";
        case MatchResult::not_a_response:
            return "not a response";
        case MatchResult::wrong_id:
            return "wrong message ID";
        case MatchResult::wrong_question:
            return "wrong question";
        case MatchResult::malformed:
            return "malformed";
    }
    return "?";
}

MatchResult match_response(std::span<const std::uint8_t> wire, const std::string& from,
                           std::uint16_t from_port, const std::string& asked,
                           std::uint16_t asked_port, std::uint16_t id, const Question& q,
                           Message& out) {
    // Cheapest checks first: a spoofer off-path has to guess the port, the ID and the
    // question (RFC 5452 §4); a datagram from elsewhere is not even decoded.
    if (from != asked || from_port != asked_port) return MatchResult::wrong_source;
    if (wire.size() >= 2 && dns::read_u16(wire.data()) != id) return MatchResult::wrong_id;
    auto m = parse_message(wire);
    if (!m) return MatchResult::malformed;
    if (!m->flags.qr) return MatchResult::not_a_response;
    if (m->id != id) return MatchResult::wrong_id;
    // Names are lowercased on decoding, so this compares them case-insensitively.
    if (m->questions.size() != 1 || !(m->questions.front() == q))
        return MatchResult::wrong_question;
    out = std::move(*m);
    return MatchResult::accepted;
}

}  // namespace zw::live
