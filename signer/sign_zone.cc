#include "signer/sign_zone.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "base/clock.h"
#include "dns/rdata.h"
#include "dns/rrsig.h"
#include "signer/crypto.h"
#include "signer/denial.h"
#include "signer/parallel.h"
#include "signer/reuse.h"
#include "signer/verify_zone.h"

namespace zw::signer {

namespace {

struct Job {
    const dns::Name* owner;
    zones::RRset* set;
    const KeyPair* key;
    std::size_t slot;  // index into set->signatures, filled by this job alone
};

struct SignedSet {
    zones::RRset* set;
    std::size_t ordinal;  // among all RRsets, in for_each_node order (verify_zone's numbering)
    std::size_t kept;     // signatures [0, kept) were reused
};

void put_rrset(zones::Node& node, zones::RRset set) {
    std::sort(set.rdatas.begin(), set.rdatas.end(), dns::rdata_less);
    set.rdatas.erase(std::unique(set.rdatas.begin(), set.rdatas.end()), set.rdatas.end());
    auto pos = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                            [&](const zones::RRset& s) { return s.type >= set.type; });
    if (pos != node.rrsets.end() && pos->type == set.type) {
        *pos = std::move(set);
    } else {
        node.rrsets.insert(pos, std::move(set));
    }
}

Result<void> add_apex_records(zones::Zone& zone, const KeyUse& use, const SigningParams& params) {
    zones::Node& apex = zone.apex();
    // validate() keeps the TTL within 2^31-1.
    const auto ttl = static_cast<std::uint32_t>(params.dnskey_ttl.count());
    auto rrset = [&](std::uint16_t type, std::uint32_t set_ttl) {
        return zones::RRset{type, set_ttl, {}, {}, {}};
    };
    zones::RRset dnskeys = rrset(dns::rrtype::DNSKEY, ttl);
    for (const KeyPair* k : use.published) dnskeys.rdatas.push_back(k->dnskey_rdata());
    put_rrset(apex, std::move(dnskeys));

    if (params.cds_delete || !params.cds_key_tags.empty()) {
        zones::RRset cds = rrset(dns::rrtype::CDS, ttl);
        zones::RRset cdnskey = rrset(dns::rrtype::CDNSKEY, ttl);
        if (params.cds_delete) {
            cds.rdatas.push_back(dns::cds_delete_rdata());
            cdnskey.rdatas.push_back(dns::cdnskey_delete_rdata());
        }
        for (std::uint16_t tag : params.cds_key_tags) {
            auto it = std::find_if(use.published.begin(), use.published.end(),
                                   [&](const KeyPair* k) { return k->tag() == tag; });
            if (it == use.published.end()) {
                return fail(bad_input(
                    fmt::format("CDS requested for key {}, which is not published", tag)));
            }
            auto ds = dns::ds_rdata(zone.origin, (*it)->dnskey_rdata(), dns::digest::sha256);
            if (!ds) return fail(ds.error());
            cds.rdatas.push_back(std::move(*ds));
            cdnskey.rdatas.push_back((*it)->dnskey_rdata());
        }
        put_rrset(apex, std::move(cds));
        put_rrset(apex, std::move(cdnskey));
    }
    if (params.nsec3) {
        zones::RRset param = rrset(dns::rrtype::NSEC3PARAM, 0);
        param.rdatas.push_back(nsec3param_rdata(*params.nsec3));
        put_rrset(apex, std::move(param));
    }
    return {};
}

std::uint32_t jitter_for(const dns::Name& owner, std::uint16_t type, Seconds jitter) {
    if (jitter.count() <= 0) return 0;
    // FNV-1a over owner and type: the same RRset gets the same offset on every run.
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&](std::uint8_t b) { h = (h ^ b) * 1099511628211ULL; };
    for (char c : owner.wire()) mix(static_cast<std::uint8_t>(c));
    mix(static_cast<std::uint8_t>(type >> 8));
    mix(static_cast<std::uint8_t>(type));
    return static_cast<std::uint32_t>(h % static_cast<std::uint64_t>(jitter.count()));
}

bool is_key_rrset(std::uint16_t type) {
    return type == dns::rrtype::DNSKEY || type == dns::rrtype::CDS || type == dns::rrtype::CDNSKEY;
}

// Signs every job; with made, adds each signature and the data it covers to it (the
// sampled self-check's digest, signature_digest.h).
Result<void> sign_jobs(std::span<const Job> jobs, const dns::Name& origin,
                       const SigningParams& params, SignatureDigest* made) {
    const std::uint32_t inception = dns::to_sig_time(params.now - params.inception_offset);
    const std::uint32_t expiration = dns::to_sig_time(params.now + params.validity);
    std::vector<std::optional<Error>> failures(params.threads);
    std::vector<std::optional<SignatureDigest>> digests(params.threads);
    // Few keys sign a zone: a short list beats a map. A worker keeps its contexts across
    // chunks, and with them the ECDSA setup values made ahead.
    std::vector<std::vector<std::pair<const KeyPair*, SigningContext>>> worker_contexts(
        params.threads);
    if (params.progress) params.progress->start(SigningProgress::Phase::signing, jobs.size());
    parallel_chunks(
        jobs.size(), params.threads, 256, [&](std::size_t begin, std::size_t end, unsigned worker) {
            if (params.progress) params.progress->add(end - begin);
            if (failures[worker]) return;
            auto& contexts = worker_contexts[worker];
            dns::Bytes data, rrsig;
            for (std::size_t i = begin; i < end; ++i) {
                const Job& job = jobs[i];
                auto ctx = std::find_if(contexts.begin(), contexts.end(),
                                        [&](const auto& c) { return c.first == job.key; });
                if (ctx == contexts.end()) {
                    auto made = SigningContext::create(*job.key);
                    if (!made) {
                        failures[worker] = made.error();
                        return;
                    }
                    contexts.emplace_back(job.key, std::move(*made));
                    ctx = contexts.end() - 1;
                }
                const zones::RRset& set = *job.set;
                const dns::Name& owner = *job.owner;
                dns::RrsigFields f{set.type,
                                   job.key->algorithm(),
                                   dns::rrsig_labels(owner),
                                   set.ttl,
                                   expiration - jitter_for(owner, set.type, params.jitter),
                                   inception,
                                   job.key->tag(),
                                   origin};
                rrsig.clear();
                f.append_to(rrsig);
                data.clear();
                dns::append_signed_data(data, rrsig, owner, set.type, set.rdatas, set.ttl);
                const std::size_t signature_at = rrsig.size();
                if (auto ok = ctx->second.sign(data, rrsig); !ok) {
                    failures[worker] = ok.error();
                    return;
                }
                if (made) {
                    if (!digests[worker]) digests[worker] = made->empty_copy();
                    digests[worker]->add(data, std::span(rrsig).subspan(signature_at));
                }
                job.set->signatures[job.slot] =
                    zones::Signature(rrsig);  // allocated at its exact size
            }
        });
    for (auto& f : failures)
        if (f) return fail(*f);
    if (made) {
        for (const auto& d : digests)
            if (d) made->merge(*d);
    }
    return {};
}

// Sorts the signatures into RFC 4034 §6.3 order (stable output) and returns the mask of
// those that were kept, [0, kept) before sorting, in their new places.
std::uint64_t sort_signatures(zones::RRset& set, std::size_t kept) {
    auto& sigs = set.signatures;
    if (sigs.size() <= 1) return kept == 1 ? 1 : 0;
    if (sigs.size() > 64) {  // the mask has no room: trust none, verify all
        std::sort(sigs.begin(), sigs.end(), dns::rdata_less);
        return 0;
    }
    std::array<std::uint8_t, 64> order{};
    for (std::size_t i = 0; i < sigs.size(); ++i) order[i] = static_cast<std::uint8_t>(i);
    std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(sigs.size()),
              [&](std::uint8_t a, std::uint8_t b) { return dns::rdata_less(sigs[a], sigs[b]); });
    InlineVector<zones::Signature> sorted;
    sorted.reserve(sigs.size());
    std::uint64_t mask = 0;
    for (std::size_t i = 0; i < sigs.size(); ++i) {
        sorted.push_back(std::move(sigs[order[i]]));
        if (order[i] < kept) mask |= std::uint64_t{1} << i;
    }
    sigs = std::move(sorted);
    return mask;
}

}  // namespace

Result<void> validate(const SigningParams& p) {
    if (p.validity <= p.jitter)
        return fail(bad_input("the jitter must be shorter than the signature validity"));
    if (p.validity.count() <= 0 || p.validity > Seconds{0x7fffffff}) {
        return fail(bad_input("the signature validity must be positive and below 68 years"));
    }
    if (p.inception_offset.count() < 0 || p.jitter.count() < 0) {
        return fail(bad_input("the inception offset and the jitter cannot be negative"));
    }
    if (p.inception_offset > Seconds{0x7fffffff}) {
        return fail(bad_input("the inception offset must be below 68 years"));
    }
    // RRSIG times are 32-bit counts of seconds since 1970 (RFC 4034 §3.1.5); with the
    // bounds above, now - offset and now + validity cannot overflow either.
    const std::int64_t now = p.now.time_since_epoch().count();
    if (now < 0 || now > 0xffffffffLL) {
        return fail(
            bad_input(fmt::format("the signing time {} is outside what RRSIG times can hold "
                                  "(Unix times 0 to 4294967295, 1970 to 2106)",
                                  now)));
    }
    if (p.dnskey_ttl.count() < 0 || p.dnskey_ttl > Seconds{0x7fffffff}) {
        return fail(bad_input(
            fmt::format("the DNSKEY TTL {} s is outside 0 to 2147483647 (2^31-1, RFC 2181 §8)",
                        p.dnskey_ttl.count())));
    }
    if (p.threads == 0 || p.threads > 256)
        return fail(bad_input("threads must be between 1 and 256"));
    if (p.nsec3 && p.nsec3->salt.size() > 255)
        return fail(bad_input("the NSEC3 salt is longer than 255 octets"));
    if (p.nsec3 && p.nsec3->iterations > 100) {
        return fail(bad_input(
            "NSEC3 iterations above 100 make validators treat the zone as insecure or bogus "
            "(RFC 9276 §3.2); use 0"));
    }
    return {};
}

Result<SignedZone> sign_zone(zones::Zone zone, std::span<const KeyPair> keys,
                             const SigningParams& params, SigningStats* stats) {
    if (auto ok = validate(params); !ok) return fail(ok.error());
    auto use = select_keys(keys, params.now);
    if (!use) return fail(use.error());
    return sign_zone(std::move(zone), *use, params, stats);
}

namespace {

Result<SignedZone> signed_and_checked(zones::Zone zone, const KeyUse& use,
                                      const SigningParams& params, const SigningState* previous,
                                      SigningStats* stats) {
    auto unchecked = sign_zone_unchecked(std::move(zone), use, params, previous, stats);
    if (!unchecked) return fail(unchecked.error());
    if (auto ok = unchecked->check(stats); !ok) return fail(ok.error());
    return std::move(*unchecked).take();
}

}  // namespace

Result<SignedZone> sign_zone(zones::Zone zone, const KeyUse& use, const SigningParams& params,
                             SigningStats* stats) {
    return signed_and_checked(std::move(zone), use, params, nullptr, stats);
}

Result<SignedZone> sign_zone_incremental(zones::Zone zone, const KeyUse& use,
                                         const SigningParams& params, const SigningState& previous,
                                         SigningStats* stats) {
    return signed_and_checked(std::move(zone), use, params, &previous, stats);
}

Result<void> UncheckedZone::check(SigningStats* stats) {
    Stopwatch stopwatch;
    std::size_t verified = 0;
    auto ok = verify_zone(zone_, now_, threads_, trusted_,
                          CheckPlan{self_check_, made_ ? &*made_ : nullptr, &verified, progress_});
    if (stats) {
        stats->verify_seconds += stopwatch.seconds();
        stats->signatures_verified += verified;
    }
    if (!ok) return fail(ok.error());
    checked_ = true;
    return {};
}

SignedZone UncheckedZone::take() && {
    if (!checked_) throw std::logic_error("a signed zone was taken before its self-check passed");
    return std::move(zone_);
}

Result<UncheckedZone> sign_zone_unchecked(zones::Zone zone, const KeyUse& use,
                                          const SigningParams& params, const SigningState* previous,
                                          SigningStats* stats) {
    if (auto ok = validate(params); !ok) return fail(ok.error());
    if (use.published.empty()) return fail(bad_input("no key is published; nothing to sign with"));
    if (use.sign_dnskey.empty() || use.sign_zone.empty()) {
        return fail(bad_input(
            "a signed zone needs at least one key for the DNSKEY RRset and one for the zone data"));
    }
    Stopwatch stopwatch;
    if (auto ok = add_apex_records(zone, use, params); !ok) return fail(ok.error());

    const zones::RRset* soa = zone.apex().find(dns::rrtype::SOA);
    if (!soa) return fail(bad_input("the zone has no SOA"));
    auto timers = dns::soa_timers(soa->rdatas.front());
    if (!timers) return fail(bad_input("malformed SOA"));
    std::uint32_t denial_ttl = std::min(soa->ttl, timers->minimum);  // RFC 9077 §3

    SignedZone out;
    out.nsec3 = params.nsec3;
    for (const auto* signers : {&use.sign_dnskey, &use.sign_zone}) {
        for (const KeyPair* k : *signers) {
            if (std::find(use.published.begin(), use.published.end(), k) == use.published.end()) {
                out.unpublished_signers.push_back(k->dnskey_rdata());
            }
        }
    }
    if (params.nsec3) {
        auto chain = build_nsec3_chain(zone, *params.nsec3, denial_ttl, params.threads);
        if (!chain) return fail(chain.error());
        out.nsec3_nodes = std::move(*chain);
    } else {
        add_nsec_chain(zone, denial_ttl);
    }
    out.zone = std::move(zone);

    // Kept signatures go into each RRset first, then one empty slot per job, which its
    // worker fills in place: no worker shares a vector with another.
    std::vector<Job> jobs;
    std::vector<SignedSet> sets;  // those with signatures still to make
    TrustedSignatures trusted;
    // Reserved for the most there can be (DNSKEY RRsets may need more than one job, and get
    // them by growth): memory a vector never fills is never touched, but growing by
    // doubling touches twice the final size, and a first touch is dear under a hypervisor.
    std::size_t rrset_total = 0;
    out.for_each_node([&](const zones::Node& node) { rrset_total += node.rrsets.size(); });
    jobs.reserve(rrset_total);
    sets.reserve(rrset_total);
    if (previous) trusted.reserve(rrset_total);
    auto sort_and_trust = [&](zones::RRset& set, std::size_t ordinal, std::size_t kept) {
        std::uint64_t mask = sort_signatures(set, kept);
        if (mask == 0) return;
        if (trusted.size() <= ordinal) trusted.resize(ordinal + 1);
        trusted[ordinal] = mask;
    };
    SignatureReuse reuse(previous, out.zone.origin, params);
    // Which nodes are the stored ones (SignedZone::unchanged_from), for copying their text
    // and for writing the next state as the changes against the base.
    const bool track_unchanged = previous != nullptr;
    if (track_unchanged) {
        out.previous_text = previous->text();
        out.previous_base = previous->base();
        out.unchanged_from.reserve(out.zone.nodes.size() + out.nsec3_nodes.size());
    }
    std::vector<bool> covered;
    const std::vector<const KeyPair*> no_signers;
    std::size_t ordinal = 0, rrsets_signed = 0;
    auto collect = [&](zones::Node& node, bool nsec3_section) {
        // The node is unchanged if each RRset is, and they are consecutive stored records.
        std::optional<std::uint64_t> node_from;
        bool unchanged = !node.rrsets.empty();
        for (auto& set : node.rrsets) {
            const std::size_t this_ordinal = ordinal++;
            set.signatures.clear();
            const bool is_signed = is_signed_rrset(node.role, set.type);
            rrsets_signed += is_signed;
            const auto& signers = !is_signed               ? no_signers
                                  : is_key_rrset(set.type) ? use.sign_dnskey
                                                           : use.sign_zone;
            const auto stored_at = reuse.reuse(nsec3_section, node.name, set, signers, covered);
            const auto index = static_cast<std::uint64_t>(&set - node.rrsets.data());
            if (index == 0) node_from = stored_at;
            if (!stored_at || !node_from || *stored_at != *node_from + index) unchanged = false;
            if (!is_signed) continue;
            const std::size_t kept = set.signatures.size();
            for (std::size_t i = 0; i < signers.size(); ++i) {
                if (covered[i]) continue;
                jobs.push_back(Job{&node.name, &set, signers[i], set.signatures.size()});
                set.signatures.emplace_back();
            }
            // An RRset whose signatures were all kept is finished here; listing it for
            // later would take 36 MB at 1M records in an incremental run.
            if (kept == set.signatures.size()) {
                sort_and_trust(set, this_ordinal, kept);
            } else {
                unchanged = false;
                sets.push_back(SignedSet{&set, this_ordinal, kept});
            }
        }
        if (track_unchanged) out.unchanged_from.push_back(unchanged ? node_from : std::nullopt);
    };
    for (auto& node : out.zone.nodes) collect(node, false);
    for (auto& node : out.nsec3_nodes) collect(node, true);
    reuse.finish();
    if (reuse.counts().reused > 0) out.kept_storage = previous->storage();
    const double prepare_seconds = stopwatch.seconds();

    std::optional<SignatureDigest> digest;
    if (params.self_check == SelfCheck::sampled) {
        auto fresh = SignatureDigest::with_new_key();
        if (!fresh) return fail(fresh.error());
        digest = std::move(*fresh);
    }
    if (auto ok = sign_jobs(jobs, out.zone.origin, params, digest ? &*digest : nullptr); !ok)
        return fail(ok.error());
    const double sign_seconds = stopwatch.seconds() - prepare_seconds;
    const std::size_t made = jobs.size();
    jobs = {};  // tens of MB in a large zone, not needed past this point

    for (const SignedSet& s : sets) sort_and_trust(*s.set, s.ordinal, s.kept);
    const std::size_t resigned = sets.size();
    sets = {};
    if (stats) {
        stats->signatures = made;
        stats->rrsets_signed = rrsets_signed;
        stats->prepare_seconds = prepare_seconds;
        stats->sign_seconds = sign_seconds;
        stats->verify_seconds = 0;
        stats->signatures_reused = reuse.counts().reused;
        stats->signatures_renewed = reuse.counts().renewed;
        stats->signatures_replaced = reuse.counts().replaced;
        stats->signatures_dropped = reuse.counts().dropped;
        stats->rrsets_resigned = resigned;
    }
    UncheckedZone result;
    result.zone_ = std::move(out);
    result.trusted_ = std::move(trusted);
    result.self_check_ = params.self_check;
    result.made_ = std::move(digest);
    result.now_ = params.now;
    result.threads_ = params.threads;
    result.progress_ = params.progress;
    return result;
}

}  // namespace zw::signer
