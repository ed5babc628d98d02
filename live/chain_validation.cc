#include "live/chain_validation.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <sstream>

#include "base/regular_file.h"
#include "dns/dnssec.h"
#include "dns/encoding.h"
#include "dns/rdata.h"
#include "dns/rrsig.h"
#include "dns/verifier.h"

namespace zw::live {

std::string_view name(Security s) {
    switch (s) {
        case Security::secure:
            return "secure";
        case Security::insecure:
            return "insecure";
        case Security::bogus:
            return "bogus";
        case Security::indeterminate:
            return "indeterminate";
    }
    return "?";
}

Result<TrustAnchor> parse_trust_anchor(std::string_view text, const std::string& file) {
    std::optional<TrustAnchor> ta;
    std::uint64_t line_no = 0;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == ';') continue;
        auto rr = dns::rr_from_text(line);
        if (!rr) return fail(bad_input(rr.error().message, SourceLocation{file, line_no}));
        if (rr->type != dns::rrtype::DS && rr->type != dns::rrtype::DNSKEY)
            return fail(bad_input(fmt::format("a trust anchor is a DS or DNSKEY record, not {}",
                                              dns::type_to_text(rr->type)),
                                  SourceLocation{file, line_no}));
        if (!ta) ta = TrustAnchor{rr->owner, {}, {}};
        if (!(ta->zone == rr->owner))
            return fail(bad_input(fmt::format("anchors for both {} and {}; give one zone's anchors",
                                              ta->zone.to_text(), rr->owner.to_text()),
                                  SourceLocation{file, line_no}));
        (rr->type == dns::rrtype::DS ? ta->ds : ta->dnskeys).push_back(std::move(rr->rdata));
    }
    if (!ta)
        return fail(
            bad_input("no DS or DNSKEY record in the trust anchor file", SourceLocation{file, 0}));
    return *ta;
}

Result<TrustAnchor> load_trust_anchor(const std::string& path) {
    auto text = read_regular_file(path, "trust anchor file", max_small_file_bytes);
    if (!text) return fail(text.error());
    return parse_trust_anchor(*text, path);
}

bool bitmap_has(std::span<const std::uint8_t> bitmap, std::uint16_t type) {
    std::size_t i = 0;
    while (i + 2 <= bitmap.size()) {
        std::uint8_t window = bitmap[i], len = bitmap[i + 1];
        if (i + 2 + len > bitmap.size()) return false;
        if (window == type >> 8) {
            std::size_t byte = (type & 0xff) / 8;
            return byte < len && (bitmap[i + 2 + byte] & (0x80 >> (type & 7))) != 0;
        }
        i += 2 + len;
    }
    return false;
}

namespace {

// RFC 4034 §3.1.5: validity times compare in 32-bit serial number arithmetic.
bool within(std::uint32_t inception, std::uint32_t expiration, Instant now) {
    std::uint32_t t = dns::to_sig_time(now);
    return static_cast<std::int32_t>(t - inception) >= 0 &&
           static_cast<std::int32_t>(expiration - t) >= 0;
}

bool key_usable(const dns::Bytes& rdata) {
    auto k = dns::Dnskey::from_rdata(rdata);
    // RFC 4034 §2.1.1: only zone keys sign; RFC 5011 §7: a revoked key signs nothing else.
    return k && (k->flags & dns::dnskey_flag_zone) && !(k->flags & dns::dnskey_flag_revoke);
}

// One RRSIG against one key: empty string when it verifies, else why not.
std::string check_signature(const RrSet& set, const dns::Rr& sig, const dns::Name& zone,
                            std::span<const dns::Bytes> keys, Instant now) {
    std::size_t sig_off = 0;
    auto f = dns::RrsigFields::parse(sig.rdata, sig_off);
    if (!f) return "malformed RRSIG";
    if (!(f->signer == zone))
        return fmt::format("RRSIG signer {} is not {}", f->signer.to_text(), zone.to_text());
    if (f->type_covered != set.type) return "RRSIG covers another type";
    if (!within(f->inception, f->expiration, now))
        return fmt::format("RRSIG by key {} is outside its validity period", f->key_tag);
    // RFC 4035 §5.3.2: fewer labels than the owner means a wildcard expansion.
    if (f->labels > set.owner.label_count()) return "RRSIG labels exceed the owner's";
    dns::Name signed_owner = set.owner;
    if (f->labels < set.owner.label_count()) {
        while (signed_owner.label_count() > f->labels) signed_owner = signed_owner.parent();
        auto w = signed_owner.prepend("*");
        if (!w) return "cannot rebuild the wildcard owner";
        signed_owner = *w;
    }
    dns::Bytes data;
    append_signed_data(data, std::span(sig.rdata).first(sig_off), signed_owner, set.type,
                       set.rdatas, f->original_ttl);
    auto signature = std::span(sig.rdata).subspan(sig_off);
    bool had_key = false;
    for (const dns::Bytes& k : keys) {
        if (k.size() < 4 || k[3] != f->algorithm || dns::key_tag(k) != f->key_tag || !key_usable(k))
            continue;
        had_key = true;
        auto v = dns::Verifier::create(*dns::Dnskey::from_rdata(k));
        if (v && v->verify(data, signature)) return "";
    }
    return had_key ? fmt::format("RRSIG by key {} does not verify", f->key_tag)
                   : fmt::format("no usable key {} (algorithm {}) for the RRSIG", f->key_tag,
                                 f->algorithm);
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
    return out;
}

}  // namespace

Validation verify_rrset(const RrSet& set, const dns::Name& zone,
                        std::span<const dns::Bytes> dnskeys, Instant now) {
    if (set.rrsigs.empty())
        return {Security::bogus, fmt::format("{} {} is not signed", set.owner.to_text(),
                                             dns::type_to_text(set.type))};
    std::vector<std::string> why;
    for (const dns::Rr& sig : set.rrsigs) {
        std::string w = check_signature(set, sig, zone, dnskeys, now);
        if (w.empty()) return {Security::secure, ""};
        why.push_back(std::move(w));
    }
    return {Security::bogus,
            fmt::format("{} {}: {}", set.owner.to_text(), dns::type_to_text(set.type), join(why))};
}

Validation validate_dnskey_set(const RrSet& set, const dns::Name& zone,
                               std::span<const dns::Bytes> trusted_ds,
                               std::span<const dns::Bytes> trusted_keys, Instant now) {
    // The keys that the parent's DS set (or the anchor) vouches for.
    std::vector<dns::Bytes> entry;
    bool any_supported = !trusted_keys.empty();
    for (const dns::Bytes& ds : trusted_ds) {
        if (ds.size() < 4) continue;
        if (!dns::algorithm_supported(ds[2]) ||
            (ds[3] != dns::digest::sha1 && ds[3] != dns::digest::sha256 &&
             ds[3] != dns::digest::sha384))
            continue;
        any_supported = true;
        for (const dns::Bytes& k : set.rdatas) {
            auto made = ds_rdata(zone, k, ds[3]);
            if (made && *made == ds) entry.push_back(k);
        }
    }
    for (const dns::Bytes& k : set.rdatas)
        if (std::find(trusted_keys.begin(), trusted_keys.end(), k) != trusted_keys.end())
            entry.push_back(k);
    if (!any_supported)
        return {Security::insecure,
                "no DS of the parent uses an algorithm and dns::digest we implement"};
    if (entry.empty())
        return {Security::bogus,
                fmt::format("no key in the DNSKEY set of {} matches a trusted DS or anchor",
                            zone.to_text())};
    return verify_rrset(set, zone, entry, now);
}

std::optional<Message> ChainValidator::ask_any(std::span<const ServerAddress> servers,
                                               const dns::Name& qname, std::uint16_t qtype) {
    std::vector<Request> reqs;
    for (const auto& s : servers) reqs.push_back(Request{s.server, Question{qname, qtype}, {}});
    auto outcomes = client_.run(reqs);
    for (auto& o : outcomes)
        if (o && o->message.flags.aa && o->message.rcode == rcode::noerror)
            return std::move(o->message);
    return std::nullopt;
}

Validation ChainValidator::check_ds_answer(const Message& answer, const dns::Name& child,
                                           const ZoneKeys& parent) const {
    switch (parent.validation.state) {
        case Security::secure:
            break;
        case Security::insecure:
        case Security::bogus:
        case Security::indeterminate:
            return {parent.validation.state,
                    fmt::format("parent {}: {}", parent.zone.to_text(), parent.validation.why)};
    }
    if (auto ds = find_rrset(answer.answer, child, dns::rrtype::DS))
        return verify_rrset(*ds, parent.zone, parent.dnskeys, now_);
    return prove_no_ds(answer, child, parent.zone, parent.dnskeys, now_);
}

const ZoneKeys& ChainValidator::keys_of(const dns::Name& zone) {
    if (auto it = cache_.find(zone); it != cache_.end()) return it->second;
    ZoneKeys k = walk(zone);
    return cache_.insert_or_assign(zone, std::move(k)).first->second;
}

ZoneKeys ChainValidator::walk(const dns::Name& zone) {
    ZoneKeys out{zone, {Security::indeterminate, ""}, {}};
    if (!zone.is_subdomain_of(anchor_.zone)) {
        out.validation.why = fmt::format("the trust anchor for {} does not cover {}",
                                         anchor_.zone.to_text(), zone.to_text());
        return out;
    }
    std::vector<dns::Bytes> trusted_ds = anchor_.ds;
    std::vector<dns::Bytes> trusted_keys = anchor_.dnskeys;
    if (!(zone == anchor_.zone)) {
        auto parent = discoverer_.parent_of(zone);
        if (!parent) {
            out.validation.why = parent.error().message;
            return out;
        }
        const ZoneKeys& pk = keys_of(*parent);
        if (pk.validation.state != Security::secure) {
            out.validation = {pk.validation.state,
                              fmt::format("parent {}: {}", parent->to_text(), pk.validation.why)};
            return out;
        }
        auto pservers = discoverer_.servers_of(*parent);
        auto ds_answer =
            pservers ? ask_any(pservers->addresses, zone, dns::rrtype::DS) : std::nullopt;
        if (!ds_answer) {
            out.validation.why = fmt::format("no server of {} answered for the DS of {}",
                                             parent->to_text(), zone.to_text());
            return out;
        }
        Validation dv = check_ds_answer(*ds_answer, zone, pk);
        if (dv.state != Security::secure) {
            out.validation = dv;
            return out;
        }
        trusted_ds = find_rrset(ds_answer->answer, zone, dns::rrtype::DS)->rdatas;
        trusted_keys.clear();
    }
    auto servers = discoverer_.servers_of(zone);
    auto key_answer =
        servers ? ask_any(servers->addresses, zone, dns::rrtype::DNSKEY) : std::nullopt;
    auto set =
        key_answer ? find_rrset(key_answer->answer, zone, dns::rrtype::DNSKEY) : std::nullopt;
    if (!set) {
        out.validation = {Security::bogus,
                          fmt::format("no server of {} served its DNSKEY set", zone.to_text())};
        if (!key_answer) out.validation.state = Security::indeterminate;
        return out;
    }
    out.dnskeys = set->rdatas;
    out.validation = validate_dnskey_set(*set, zone, trusted_ds, trusted_keys, now_);
    return out;
}

}  // namespace zw::live
