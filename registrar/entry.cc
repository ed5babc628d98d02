#include "registrar/entry.h"

#include <fmt/format.h>

#include "dns/encoding.h"

namespace zw::registrar {

std::string ds_text(const Entry& e) {
    return fmt::format("{} {} {} {}", e.key_tag, e.algorithm, e.digest_type.value_or(0),
                       dns::hex_encode(e.digest));
}

std::string Entry::describe() const {
    if (has_digest()) return ds_text(*this);
    return fmt::format("{} 3 {} {} (tag {})", flags.value_or(0), algorithm,
                       dns::base64_encode(public_key), key_tag);
}

Result<std::vector<Entry>> expand(const DesiredSet& desired, EntryView view) {
    if (desired.keys.empty() && !desired.go_insecure)
        return fail(bad_input(fmt::format(
            "empty desired DS set for {} without go_insecure: refusing to remove the last DS",
            desired.zone.to_text())));
    if (!desired.keys.empty() && desired.go_insecure)
        return fail(bad_input(fmt::format("desired set for {} has keys and go_insecure at once",
                                          desired.zone.to_text())));
    if (desired.digest_types.empty() && !desired.keys.empty())
        return fail(bad_input("desired set has no digest type"));
    std::vector<Entry> out;
    for (const auto& k : desired.keys) {
        // RFC 4034 §5: only zone keys (flag bit 7) may be referenced by a DS.
        if ((k.flags & dns::dnskey_flag_zone) == 0)
            return fail(bad_input(fmt::format("key with flags {} is not a zone key", k.flags)));
        auto rdata = k.rdata();
        for (auto type : desired.digest_types) {
            auto ds = dns::ds_rdata(desired.zone, rdata, type);
            if (!ds) return fail(ds.error());
            Entry e;
            e.key_tag = dns::key_tag(rdata);
            e.algorithm = k.algorithm;
            e.digest_type = type;
            e.digest.assign(ds->begin() + 4, ds->end());  // after tag(2) alg(1) type(1)
            e.flags = k.flags;
            e.public_key = k.public_key;
            out.push_back(std::move(e));
            if (view == EntryView::dnskey) break;  // the registrar digests the key itself
        }
    }
    return out;
}

bool same_entry(const Entry& a, const Entry& b) {
    if (a.key_tag != b.key_tag || a.algorithm != b.algorithm) return false;
    if (a.has_key() && b.has_key()) return a.public_key == b.public_key;
    if (a.has_digest() && b.has_digest())
        return a.digest_type == b.digest_type && a.digest == b.digest;
    return false;  // nothing but the tag to compare: never enough
}

}  // namespace zw::registrar
