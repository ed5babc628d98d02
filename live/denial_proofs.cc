// Proofs of absence in an answer (RFC 4035 §5.4, RFC 5155 §8): no DS below a parent (an
// insecure delegation), no RRset of a type at a name. Declared in live/chain_validation.h.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "dns/encoding.h"
#include "dns/nsec3.h"
#include "dns/rdata.h"
#include "live/chain_validation.h"

namespace zw::live {

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
    return {Security::bogus, fmt::format("{}", fmt::join(why, "; "))};
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
    return {Security::bogus, fmt::format("{}", fmt::join(why, "; "))};
}

}  // namespace zw::live
