#include "dns/presentation.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ldns/ldns.h>
// libknot's headers lack C++ linkage guards.
extern "C" {
#include <libknot/descriptor.h>
}

#include <array>
#include <charconv>
#include <chrono>

#include "dns/encoding.h"
#include "dns/ldns_handles.h"
#include "dns/rdata.h"
#include "dns/svcb.h"

namespace zw::dns {

namespace {

using Span = std::span<const std::uint8_t>;

// Knot's scanner reads a type's mnemonic and its own text form only for the types of its
// descriptor table (obsolete ones such as MD or PX it reads only in the generic form),
// NULL excepted, which it knows by neither.
bool scanner_reads_text(std::uint16_t type) {
    const knot_rdata_descriptor_t* d = knot_get_rdata_descriptor(type);
    return d && d->type_name && type != 10;
}

// A type's mnemonic where ldns (ldns-verify-zone) and Knot's scanner (the peers' and our
// own reader) spell it alike; otherwise the RFC 3597 form TYPEnnn, which every loader
// reads. BIND knows every mnemonic that both of them know.
std::string portable_type_name(std::uint16_t type) {
    std::string ldns_name = type_to_text(type);
    if (scanner_reads_text(type) && ldns_name == knot_get_rdata_descriptor(type)->type_name)
        return ldns_name;
    return fmt::format("TYPE{}", type);
}

// Every line of a signed zone names a type, an RRSIG line two and an NSEC line several:
// the names of the first 512 types are looked up once, not on each line.
void append_type(std::string& out, std::uint16_t type) {
    static const std::array<std::string, 512> names = [] {
        std::array<std::string, 512> t;
        for (std::size_t i = 0; i < t.size(); ++i)
            t[i] = portable_type_name(static_cast<std::uint16_t>(i));
        return t;
    }();
    if (type < names.size()) {
        out += names[type];
    } else {
        out += portable_type_name(type);
    }
}

void append_uint(std::string& out, std::uint32_t value) {
    std::array<char, 10> digits{};
    auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
    out.append(digits.data(), end);
}

// RFC 1035 §5.1 <character-string>: quoted, with '"' and '\' escaped and
// non-printable octets as \DDD.
void append_charstring(std::string& out, Span s) {
    out += '"';
    for (std::uint8_t c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            fmt::format_to(std::back_inserter(out), "\\{:03}", c);
        }
    }
    out += '"';
}

void append_generic(std::string& out, Span rdata) {
    // RFC 3597 §5.
    fmt::format_to(std::back_inserter(out), "\\# {}", rdata.size());
    if (!rdata.empty()) {
        out += ' ';
        out += hex_encode(rdata);
    }
}

// YYYYMMDDHHmmSS (RFC 4034 §3.2). Written digit by digit: a signed zone has two per
// RRSIG, and formatting them through fmt's chrono support (gmtime underneath) would be a
// tenth of writing a large zone.
void append_sig_time(std::string& out, std::uint32_t t) {
    using namespace std::chrono;
    const sys_seconds tp{seconds{t}};
    const sys_days day = floor<days>(tp);
    const year_month_day date{day};
    const hh_mm_ss clock{tp - day};
    std::array<char, 14> text{};
    auto put = [&](std::size_t at, std::size_t width, unsigned value) {
        for (std::size_t i = at + width; i-- > at; value /= 10)
            text[i] = static_cast<char>('0' + value % 10);
    };
    put(0, 4, static_cast<unsigned>(static_cast<int>(date.year())));  // 1970-2106: four digits
    put(4, 2, static_cast<unsigned>(date.month()));
    put(6, 2, static_cast<unsigned>(date.day()));
    put(8, 2, static_cast<unsigned>(clock.hours().count()));
    put(10, 2, static_cast<unsigned>(clock.minutes().count()));
    put(12, 2, static_cast<unsigned>(clock.seconds().count()));
    out.append(text.data(), text.size());
}

// The type list of NSEC and NSEC3 (RFC 4034 §4.1.2); false if malformed.
bool append_bitmap(std::string& out, Span bitmap) {
    std::size_t i = 0;
    while (i < bitmap.size()) {
        if (i + 2 > bitmap.size()) return false;
        std::uint8_t window = bitmap[i], len = bitmap[i + 1];
        if (len == 0 || len > 32 || i + 2 + len > bitmap.size()) return false;
        for (std::size_t b = 0; b < len; ++b) {
            for (int bit = 0; bit < 8; ++bit) {
                if (bitmap[i + 2 + b] & (0x80 >> bit)) {
                    out += ' ';
                    append_type(out, static_cast<std::uint16_t>(window * 256 + b * 8 +
                                                                static_cast<std::size_t>(bit)));
                }
            }
        }
        i += 2 + len;
    }
    return true;
}

bool append_layout(std::string& out, std::uint16_t type, Span rdata) {
    std::string text;
    bool first = true;
    bool ok = visit_rdata_fields(type, rdata, [&](RdataField f, Span field) {
        if (!first) text += ' ';
        first = false;
        switch (f) {
            case RdataField::u16:
                fmt::format_to(std::back_inserter(text), "{}", read_u16(field.data()));
                break;
            case RdataField::u32:
                fmt::format_to(std::back_inserter(text), "{}", read_u32(field.data()));
                break;
            case RdataField::name:
                append_name_text(text, field);
                break;
            case RdataField::charstring:
                append_charstring(text, field.subspan(1));
                break;
        }
    });
    if (ok) out += text;
    return ok;
}

bool append_dnssec(std::string& out, std::uint16_t type, Span r) {
    auto b = std::back_inserter(out);
    switch (type) {
        case rrtype::DS:
        case rrtype::CDS: {
            if (r.size() < 5) return false;
            std::string digest = hex_encode(r.subspan(4));
            for (char& c : digest)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            fmt::format_to(b, "{} {} {} {}", read_u16(r.data()), r[2], r[3], digest);
            return true;
        }
        case rrtype::DNSKEY:
        case rrtype::CDNSKEY:
            if (r.size() < 5) return false;
            fmt::format_to(b, "{} {} {} {}", read_u16(r.data()), r[2], r[3],
                           base64_encode(r.subspan(4)));
            return true;
        case rrtype::RRSIG: {
            if (r.size() < 19) return false;
            std::size_t name_len = wire_name_length(r.subspan(18));
            if (name_len == 0 || 18 + name_len >= r.size()) return false;
            // Most of a signed zone's text: numbers and base64 are appended directly.
            append_type(out, read_u16(r.data()));
            for (std::uint32_t field :
                 {std::uint32_t{r[2]}, std::uint32_t{r[3]}, read_u32(r.data() + 4)}) {
                out += ' ';
                append_uint(out, field);
            }
            out += ' ';
            append_sig_time(out, read_u32(r.data() + 8));
            out += ' ';
            append_sig_time(out, read_u32(r.data() + 12));
            out += ' ';
            append_uint(out, read_u16(r.data() + 16));
            out += ' ';
            append_name_text(out, r.subspan(18, name_len));
            out += ' ';
            append_base64(out, r.subspan(18 + name_len));
            return true;
        }
        case rrtype::NSEC: {
            std::size_t name_len = wire_name_length(r);
            if (name_len == 0) return false;
            append_name_text(out, r.first(name_len));
            return append_bitmap(out, r.subspan(name_len));
        }
        case rrtype::NSEC3:
        case rrtype::NSEC3PARAM: {
            if (r.size() < 5 || 5u + r[4] > r.size()) return false;
            std::size_t salt_len = r[4];
            fmt::format_to(b, "{} {} {} {}", r[0], r[1], read_u16(r.data() + 2),
                           salt_len == 0 ? std::string("-") : hex_encode(r.subspan(5, salt_len)));
            if (type == rrtype::NSEC3PARAM) return 5 + salt_len == r.size();
            std::size_t at = 5 + salt_len;
            if (at >= r.size() || at + 1u + r[at] > r.size()) return false;
            out += ' ';
            out += base32hex_encode(r.subspan(at + 1, r[at]));
            return append_bitmap(out, r.subspan(at + 1 + r[at]));
        }
        default:
            return false;
    }
}

bool append_address(std::string& out, std::uint16_t type, Span r) {
    std::array<char, INET6_ADDRSTRLEN> buf{};
    if (type == rrtype::A && r.size() == 4) {
        // inet_ntop formats IPv4 through sprintf; this is the same dotted quad.
        for (std::size_t i = 0; i < 4; ++i) {
            if (i > 0) out += '.';
            append_uint(out, r[i]);
        }
        return true;
    }
    if (type == rrtype::AAAA && r.size() == 16)
        return inet_ntop(AF_INET6, r.data(), buf.data(), buf.size()) && (out += buf.data(), true);
    return false;
}

bool append_txt(std::string& out, Span r) {
    std::size_t i = 0;
    bool first = true;
    while (i < r.size()) {
        std::size_t len = r[i];
        if (i + 1 + len > r.size()) return false;
        if (!first) out += ' ';
        first = false;
        append_charstring(out, r.subspan(i + 1, len));
        i += 1 + len;
    }
    return !r.empty();
}

// Types without names in their RDATA whose text ldns prints so that Knot's scanner, BIND
// and ldns all read back the same octets (tests/unit/zones/presentation_roundtrip_test.cc
// holds each of them to that). Every other type is written in the RFC 3597 generic form.
bool ldns_prints_portably(std::uint16_t type) {
    switch (type) {
        case 13:   // HINFO
        case 29:   // LOC
        case 37:   // CERT
        case 44:   // SSHFP
        case 49:   // DHCID
        case 52:   // TLSA
        case 53:   // SMIMEA
        case 61:   // OPENPGPKEY
        case 63:   // ZONEMD
        case 104:  // NID
        case 105:  // L32
        case 106:  // L64
        case 108:  // EUI48
        case 109:  // EUI64
        case 256:  // URI
        case 257:  // CAA
            return true;
        default:
            return false;
    }
}

bool append_with_ldns(std::string& out, const Name& owner, std::uint16_t type, Span rdata) {
    if (!ldns_prints_portably(type)) return false;
    const ldns_rr_descriptor* d = ldns_rr_descript(type);
    if (!d || !d->_name) return false;
    Bytes wire;
    append_rr_wire(wire, Rr{owner, type, 0, Bytes(rdata.begin(), rdata.end())});
    ldns_rr* raw = nullptr;
    std::size_t pos = 0;
    if (ldns_wire2rr(&raw, wire.data(), wire.size(), &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK)
        return false;
    LdnsRr rr{raw};
    LdnsBuffer buf{ldns_buffer_new(256)};
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
        if (i > 0) ldns_buffer_printf(buf.get(), " ");
        if (ldns_rdf2buffer_str(buf.get(), ldns_rr_rdf(rr.get(), i)) != LDNS_STATUS_OK)
            return false;
    }
    out.append(reinterpret_cast<const char*>(ldns_buffer_begin(buf.get())),
               ldns_buffer_position(buf.get()));
    return true;
}

}  // namespace

void append_rr_text(std::string& out, const Name& owner, std::uint32_t ttl, std::uint16_t type,
                    Span rdata) {
    append_rr_prefix(out, owner, ttl);
    append_rr_data_text(out, owner, type, rdata);
}

void append_rr_prefix(std::string& out, const Name& owner, std::uint32_t ttl) {
    append_name_text(out, owner.bytes());
    out += '\t';
    append_uint(out, ttl);
    out += "\tIN\t";
}

void append_rr_data_text(std::string& out, const Name& owner, std::uint16_t type, Span rdata) {
    append_type(out, type);
    out += '\t';
    std::size_t mark = out.size();
    bool ok = false;
    if (!scanner_reads_text(type)) {
        append_generic(out, rdata);
        return;
    }
    switch (type) {
        case rrtype::A:
        case rrtype::AAAA:
            ok = append_address(out, type, rdata);
            break;
        case rrtype::TXT:
        case 99:  // SPF
            ok = append_txt(out, rdata);
            break;
        case svcb_type:
        case https_type:
            ok = append_svcb_text(out, rdata);
            break;
        default:
            ok = has_rdata_names(type)
                     ? append_layout(out, type, rdata)
                     : append_dnssec(out, type, rdata) || append_with_ldns(out, owner, type, rdata);
    }
    if (!ok) {
        out.resize(mark);
        append_generic(out, rdata);
    }
}

}  // namespace zw::dns
