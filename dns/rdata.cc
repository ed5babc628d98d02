#include "dns/rdata.h"

#include <span>
#include <vector>

namespace zw::dns {

namespace {

using F = RdataField;

const std::vector<RdataField>* layout_for(std::uint16_t type) {
    static const std::vector<F> one_name{F::name};
    static const std::vector<F> two_names{F::name, F::name};
    static const std::vector<F> pref_name{F::u16, F::name};
    static const std::vector<F> soa{F::name, F::name, F::u32, F::u32, F::u32, F::u32, F::u32};
    static const std::vector<F> px{F::u16, F::name, F::name};
    static const std::vector<F> srv{F::u16, F::u16, F::u16, F::name};
    static const std::vector<F> naptr{F::u16,        F::u16,        F::charstring,
                                      F::charstring, F::charstring, F::name};
    switch (type) {
        case 2:
        case 3:
        case 4:
        case 5:
        case 7:
        case 8:
        case 9:
        case 12:
        case 39:  // NS MD MF CNAME MB MG MR PTR DNAME
            return &one_name;
        case 14:
        case 17:  // MINFO RP
            return &two_names;
        case 15:
        case 18:
        case 21:
        case 36:  // MX AFSDB RT KX
            return &pref_name;
        case 6:
            return &soa;
        case 26:
            return &px;
        case 33:
            return &srv;
        case 35:
            return &naptr;
        default:
            return nullptr;
    }
}

}  // namespace

bool has_rdata_names(std::uint16_t type) { return layout_for(type) != nullptr; }

bool visit_rdata_fields(std::uint16_t type, std::span<const std::uint8_t> rdata,
                        const std::function<void(RdataField, std::span<const std::uint8_t>)>& fn) {
    const auto* layout = layout_for(type);
    if (!layout) return false;
    std::size_t pos = 0;
    for (RdataField f : *layout) {
        std::size_t len = 0;
        switch (f) {
            case RdataField::u16:
                len = 2;
                break;
            case RdataField::u32:
                len = 4;
                break;
            case RdataField::charstring:
                if (pos >= rdata.size()) return false;
                len = 1 + rdata[pos];
                break;
            case RdataField::name:
                if (pos > rdata.size()) return false;
                len = wire_name_length(rdata.subspan(pos));
                if (len == 0) return false;
                break;
        }
        if (pos + len > rdata.size()) return false;
        fn(f, rdata.subspan(pos, len));
        pos += len;
    }
    return pos == rdata.size();
}

bool lowercase_rdata_names(std::uint16_t type, Bytes& rdata) {
    if (!has_rdata_names(type)) return true;
    std::vector<std::span<const std::uint8_t>> names;
    if (!visit_rdata_fields(type, rdata, [&](RdataField f, std::span<const std::uint8_t> field) {
            if (f == RdataField::name) names.push_back(field);
        })) {
        return false;
    }
    for (auto n : names) {
        (void)lowercase_wire_name(
            std::span(rdata).subspan(static_cast<std::size_t>(n.data() - rdata.data()), n.size()));
    }
    return true;
}

std::optional<Name> rdata_target_name(std::uint16_t type, const Bytes& rdata) {
    if (!(type == rrtype::NS || type == rrtype::CNAME || type == rrtype::DNAME ||
          type == rrtype::PTR || type == rrtype::MX)) {
        return std::nullopt;
    }
    std::optional<Name> found;
    bool ok =
        visit_rdata_fields(type, rdata, [&](RdataField f, std::span<const std::uint8_t> field) {
            if (f == RdataField::name && !found) found = *Name::from_wire(field);
        });
    if (!ok) return std::nullopt;
    return found;
}

std::optional<SoaTimers> soa_timers(const Bytes& rdata) {
    if (!visit_rdata_fields(rrtype::SOA, rdata, [](RdataField, std::span<const std::uint8_t>) {}))
        return std::nullopt;
    const std::uint8_t* p = rdata.data() + rdata.size() - 20;
    return SoaTimers{read_u32(p), read_u32(p + 4), read_u32(p + 8), read_u32(p + 12),
                     read_u32(p + 16)};
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
