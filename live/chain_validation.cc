#include "live/chain_validation.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

#include "base/regular_file.h"
#include "dns/dnssec.h"
#include "dns/encoding.h"
#include "dns/nsec3.h"
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

namespace {

// An NSEC3 record of the parent zone, with its owner hash in base32hex (the owner's first
// label): base32hex keeps the order of the hashes, so covering is a string comparison.
struct Nsec3Entry {
    const RrSet* set;
    std::string owner_hash;
    std::string next_hash;
    dns::Nsec3Fields fields;
};

// An answer is the sender's to shape, and its NSEC3 records choose how much hashing a
// proof takes (CVE-2023-50868): records with more iterations than RFC 9276 §3.2's limit
// are not used (as BIND and Unbound treat them), and a proof computes at most
// max_nsec3_hashes hashes, each (name, salt, iterations) once. A real proof needs one to
// three.
constexpr std::uint16_t max_nsec3_iterations = 150;
constexpr int max_nsec3_hashes = 32;

std::vector<Nsec3Entry> nsec3_entries(const std::vector<RrSet>& sets, const dns::Name& parent,
                                      std::vector<std::string>& why) {
    std::vector<Nsec3Entry> out;
    for (const RrSet& s : sets) {
        if (s.type != dns::rrtype::NSEC3 || s.owner.parent() != parent || s.rdatas.size() != 1)
            continue;
        auto f = dns::parse_nsec3(s.rdatas.front());
        if (!f || f->hash_algorithm != 1) continue;  // SHA-1 only (RFC 5155 §11)
        if (f->iterations > max_nsec3_iterations) {
            why.push_back(
                fmt::format("{} NSEC3 has {} iterations, more than {} (RFC 9276 §3.2): "
                            "not used",
                            s.owner.to_text(), f->iterations, max_nsec3_iterations));
            continue;
        }
        const std::string& w = s.owner.wire();
        out.push_back({&s, w.substr(1, static_cast<std::uint8_t>(w[0])),
                       dns::base32hex_encode(f->next_hash), *f});
    }
    return out;
}

// The hashes one proof asks for, within its budget.
class Nsec3Hashes {
  public:
    // The base32hex hash of `name` with e's salt and iterations; nothing once the budget
    // is spent.
    std::optional<std::string> of(const dns::Name& name, const Nsec3Entry& e) {
        auto key = std::tuple(name.wire(), dns::Bytes(e.fields.salt.begin(), e.fields.salt.end()),
                              e.fields.iterations);
        if (auto it = done_.find(key); it != done_.end()) return it->second;
        if (computed_ == max_nsec3_hashes) return std::nullopt;
        ++computed_;
        auto hash = dns::base32hex_encode(nsec3_hash(name, e.fields.salt, e.fields.iterations));
        return done_.emplace(std::move(key), std::move(hash)).first->second;
    }
    // The reason to give when the budget ran out.
    void explain(std::vector<std::string>& why) const {
        if (computed_ == max_nsec3_hashes)
            why.push_back(
                fmt::format("the NSEC3 records would take more than {} hashes to "
                            "check: not checked further",
                            max_nsec3_hashes));
    }

  private:
    std::map<std::tuple<std::string, dns::Bytes, std::uint16_t>, std::string> done_;
    int computed_ = 0;
};

bool covers(const Nsec3Entry& e, const std::string& h) {
    if (e.owner_hash < e.next_hash) return e.owner_hash < h && h < e.next_hash;
    return h > e.owner_hash || h < e.next_hash;  // the last record wraps to the first
}

}  // namespace

Validation prove_no_ds(const Message& answer, const dns::Name& child, const dns::Name& parent,
                       std::span<const dns::Bytes> parent_keys, Instant now) {
    std::vector<std::string> why;
    auto shows_delegation_without_ds = [](std::span<const std::uint8_t> bitmap) {
        return bitmap_has(bitmap, dns::rrtype::NS) && !bitmap_has(bitmap, dns::rrtype::DS) &&
               !bitmap_has(bitmap, dns::rrtype::SOA);
    };
    auto signed_by_parent = [&](const RrSet& s) {
        Validation v = verify_rrset(s, parent, parent_keys, now);
        if (v.state != Security::secure) why.push_back(v.why);
        return v.state == Security::secure;
    };
    std::vector<RrSet> sets = group_rrsets(answer.authority);
    // NSEC (RFC 4035 §5.2): the child's own NSEC shows NS without DS.
    for (const RrSet& s : sets) {
        if (s.type != dns::rrtype::NSEC || s.owner != child || s.rdatas.empty()) continue;
        std::size_t next = dns::wire_name_length(s.rdatas.front());
        if (next == 0) continue;
        if (!shows_delegation_without_ds(std::span(s.rdatas.front()).subspan(next))) {
            why.push_back(
                fmt::format("{} NSEC does not show a delegation without DS", s.owner.to_text()));
        } else if (signed_by_parent(s)) {
            return {Security::insecure,
                    fmt::format("no DS for {} (proven by NSEC)", child.to_text())};
        }
    }
    std::vector<Nsec3Entry> nsec3 = nsec3_entries(sets, parent, why);
    Nsec3Hashes hashes;
    // NSEC3 matching the child (RFC 5155 §8.6, first case).
    for (const Nsec3Entry& e : nsec3) {
        if (e.owner_hash != hashes.of(child, e)) continue;
        if (!shows_delegation_without_ds(e.fields.bitmap)) {
            why.push_back(fmt::format("{} NSEC3 does not show a delegation without DS",
                                      e.set->owner.to_text()));
        } else if (signed_by_parent(*e.set)) {
            return {Security::insecure,
                    fmt::format("no DS for {} (proven by NSEC3)", child.to_text())};
        }
    }
    // No match: an opt-out span (RFC 5155 §8.6, §7.2.4): the closest provable encloser
    // matches an NSEC3, and the NSEC3 covering the next closer name has the opt-out flag.
    for (dns::Name next_closer = child;
         next_closer != parent && next_closer.is_subdomain_of(parent);
         next_closer = next_closer.parent()) {
        dns::Name encloser = next_closer.parent();
        auto matching = std::find_if(nsec3.begin(), nsec3.end(), [&](const Nsec3Entry& e) {
            return e.owner_hash == hashes.of(encloser, e);
        });
        if (matching == nsec3.end()) continue;
        for (const Nsec3Entry& e : nsec3) {
            auto hash = hashes.of(next_closer, e);
            if (!hash || !covers(e, *hash)) continue;
            if (!e.fields.opt_out()) {
                why.push_back(
                    fmt::format("{} NSEC3 covers {} without opt-out: the delegation does not exist",
                                e.set->owner.to_text(), next_closer.to_text()));
            } else if (signed_by_parent(*matching->set) && signed_by_parent(*e.set)) {
                return {Security::insecure, fmt::format("no DS for {} (NSEC3 opt-out span {})",
                                                        child.to_text(), e.set->owner.to_text())};
            }
        }
        break;
    }
    hashes.explain(why);
    if (why.empty())
        why.push_back(fmt::format("no NSEC or NSEC3 proves that {} has no DS", child.to_text()));
    return {Security::bogus, join(why)};
}

Validation prove_nodata(const Message& answer, const dns::Name& qname, std::uint16_t qtype,
                        const dns::Name& zone, std::span<const dns::Bytes> zone_keys, Instant now) {
    std::vector<std::string> why;
    // RFC 4035 §3.1.3.1 / RFC 5155 §7.2.3: the NSEC or NSEC3 of qname itself, signed by
    // the zone, without the type's bit (nor CNAME, which would answer instead).
    auto denies = [&](std::span<const std::uint8_t> bitmap) {
        return !bitmap_has(bitmap, qtype) && !bitmap_has(bitmap, dns::rrtype::CNAME);
    };
    std::vector<RrSet> sets = group_rrsets(answer.authority);
    for (const RrSet& s : sets) {
        if (s.type != dns::rrtype::NSEC || s.owner != qname || s.rdatas.empty()) continue;
        std::size_t next = dns::wire_name_length(s.rdatas.front());
        if (next == 0 || !denies(std::span(s.rdatas.front()).subspan(next))) continue;
        Validation v = verify_rrset(s, zone, zone_keys, now);
        if (v.state == Security::secure) return {Security::secure, ""};
        why.push_back(v.why);
    }
    Nsec3Hashes hashes;
    for (const Nsec3Entry& e : nsec3_entries(sets, zone, why)) {
        if (e.owner_hash != hashes.of(qname, e) || !denies(e.fields.bitmap)) continue;
        Validation v = verify_rrset(*e.set, zone, zone_keys, now);
        if (v.state == Security::secure) return {Security::secure, ""};
        why.push_back(v.why);
    }
    hashes.explain(why);
    if (why.empty())
        why.push_back(fmt::format("no NSEC or NSEC3 proves that {} has no {}", qname.to_text(),
                                  dns::type_to_text(qtype)));
    return {Security::bogus, join(why)};
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
