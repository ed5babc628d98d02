#include "dns/rdata.h"

#include <span>

namespace zw::dns {

namespace {

// One step of an RDATA layout: a fixed number of octets, a domain name, or a
// <character-string> (a length octet and that many octets).
enum class Field : std::uint8_t { u16, name, charstring };

struct Layout {
    std::initializer_list<Field> fields;
    std::size_t trailing = 0;  // fixed octets after the last field (SOA's timers)
};

const Layout* layout_for(std::uint16_t type) {
    static const Layout one_name{{Field::name}};
    static const Layout two_names{{Field::name, Field::name}};
    static const Layout pref_name{{Field::u16, Field::name}};
    static const Layout soa{{Field::name, Field::name}, 20};
    static const Layout px{{Field::u16, Field::name, Field::name}};
    static const Layout srv{{Field::u16, Field::u16, Field::u16, Field::name}};
    static const Layout naptr{
        {Field::u16, Field::u16, Field::charstring, Field::charstring, Field::charstring, Field::name}};
    switch (type) {
        case 2: case 3: case 4: case 5: case 7: case 8: case 9: case 12: case 39:  // NS MD MF CNAME MB MG MR PTR DNAME
            return &one_name;
        case 14: case 17:  // MINFO RP
            return &two_names;
        case 15: case 18: case 21: case 36:  // MX AFSDB RT KX
            return &pref_name;
        case 6: return &soa;
        case 26: return &px;
        case 33: return &srv;
        case 35: return &naptr;
        default: return nullptr;
    }
}

// Walks the layout; calls on_name(offset, length) for each name. False if malformed.
template <typename OnName>
bool walk(const Layout& layout, std::span<const std::uint8_t> rdata, OnName on_name) {
    std::size_t pos = 0;
    for (Field f : layout.fields) {
        switch (f) {
            case Field::u16:
                pos += 2;
                break;
            case Field::charstring:
                if (pos >= rdata.size()) return false;
                pos += 1 + rdata[pos];
                break;
            case Field::name: {
                if (pos > rdata.size()) return false;
                std::size_t len = wire_name_length(rdata.subspan(pos));
                if (len == 0) return false;
                on_name(pos, len);
                pos += len;
                break;
            }
        }
        if (pos > rdata.size()) return false;
    }
    return pos + layout.trailing == rdata.size();
}

}  // namespace

bool lowercase_rdata_names(std::uint16_t type, Bytes& rdata) {
    const Layout* layout = layout_for(type);
    if (!layout) return true;
    return walk(*layout, rdata, [&](std::size_t off, std::size_t len) {
        (void)lowercase_wire_name(std::span(rdata).subspan(off, len));
    });
}

std::optional<Name> rdata_target_name(std::uint16_t type, const Bytes& rdata) {
    const Layout* layout = layout_for(type);
    if (!layout || !(type == rrtype::NS || type == rrtype::CNAME || type == rrtype::DNAME ||
                     type == rrtype::PTR || type == rrtype::MX)) {
        return std::nullopt;
    }
    std::optional<Name> found;
    bool ok = walk(*layout, rdata, [&](std::size_t off, std::size_t len) {
        if (!found) found = *Name::from_wire(std::span(rdata).subspan(off, len));
    });
    if (!ok) return std::nullopt;
    return found;
}

std::optional<SoaTimers> soa_timers(const Bytes& rdata) {
    std::size_t pos = 0;
    bool ok = walk(*layout_for(rrtype::SOA), rdata, [&](std::size_t off, std::size_t len) { pos = off + len; });
    if (!ok) return std::nullopt;
    const std::uint8_t* p = rdata.data() + pos;
    return SoaTimers{read_u32(p), read_u32(p + 4), read_u32(p + 8), read_u32(p + 12), read_u32(p + 16)};
}

bool set_soa_serial(Bytes& rdata, std::uint32_t serial) {
    if (!soa_timers(rdata)) return false;
    std::size_t at = rdata.size() - 20;
    rdata[at] = static_cast<std::uint8_t>(serial >> 24);
    rdata[at + 1] = static_cast<std::uint8_t>(serial >> 16);
    rdata[at + 2] = static_cast<std::uint8_t>(serial >> 8);
    rdata[at + 3] = static_cast<std::uint8_t>(serial);
    return true;
}

}  // namespace zw::dns
