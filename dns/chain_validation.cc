#include "dns/chain_validation.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "dns/dnssec.h"
#include "dns/encoding.h"
#include "dns/rdata.h"
#include "dns/rrsig.h"
#include "dns/verifier.h"

namespace zw::dns {

std::string_view name(Security s) {
    switch (s) {
        case Security::secure: return "secure";
        case Security::insecure: return "insecure";
        case Security::bogus: return "bogus";
        case Security::indeterminate: return "indeterminate";
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
        auto rr = rr_from_text(line);
        if (!rr) return fail(bad_input(rr.error().message, SourceLocation{file, line_no}));
        if (rr->type != rrtype::DS && rr->type != rrtype::DNSKEY)
            return fail(bad_input(fmt::format("a trust anchor is a DS or DNSKEY record, not {}", type_to_text(rr->type)),
                                  SourceLocation{file, line_no}));
        if (!ta) ta = TrustAnchor{rr->owner, {}, {}};
        if (!(ta->zone == rr->owner))
            return fail(bad_input(fmt::format("anchors for both {} and {}; give one zone's anchors",
                                              ta->zone.to_text(), rr->owner.to_text()),
                                  SourceLocation{file, line_no}));
        (rr->type == rrtype::DS ? ta->ds : ta->dnskeys).push_back(std::move(rr->rdata));
    }
    if (!ta) return fail(bad_input("no DS or DNSKEY record in the trust anchor file", SourceLocation{file, 0}));
    return *ta;
}

Result<TrustAnchor> load_trust_anchor(const std::string& path) {
    std::ifstream f(path);
    if (!f) return fail(bad_input(fmt::format("cannot read trust anchor file {}", path)));
    std::stringstream ss;
    ss << f.rdbuf();
    return parse_trust_anchor(ss.str(), path);
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
    std::uint32_t t = to_sig_time(now);
    return static_cast<std::int32_t>(t - inception) >= 0 && static_cast<std::int32_t>(expiration - t) >= 0;
}

bool key_usable(const Bytes& rdata) {
    auto k = Dnskey::from_rdata(rdata);
    // RFC 4034 §2.1.1: only zone keys sign; RFC 5011 §7: a revoked key signs nothing else.
    return k && (k->flags & dnskey_flag_zone) && !(k->flags & dnskey_flag_revoke);
}

// One RRSIG against one key: empty string when it verifies, else why not.
std::string check_signature(const RrSet& set, const Rr& sig, const Name& zone, std::span<const Bytes> keys,
                            Instant now) {
    std::size_t sig_off = 0;
    auto f = RrsigFields::parse(sig.rdata, sig_off);
    if (!f) return "malformed RRSIG";
    if (!(f->signer == zone)) return fmt::format("RRSIG signer {} is not {}", f->signer.to_text(), zone.to_text());
    if (f->type_covered != set.type) return "RRSIG covers another type";
    if (!within(f->inception, f->expiration, now))
        return fmt::format("RRSIG by key {} is outside its validity period", f->key_tag);
    // RFC 4035 §5.3.2: fewer labels than the owner means a wildcard expansion.
    if (f->labels > set.owner.label_count()) return "RRSIG labels exceed the owner's";
    Name signed_owner = set.owner;
    if (f->labels < set.owner.label_count()) {
        while (signed_owner.label_count() > f->labels) signed_owner = signed_owner.parent();
        auto w = signed_owner.prepend("*");
        if (!w) return "cannot rebuild the wildcard owner";
        signed_owner = *w;
    }
    Bytes data;
    append_signed_data(data, std::span(sig.rdata).first(sig_off), signed_owner, set.type, set.rdatas,
                       f->original_ttl);
    auto signature = std::span(sig.rdata).subspan(sig_off);
    bool had_key = false;
    for (const Bytes& k : keys) {
        if (k.size() < 4 || k[3] != f->algorithm || key_tag(k) != f->key_tag || !key_usable(k)) continue;
        had_key = true;
        auto v = Verifier::create(*Dnskey::from_rdata(k));
        if (v && v->verify(data, signature)) return "";
    }
    return had_key ? fmt::format("RRSIG by key {} does not verify", f->key_tag)
                   : fmt::format("no usable key {} (algorithm {}) for the RRSIG", f->key_tag, f->algorithm);
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
    return out;
}

// RFC 5155 §5: IH(salt, x, k) iterated SHA-1 of the canonical owner name.
std::optional<Bytes> nsec3_hash(const Name& name, std::span<const std::uint8_t> salt, std::uint16_t iterations) {
    Bytes x(name.bytes().begin(), name.bytes().end());
    for (int i = 0; i <= iterations; ++i) {
        x.insert(x.end(), salt.begin(), salt.end());
        Bytes out(EVP_MAX_MD_SIZE);
        unsigned len = 0;
        if (EVP_Digest(x.data(), x.size(), out.data(), &len, EVP_sha1(), nullptr) != 1) return std::nullopt;
        out.resize(len);
        x = std::move(out);
    }
    return x;
}

}  // namespace

Validation verify_rrset(const RrSet& set, const Name& zone, std::span<const Bytes> dnskeys, Instant now) {
    if (set.rrsigs.empty())
        return {Security::bogus, fmt::format("{} {} is not signed", set.owner.to_text(), type_to_text(set.type))};
    std::vector<std::string> why;
    for (const Rr& sig : set.rrsigs) {
        std::string w = check_signature(set, sig, zone, dnskeys, now);
        if (w.empty()) return {Security::secure, ""};
        why.push_back(std::move(w));
    }
    return {Security::bogus, fmt::format("{} {}: {}", set.owner.to_text(), type_to_text(set.type), join(why))};
}

Validation validate_dnskey_set(const RrSet& set, const Name& zone, std::span<const Bytes> trusted_ds,
                               std::span<const Bytes> trusted_keys, Instant now) {
    // The keys that the parent's DS set (or the anchor) vouches for.
    std::vector<Bytes> entry;
    bool any_supported = !trusted_keys.empty();
    for (const Bytes& ds : trusted_ds) {
        if (ds.size() < 4) continue;
        if (!algorithm_supported(ds[2]) || (ds[3] != digest::sha1 && ds[3] != digest::sha256 && ds[3] != digest::sha384))
            continue;
        any_supported = true;
        for (const Bytes& k : set.rdatas) {
            auto made = ds_rdata(zone, k, ds[3]);
            if (made && *made == ds) entry.push_back(k);
        }
    }
    for (const Bytes& k : set.rdatas)
        if (std::find(trusted_keys.begin(), trusted_keys.end(), k) != trusted_keys.end()) entry.push_back(k);
    if (!any_supported)
        return {Security::insecure, "no DS of the parent uses an algorithm and digest we implement"};
    if (entry.empty())
        return {Security::bogus,
                fmt::format("no key in the DNSKEY set of {} matches a trusted DS or anchor", zone.to_text())};
    return verify_rrset(set, zone, entry, now);
}

Validation prove_no_ds(const Message& answer, const Name& child, const Name& parent,
                       std::span<const Bytes> parent_keys, Instant now) {
    std::vector<std::string> why;
    auto shows_delegation_without_ds = [](std::span<const std::uint8_t> bitmap) {
        return bitmap_has(bitmap, rrtype::NS) && !bitmap_has(bitmap, rrtype::DS) && !bitmap_has(bitmap, rrtype::SOA);
    };
    for (const RrSet& s : group_rrsets(answer.authority)) {
        for (const Bytes& rd : s.rdatas) {
            std::span<const std::uint8_t> bitmap;
            if (s.type == rrtype::NSEC && s.owner == child) {
                std::size_t next = wire_name_length(rd);
                if (next == 0) continue;
                bitmap = std::span(rd).subspan(next);
            } else if (s.type == rrtype::NSEC3 && rd.size() >= 5 && s.owner.parent() == parent) {
                std::size_t salt_len = rd[4];
                if (rd.size() < 6 + salt_len) continue;
                std::size_t hash_len = rd[5 + salt_len];
                if (rd.size() < 6 + salt_len + hash_len || rd[0] != 1) continue;  // SHA-1 only (RFC 5155 §11)
                auto h = nsec3_hash(child, std::span(rd).subspan(5, salt_len), read_u16(rd.data() + 2));
                // The owner's first label is the base32hex hash of the child name.
                if (!h || s.owner.wire().substr(1, s.owner.wire()[0]) != base32hex_encode(*h)) continue;
                bitmap = std::span(rd).subspan(6 + salt_len + hash_len);
            } else {
                continue;
            }
            if (!shows_delegation_without_ds(bitmap)) {
                why.push_back(fmt::format("{} {} does not show a delegation without DS", s.owner.to_text(),
                                          type_to_text(s.type)));
                continue;
            }
            Validation v = verify_rrset(s, parent, parent_keys, now);
            if (v.state == Security::secure) return {Security::insecure, fmt::format("no DS for {} (proven by {})",
                                                                                     child.to_text(), type_to_text(s.type))};
            why.push_back(v.why);
        }
    }
    if (why.empty()) why.push_back(fmt::format("no NSEC or NSEC3 proves that {} has no DS", child.to_text()));
    return {Security::bogus, join(why)};
}

std::optional<Message> ChainValidator::ask_any(std::span<const ServerAddress> servers, const Name& qname,
                                               std::uint16_t qtype) {
    std::vector<Request> reqs;
    for (const auto& s : servers) reqs.push_back(Request{s.server, Question{qname, qtype}, {}});
    auto outcomes = client_.run(reqs);
    for (auto& o : outcomes)
        if (o && o->message.flags.aa && o->message.rcode == rcode::noerror) return std::move(o->message);
    return std::nullopt;
}

Validation ChainValidator::check_ds_answer(const Message& answer, const Name& child, const ZoneKeys& parent) const {
    switch (parent.validation.state) {
        case Security::secure: break;
        case Security::insecure:
        case Security::bogus:
        case Security::indeterminate:
            return {parent.validation.state, fmt::format("parent {}: {}", parent.zone.to_text(), parent.validation.why)};
    }
    if (auto ds = find_rrset(answer.answer, child, rrtype::DS)) return verify_rrset(*ds, parent.zone, parent.dnskeys, now_);
    return prove_no_ds(answer, child, parent.zone, parent.dnskeys, now_);
}

const ZoneKeys& ChainValidator::keys_of(const Name& zone) {
    if (auto it = cache_.find(zone); it != cache_.end()) return it->second;
    ZoneKeys k = walk(zone);
    return cache_.insert_or_assign(zone, std::move(k)).first->second;
}

ZoneKeys ChainValidator::walk(const Name& zone) {
    ZoneKeys out{zone, {Security::indeterminate, ""}, {}};
    if (!zone.is_subdomain_of(anchor_.zone)) {
        out.validation.why = fmt::format("the trust anchor for {} does not cover {}", anchor_.zone.to_text(), zone.to_text());
        return out;
    }
    std::vector<Bytes> trusted_ds = anchor_.ds;
    std::vector<Bytes> trusted_keys = anchor_.dnskeys;
    if (!(zone == anchor_.zone)) {
        auto parent = discoverer_.parent_of(zone);
        if (!parent) {
            out.validation.why = parent.error().message;
            return out;
        }
        const ZoneKeys& pk = keys_of(*parent);
        if (pk.validation.state != Security::secure) {
            out.validation = {pk.validation.state, fmt::format("parent {}: {}", parent->to_text(), pk.validation.why)};
            return out;
        }
        auto pservers = discoverer_.servers_of(*parent);
        auto ds_answer = pservers ? ask_any(pservers->addresses, zone, rrtype::DS) : std::nullopt;
        if (!ds_answer) {
            out.validation.why = fmt::format("no server of {} answered for the DS of {}", parent->to_text(), zone.to_text());
            return out;
        }
        Validation dv = check_ds_answer(*ds_answer, zone, pk);
        if (dv.state != Security::secure) {
            out.validation = dv;
            return out;
        }
        trusted_ds = find_rrset(ds_answer->answer, zone, rrtype::DS)->rdatas;
        trusted_keys.clear();
    }
    auto servers = discoverer_.servers_of(zone);
    auto key_answer = servers ? ask_any(servers->addresses, zone, rrtype::DNSKEY) : std::nullopt;
    auto set = key_answer ? find_rrset(key_answer->answer, zone, rrtype::DNSKEY) : std::nullopt;
    if (!set) {
        out.validation = {Security::bogus, fmt::format("no server of {} served its DNSKEY set", zone.to_text())};
        if (!key_answer) out.validation.state = Security::indeterminate;
        return out;
    }
    out.dnskeys = set->rdatas;
    out.validation = validate_dnskey_set(*set, zone, trusted_ds, trusted_keys, now_);
    return out;
}

}  // namespace zw::dns
