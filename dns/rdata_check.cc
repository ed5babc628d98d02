#include "dns/rdata_check.h"

#include <fmt/format.h>
#include <ldns/ldns.h>

#include <cctype>

#include "dns/dnssec.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rr.h"
#include "dns/svcb.h"

namespace zw::dns {

namespace {

using Span = std::span<const std::uint8_t>;

struct Field {
    std::size_t length = 0;  // 0: malformed
    const char* what = "";
};

// The octets one field of an ldns layout takes at the start of `rest` (as ldns_wire2rdf
// reads them), and what it is called in a message.
Field field_at(ldns_rdf_type kind, Span rest) {
    auto counted = [&](std::size_t prefix, std::size_t length) {
        return rest.size() < prefix ? 0 : prefix + length;
    };
    switch (kind) {
        case LDNS_RDF_TYPE_DNAME:
            return {wire_name_length(rest), "domain name"};
        case LDNS_RDF_TYPE_CLASS:
        case LDNS_RDF_TYPE_ALG:
        case LDNS_RDF_TYPE_CERTIFICATE_USAGE:
        case LDNS_RDF_TYPE_SELECTOR:
        case LDNS_RDF_TYPE_MATCHING_TYPE:
        case LDNS_RDF_TYPE_INT8:
            return {1, "8-bit number"};
        case LDNS_RDF_TYPE_TYPE:
        case LDNS_RDF_TYPE_INT16:
        case LDNS_RDF_TYPE_CERT_ALG:
            return {2, "16-bit number"};
        case LDNS_RDF_TYPE_TIME:
        case LDNS_RDF_TYPE_INT32:
        case LDNS_RDF_TYPE_PERIOD:
            return {4, "32-bit number"};
        case LDNS_RDF_TYPE_A:
            return {4, "IPv4 address (4 octets)"};
        case LDNS_RDF_TYPE_TSIGTIME:
            return {6, "48-bit time"};
        case LDNS_RDF_TYPE_EUI48:
            return {6, "EUI-48 (6 octets)"};
        case LDNS_RDF_TYPE_ILNP64:
            return {8, "64-bit locator"};
        case LDNS_RDF_TYPE_EUI64:
            return {8, "EUI-64 (8 octets)"};
        case LDNS_RDF_TYPE_AAAA:
            return {16, "IPv6 address (16 octets)"};
        case LDNS_RDF_TYPE_STR:
        case LDNS_RDF_TYPE_NSEC3_SALT:
        case LDNS_RDF_TYPE_TAG:
        case LDNS_RDF_TYPE_B32_EXT:
        case LDNS_RDF_TYPE_NSEC3_NEXT_OWNER:
            return {counted(1, rest.empty() ? 0 : rest[0]), "length-prefixed string"};
        case LDNS_RDF_TYPE_INT16_DATA:
            return {counted(2, rest.size() < 2 ? 0 : read_u16(rest.data())),
                    "16-bit length and data"};
        case LDNS_RDF_TYPE_HIP:
            return {
                counted(4, rest.size() < 4 ? 0 : rest[0] + std::size_t{read_u16(rest.data() + 2)}),
                "HIT and public key"};
        default:
            // The rest of the RDATA: ldns reads B64, HEX, LOC, APL, WKS, IPSECKEY, SVCPARAMS
            // and the like to the end and leaves their inside to the type's checks below.
            return {rest.size(), "data"};
    }
}

// The type's fields as ldns lays them out: none may run past the end, nothing may be left
// over (BIND: "extra input data"), and the required ones must be there (BIND: "unexpected
// end of input").
std::optional<std::string> layout_problem(const ldns_rr_descriptor& d, std::uint16_t type,
                                          Span rdata) {
    auto name = [&] { return type_to_text(type); };
    const std::size_t max_fields = ldns_rr_descriptor_maximum(&d);
    std::size_t pos = 0, index = 0;
    for (; pos < rdata.size() && index < max_fields; ++index) {
        const Field f = field_at(ldns_rr_descriptor_field_type(&d, index), rdata.subspan(pos));
        if (f.length == 0 || pos + f.length > rdata.size()) {
            return fmt::format("{} RDATA of {} octets ends inside field {} ({})", name(),
                               rdata.size(), index + 1, f.what);
        }
        pos += f.length;
    }
    if (pos < rdata.size()) {
        return fmt::format("{} RDATA has {} octet(s) left over after its {} field(s)", name(),
                           rdata.size() - pos, index);
    }
    if (index < ldns_rr_descriptor_minimum(&d)) {
        return fmt::format("{} RDATA of {} octets has {} of the {} fields the type needs", name(),
                           rdata.size(), index, ldns_rr_descriptor_minimum(&d));
    }
    return std::nullopt;
}

// RFC 4034 §5.1.4 with RFC 4509 and RFC 6605: the digest types Knot, BIND and ldns all
// check (Knot refuses every other one).
std::optional<std::string> ds_problem(std::uint16_t type, Span r) {
    const std::uint8_t digest_type = r[3];
    const auto size = ds_digest_size(digest_type);
    if (!size) {
        return fmt::format(
            "{} digest type {} is not SHA-1 (1), SHA-256 (2) or SHA-384 (4), the ones its "
            "validators check (Knot refuses it)",
            type_to_text(type), digest_type);
    }
    if (r.size() - 4 != *size) {
        return fmt::format("{} digest of type {} is {} octets; it must be {}", type_to_text(type),
                           digest_type, r.size() - 4, *size);
    }
    return std::nullopt;
}

// RFC 4255 §3.1.2 and RFC 6594 §4: fingerprint types 1 (SHA-1) and 2 (SHA-256).
std::optional<std::string> sshfp_problem(Span r) {
    const std::uint8_t fp_type = r[1];
    const std::optional<std::size_t> size = fp_type == 1   ? ds_digest_size(digest::sha1)
                                            : fp_type == 2 ? ds_digest_size(digest::sha256)
                                                           : std::nullopt;
    if (size && r.size() - 2 != *size) {
        return fmt::format("SSHFP fingerprint of type {} is {} octets; it must be {}", fp_type,
                           r.size() - 2, *size);
    }
    return std::nullopt;
}

// RFC 1876 §2: version 0 is 16 octets; sizes and precisions are mantissa and exponent
// digits of 0 to 9.
std::optional<std::string> loc_problem(Span r) {
    if (r[0] != 0) return std::nullopt;  // other versions are opaque
    if (r.size() != 16) return fmt::format("LOC version 0 RDATA is 16 octets, not {}", r.size());
    for (std::size_t i = 1; i <= 3; ++i) {
        if ((r[i] >> 4) > 9 || (r[i] & 0x0f) > 9)
            return "LOC size or precision is not a digit times a power of ten";
    }
    return std::nullopt;
}

// RFC 3123 §4: family, prefix, N|AFDLENGTH, AFDPART without trailing zero octets.
std::optional<std::string> apl_problem(Span r) {
    for (std::size_t at = 0; at < r.size();) {
        if (at + 4 > r.size()) return "APL item cut off";
        const std::uint16_t family = read_u16(r.data() + at);
        const std::size_t prefix = r[at + 2], afd_length = r[at + 3] & 0x7f;
        const std::size_t max_prefix = family == 1 ? 32 : family == 2 ? 128 : 0;
        if (max_prefix == 0)
            return fmt::format("APL address family {} is neither IPv4 (1) nor IPv6 (2)", family);
        if (prefix > max_prefix || afd_length > max_prefix / 8)
            return "APL prefix or address too long for its family";
        if (at + 4 + afd_length > r.size()) return "APL address runs past the end";
        if (afd_length > 0 && r[at + 3 + afd_length] == 0)
            return "APL address has trailing zero octets";
        at += 4 + afd_length;
    }
    return std::nullopt;
}

// RFC 4025 §2 (IPSECKEY: precedence, gateway type, algorithm, gateway, key) and RFC 8777
// §4.2 (AMTRELAY: precedence, D|type, relay): the gateway's form follows its type.
std::optional<std::string> gateway_problem(const char* name, Span r, std::size_t type_at,
                                           std::size_t gateway_at, bool key_follows) {
    if (r.size() < gateway_at) return fmt::format("{} RDATA cut off", name);
    const std::uint8_t type = r[type_at] & 0x7f;
    const Span rest = r.subspan(gateway_at);
    std::size_t gateway = 0;
    switch (type) {
        case 0:
            gateway = 0;
            break;
        case 1:
            gateway = 4;
            break;
        case 2:
            gateway = 16;
            break;
        case 3:
            gateway = wire_name_length(rest);
            if (gateway == 0) return fmt::format("{} gateway is not a domain name", name);
            break;
        default:
            return fmt::format("{} gateway type {} is not 0 to 3", name, type);
    }
    if (gateway > rest.size() || (!key_follows && gateway != rest.size())) {
        return fmt::format("{} gateway of type {} does not fit the RDATA", name, type);
    }
    return std::nullopt;
}

// RFC 4034 §4.1.2: windows in increasing order, 1 to 32 octets each.
std::optional<std::string> bitmap_problem(std::uint16_t type, Span b) {
    int last_window = -1;
    for (std::size_t at = 0; at < b.size();) {
        if (at + 2 > b.size() || b[at + 1] == 0 || b[at + 1] > 32 ||
            at + 2 + b[at + 1] > b.size() || b[at] <= last_window) {
            return fmt::format("{} type bit map is malformed", type_to_text(type));
        }
        last_window = b[at];
        at += 2 + b[at + 1];
    }
    return std::nullopt;
}

// RFC 8659 §4.1: the tag is 1 to 15 letters and digits.
std::optional<std::string> caa_problem(Span r) {
    const std::size_t len = r[1];
    if (len == 0 || len > 15) return "CAA tag must be 1 to 15 characters";
    for (std::size_t i = 2; i < 2 + len; ++i) {
        if (!std::isalnum(r[i])) return "CAA tag must be letters and digits only";
    }
    return std::nullopt;
}

// Checks inside fields that the layout reads as opaque, once the layout is right.
std::optional<std::string> type_problem(std::uint16_t type, Span r) {
    switch (type) {
        case rrtype::DS:
        case rrtype::CDS:
            return ds_problem(type, r);
        case 44:
            return sshfp_problem(r);
        case 29:
            return loc_problem(r);
        case 42:
            return apl_problem(r);
        case 45:
            return gateway_problem("IPSECKEY", r, 1, 3, true);
        case 260:
            return gateway_problem("AMTRELAY", r, 1, 2, false);
        case 62:
            return bitmap_problem(type, r.subspan(6));  // CSYNC: serial, flags, bit map
        case 257:
            return caa_problem(r);
        default:
            return std::nullopt;
    }
}

}  // namespace

bool is_meta_type(std::uint16_t type) {
    return type == 0 || type == 41 || (type >= 128 && type <= 255);
}

std::optional<std::string> rdata_problem(std::uint16_t type, Span rdata) {
    // Most of a zone, and one field each: no walk over the layout needed.
    if ((type == rrtype::A && rdata.size() == 4) || (type == rrtype::AAAA && rdata.size() == 16))
        return std::nullopt;
    if (is_meta_type(type)) {
        return fmt::format("{} is a query or meta type (RFC 6895 §3.1), not zone data",
                           type_to_text(type));
    }
    if (type == svcb_type || type == https_type) {
        if (auto problem = svcb_problem(rdata))
            return fmt::format("{} RDATA: {}", type_to_text(type), *problem);
        return std::nullopt;
    }
    // Types that have no layout in ldns (its table fills gaps with placeholders of type 0
    // or NULL) are opaque.
    const ldns_rr_descriptor* d = ldns_rr_descript(type);
    if (!d || d->_type != type || !d->_name) return std::nullopt;
    if (auto problem = layout_problem(*d, type, rdata)) return problem;
    return type_problem(type, rdata);
}

}  // namespace zw::dns
