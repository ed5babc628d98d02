#include "dns/rrsig.h"

#include "dns/rdata.h"

namespace zw::dns {

void RrsigFields::append_to(Bytes& out) const {
    put_u16(out, type_covered);
    out.push_back(algorithm);
    out.push_back(labels);
    put_u32(out, original_ttl);
    put_u32(out, expiration);
    put_u32(out, inception);
    put_u16(out, key_tag);
    const std::string& s = signer.wire();
    out.insert(out.end(), s.begin(), s.end());
}

Result<RrsigFields> RrsigFields::parse(std::span<const std::uint8_t> rdata,
                                       std::size_t& signature_offset) {
    if (rdata.size() < 19) return fail(bad_input("RRSIG RDATA too short"));
    RrsigFields f;
    const std::uint8_t* p = rdata.data();
    f.type_covered = read_u16(p);
    f.algorithm = p[2];
    f.labels = p[3];
    f.original_ttl = read_u32(p + 4);
    f.expiration = read_u32(p + 8);
    f.inception = read_u32(p + 12);
    f.key_tag = read_u16(p + 16);
    auto name_part = std::span(rdata).subspan(18);
    std::size_t len = wire_name_length(name_part);
    if (len == 0) return fail(bad_input("malformed RRSIG signer name"));
    auto signer = Name::from_wire(name_part.first(len));
    if (!signer) return fail(signer.error());
    f.signer = std::move(*signer);
    signature_offset = 18 + len;
    return f;
}

std::uint8_t rrsig_labels(const Name& owner) {
    int n = owner.label_count();
    if (owner.is_wildcard()) --n;
    return static_cast<std::uint8_t>(n);
}

void append_signed_data(Bytes& out, std::span<const std::uint8_t> rrsig_fields, const Name& owner,
                        std::uint16_t type, std::span<const Bytes> rdatas,
                        std::uint32_t original_ttl) {
    out.insert(out.end(), rrsig_fields.begin(), rrsig_fields.end());
    const std::string& o = owner.wire();
    for (const auto& rdata : rdatas) {
        out.insert(out.end(), o.begin(), o.end());
        put_u16(out, type);
        put_u16(out, class_in);
        put_u32(out, original_ttl);
        put_u16(out, static_cast<std::uint16_t>(rdata.size()));
        out.insert(out.end(), rdata.begin(), rdata.end());
    }
}

}  // namespace zw::dns
