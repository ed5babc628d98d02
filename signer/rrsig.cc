#include "signer/rrsig.h"

#include "dns/rdata.h"

namespace zw::signer {

void RrsigFields::append_to(dns::Bytes& out) const {
    dns::put_u16(out, type_covered);
    out.push_back(algorithm);
    out.push_back(labels);
    dns::put_u32(out, original_ttl);
    dns::put_u32(out, expiration);
    dns::put_u32(out, inception);
    dns::put_u16(out, key_tag);
    const std::string& s = signer.wire();
    out.insert(out.end(), s.begin(), s.end());
}

Result<RrsigFields> RrsigFields::parse(const dns::Bytes& rdata, std::size_t& signature_offset) {
    if (rdata.size() < 19) return fail(bad_input("RRSIG RDATA too short"));
    RrsigFields f;
    const std::uint8_t* p = rdata.data();
    f.type_covered = dns::read_u16(p);
    f.algorithm = p[2];
    f.labels = p[3];
    f.original_ttl = dns::read_u32(p + 4);
    f.expiration = dns::read_u32(p + 8);
    f.inception = dns::read_u32(p + 12);
    f.key_tag = dns::read_u16(p + 16);
    auto name_part = std::span(rdata).subspan(18);
    std::size_t len = dns::wire_name_length(name_part);
    if (len == 0) return fail(bad_input("malformed RRSIG signer name"));
    auto signer = dns::Name::from_wire(name_part.first(len));
    if (!signer) return fail(signer.error());
    f.signer = std::move(*signer);
    signature_offset = 18 + len;
    return f;
}

std::uint8_t rrsig_labels(const dns::Name& owner) {
    int n = owner.label_count();
    if (owner.is_wildcard()) --n;
    return static_cast<std::uint8_t>(n);
}

void append_signed_data(dns::Bytes& out, std::span<const std::uint8_t> rrsig_fields, const zones::RRset& set,
                        std::uint32_t original_ttl) {
    out.insert(out.end(), rrsig_fields.begin(), rrsig_fields.end());
    const std::string& owner = set.owner.wire();
    for (const auto& rdata : set.rdatas) {
        out.insert(out.end(), owner.begin(), owner.end());
        dns::put_u16(out, set.type);
        dns::put_u16(out, dns::class_in);
        dns::put_u32(out, original_ttl);
        dns::put_u16(out, static_cast<std::uint16_t>(rdata.size()));
        out.insert(out.end(), rdata.begin(), rdata.end());
    }
}

}  // namespace zw::signer
