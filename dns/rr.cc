#include "dns/rr.h"

#include <fmt/format.h>
#include <ldns/ldns.h>

#include <algorithm>
#include <cstring>

#include "dns/ldns_handles.h"
#include "dns/presentation.h"
#include "dns/rdata.h"

namespace zw::dns {

std::string type_to_text(std::uint16_t type) {
    const ldns_rr_descriptor* d = ldns_rr_descript(type);
    if (d && d->_name && std::strncmp(d->_name, "TYPE", 4) != 0) return d->_name;
    return fmt::format("TYPE{}", type);
}

std::optional<std::uint16_t> type_from_text(std::string_view text) {
    std::string s(text);
    ldns_rr_type t = ldns_get_rr_type_by_name(s.c_str());
    if (t == 0) return std::nullopt;
    return static_cast<std::uint16_t>(t);
}

bool is_dnssec_generated_type(std::uint16_t type) {
    switch (type) {
        case rrtype::DNSKEY:
        case rrtype::RRSIG:
        case rrtype::NSEC:
        case rrtype::NSEC3:
        case rrtype::NSEC3PARAM:
        case rrtype::CDS:
        case rrtype::CDNSKEY:
            return true;
        default:
            return false;
    }
}

bool rdata_less(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

void append_rr_wire(Bytes& out, const Rr& rr) {
    const std::string& o = rr.owner.wire();
    out.insert(out.end(), o.begin(), o.end());
    auto put16 = [&](std::uint16_t v) {
        out.push_back(static_cast<std::uint8_t>(v >> 8));
        out.push_back(static_cast<std::uint8_t>(v));
    };
    put16(rr.type);
    put16(class_in);
    put16(static_cast<std::uint16_t>(rr.ttl >> 16));
    put16(static_cast<std::uint16_t>(rr.ttl));
    put16(static_cast<std::uint16_t>(rr.rdata.size()));
    out.insert(out.end(), rr.rdata.begin(), rr.rdata.end());
}

Result<std::string> rr_to_text(const Rr& rr) {
    std::string out;
    append_rr_text(out, rr.owner, rr.ttl, rr.type, rr.rdata);
    return out;
}

Result<Rr> rr_from_text(std::string_view text, const Name* origin) {
    std::string s(text);
    Rdf origin_rdf;
    if (origin)
        origin_rdf.reset(ldns_dname_new_frm_data(origin->wire().size(), origin->wire().data()));
    ldns_rr* raw = nullptr;
    ldns_status st = ldns_rr_new_frm_str(&raw, s.c_str(), 3600, origin_rdf.get(), nullptr);
    if (st != LDNS_STATUS_OK) {
        // The text is not quoted back: it may come from a file that is not what it claims
        // to be (`--trust-anchor /etc/shadow`); callers add the file and line.
        return fail(
            bad_input(fmt::format("cannot parse the record: {}", ldns_get_errorstr_by_id(st))));
    }
    LdnsRr owned{raw};
    if (ldns_rr_get_class(owned.get()) != LDNS_RR_CLASS_IN)
        return fail(bad_input("only class IN is supported"));
    std::uint8_t* wire = nullptr;
    std::size_t size = 0;
    if (ldns_rr2wire(&wire, owned.get(), LDNS_SECTION_ANSWER, &size) != LDNS_STATUS_OK) {
        return fail(bad_input("cannot encode the record"));
    }
    Bytes bytes(wire, wire + size);
    LDNS_FREE(wire);
    std::size_t name_len = wire_name_length(bytes);
    if (name_len == 0 || bytes.size() < name_len + 10) return fail(bad_input("malformed record"));
    Rr rr;
    rr.owner = *Name::from_wire(std::span(bytes).first(name_len));
    const std::uint8_t* p = bytes.data() + name_len;
    rr.type = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
    rr.ttl = static_cast<std::uint32_t>(p[4]) << 24 | static_cast<std::uint32_t>(p[5]) << 16 |
             static_cast<std::uint32_t>(p[6]) << 8 | p[7];
    rr.rdata.assign(p + 10, static_cast<const std::uint8_t*>(bytes.data() + bytes.size()));
    if (!lowercase_rdata_names(rr.type, rr.rdata)) return fail(bad_input("malformed record data"));
    return rr;
}

}  // namespace zw::dns
