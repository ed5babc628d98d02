#include "signer/verify_zone.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>

#include "dns/dnssec.h"
#include "dns/encoding.h"
#include "dns/rdata.h"
#include "dns/rrsig.h"
#include "signer/denial.h"
#include "signer/signature_check.h"

namespace zw::signer {

namespace {

void check_nsec_chain(const zones::Zone& zone, Problems& problems) {
    std::vector<std::size_t> chain;  // positions of the nodes with an NSEC
    for (std::size_t at = 0; at < zone.nodes.size(); ++at) {
        const zones::Node& node = zone.nodes[at];
        const zones::RRset* nsec = node.find(dns::rrtype::NSEC);
        bool expected = node.role != zones::NodeRole::occluded;
        if (expected != (nsec != nullptr)) {
            problems.add(at, fmt::format("{}: NSEC {}", node.name.to_text(),
                                         expected ? "missing" : "at occluded name"));
        }
        if (expected && nsec) chain.push_back(at);
    }
    std::vector<std::uint16_t> types;
    dns::Bytes bitmap;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const zones::Node& node = zone.nodes[chain[i]];
        const zones::RRset& nsec = *node.find(dns::rrtype::NSEC);
        const dns::Name& next_name = zone.nodes[chain[(i + 1) % chain.size()]].name;
        const auto next = next_name.bytes();
        denial_bitmap(node, types, bitmap);
        // The RDATA must be the next name, then the bit map (RFC 4034 §4.1).
        auto same = [&](std::span<const std::uint8_t> rdata) {
            return rdata.size() == next.size() + bitmap.size() &&
                   std::equal(next.begin(), next.end(), rdata.begin()) &&
                   std::equal(bitmap.begin(), bitmap.end(),
                              rdata.begin() + static_cast<std::ptrdiff_t>(next.size()));
        };
        if (nsec.rdatas.size() != 1 || !same(nsec.rdatas.front())) {
            problems.add(chain[i],
                         fmt::format("{}: NSEC does not link to {} with the types present",
                                     node.name.to_text(), next_name.to_text()));
        }
    }
}

void check_nsec3_chain(const SignedZone& sz, unsigned threads, Problems& problems) {
    const Nsec3Params& p = *sz.nsec3;
    // The hashes the chain must hold, derived again from the zone.
    std::vector<dns::Bytes> hashes =
        nsec3_hashes(nsec3_original_names(sz.zone, p.opt_out).names, p, threads);
    std::set<dns::Bytes> expected(std::make_move_iterator(hashes.begin()),
                                  std::make_move_iterator(hashes.end()));
    if (expected.size() != sz.nsec3_nodes.size()) {
        problems.add(0, fmt::format("NSEC3 chain has {} records where {} names need one",
                                    sz.nsec3_nodes.size(), expected.size()));
    }
    auto it = expected.begin();
    for (std::size_t i = 0; i < sz.nsec3_nodes.size() && it != expected.end(); ++i, ++it) {
        const zones::Node& node = sz.nsec3_nodes[i];
        const std::size_t where = sz.zone.nodes.size() + i;
        const zones::RRset* set = node.find(dns::rrtype::NSEC3);
        auto next_it = std::next(it) == expected.end() ? expected.begin() : std::next(it);
        if (!set || set->rdatas.size() != 1) {
            problems.add(where, fmt::format("{}: NSEC3 RRset missing", node.name.to_text()));
            continue;
        }
        const dns::Bytes& r = set->rdatas.front();
        std::size_t salt_len = r.size() > 4 ? r[4] : 0;
        std::size_t hash_at = 5 + salt_len;
        if (r.size() < hash_at + 21 || r[0] != 1 || (r[1] & 1) != (p.opt_out ? 1 : 0) ||
            dns::read_u16(r.data() + 2) != p.iterations ||
            !std::equal(p.salt.begin(), p.salt.end(), r.begin() + 5) || salt_len != p.salt.size()) {
            problems.add(where, fmt::format("{}: NSEC3 parameters differ from the chain's",
                                            node.name.to_text()));
            continue;
        }
        dns::Bytes next(r.begin() + static_cast<std::ptrdiff_t>(hash_at + 1),
                        r.begin() + static_cast<std::ptrdiff_t>(hash_at + 1 + r[hash_at]));
        auto owner = sz.zone.origin.prepend(dns::base32hex_encode(*it));
        if (!owner || node.name != *owner || next != *next_it) {
            problems.add(where, fmt::format("{}: NSEC3 chain is broken or not closed here",
                                            node.name.to_text()));
        }
    }
}

}  // namespace

Result<void> verify_zone(const SignedZone& sz, Instant now, unsigned threads) {
    return verify_zone(sz, now, threads, {}, {});
}

Result<void> verify_zone(const SignedZone& sz, Instant now, unsigned threads,
                         const TrustedSignatures& trusted, const CheckPlan& plan) {
    const zones::Node& apex = sz.zone.apex();
    const zones::RRset* dnskeys = apex.find(dns::rrtype::DNSKEY);
    if (!dnskeys || dnskeys->rdatas.empty())
        return fail(internal_error("self-check: the apex has no DNSKEY RRset"));
    KeySet key_set;
    auto& [keys, algorithms, sep_algorithms] = key_set;
    for (const auto& rdata : dnskeys->rdatas) {
        auto k = dns::Dnskey::from_rdata(rdata);
        if (!k) return fail(internal_error("self-check: malformed DNSKEY"));
        if (!(k->flags & dns::dnskey_flag_zone) || (k->flags & dns::dnskey_flag_revoke)) continue;
        algorithms.insert(k->algorithm);
        if (k->is_sep()) sep_algorithms.insert(k->algorithm);
        keys.push_back(PublishedKey{*k, dns::key_tag(rdata)});
    }
    for (const auto& rdata : sz.unpublished_signers) {
        auto k = dns::Dnskey::from_rdata(rdata);
        if (!k)
            return fail(internal_error("self-check: malformed DNSKEY of an unpublished signer"));
        keys.push_back(PublishedKey{*k, dns::key_tag(rdata)});
    }

    const std::uint32_t now32 = dns::to_sig_time(now);
    auto problems = std::make_unique<Problems>();
    auto checked = check_signatures(sz, key_set, now32, threads, trusted,
                                    {plan.mode, plan.made, plan.progress}, *problems);
    const bool differs = plan.mode == SelfCheck::sampled && plan.made &&
                         !(checked.seen && checked.seen->same_as(*plan.made));
    if (differs) {
        // The zone does not hold exactly the signatures made, over exactly the data they
        // were made over: everything is verified, which names what is wrong.
        problems = std::make_unique<Problems>();
        checked = check_signatures(sz, key_set, now32, threads, trusted,
                                   {SelfCheck::full, nullptr, plan.progress}, *problems);
    }
    if (plan.verified) *plan.verified = checked.verified;
    if (sz.nsec3) {
        check_nsec3_chain(sz, threads, *problems);
    } else {
        check_nsec_chain(sz.zone, *problems);
    }
    if (differs && problems->total() == 0) {
        // Every signature verifies and the chain is whole, yet some signature made is not
        // in the zone as made: refused all the same, as what was checked is not what was
        // signed.
        problems->add(
            0,
            "the zone's signatures are not exactly those this run made over the data they cover");
    }
    const std::size_t total = problems->total();
    if (total == 0) return {};
    std::string message = fmt::format(
        "self-check failed, nothing was written ({} problem{}):", total, total == 1 ? "" : "s");
    const std::vector<std::string> listed = problems->first();
    for (const auto& p : listed) message += "\n  " + p;
    if (total > listed.size()) message += fmt::format("\n  ... and {} more", total - listed.size());
    return fail(internal_error(std::move(message)));
}

}  // namespace zw::signer
