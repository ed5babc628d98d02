#include "signer/sign_zone.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "base/clock.h"
#include "dns/rdata.h"
#include "signer/crypto.h"
#include "signer/denial.h"
#include "signer/parallel.h"
#include "dns/rrsig.h"
#include "signer/verify_zone.h"

namespace zw::signer {

namespace {

struct Job {
    zones::RRset* set;
    const KeyPair* key;
    std::size_t slot;  // index into the output signatures
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
    auto rrset = [&](std::uint16_t type, std::uint32_t ttl) { return zones::RRset{zone.origin, type, ttl, {}, {}, {}}; };
    zones::RRset dnskeys = rrset(dns::rrtype::DNSKEY, params.dnskey_ttl);
    for (const KeyPair* k : use.published) dnskeys.rdatas.push_back(k->dnskey_rdata());
    put_rrset(apex, std::move(dnskeys));

    if (params.cds_delete || !params.cds_key_tags.empty()) {
        zones::RRset cds = rrset(dns::rrtype::CDS, params.dnskey_ttl);
        zones::RRset cdnskey = rrset(dns::rrtype::CDNSKEY, params.dnskey_ttl);
        if (params.cds_delete) {
            cds.rdatas.push_back(dns::cds_delete_rdata());
            cdnskey.rdatas.push_back(dns::cdnskey_delete_rdata());
        }
        for (std::uint16_t tag : params.cds_key_tags) {
            auto it = std::find_if(use.published.begin(), use.published.end(),
                                   [&](const KeyPair* k) { return k->tag() == tag; });
            if (it == use.published.end()) {
                return fail(bad_input(fmt::format("CDS requested for key {}, which is not published", tag)));
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

std::uint32_t jitter_for(const zones::RRset& set, Seconds jitter) {
    if (jitter.count() <= 0) return 0;
    // FNV-1a over owner and type: the same RRset gets the same offset on every run.
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&](std::uint8_t b) { h = (h ^ b) * 1099511628211ULL; };
    for (char c : set.owner.wire()) mix(static_cast<std::uint8_t>(c));
    mix(static_cast<std::uint8_t>(set.type >> 8));
    mix(static_cast<std::uint8_t>(set.type));
    return static_cast<std::uint32_t>(h % static_cast<std::uint64_t>(jitter.count()));
}

bool is_key_rrset(std::uint16_t type) {
    return type == dns::rrtype::DNSKEY || type == dns::rrtype::CDS || type == dns::rrtype::CDNSKEY;
}

}  // namespace

Result<void> validate(const SigningParams& p) {
    if (p.validity <= p.jitter) return fail(bad_input("the jitter must be shorter than the signature validity"));
    if (p.validity.count() <= 0 || p.validity > Seconds{0x7fffffff}) {
        return fail(bad_input("the signature validity must be positive and below 68 years"));
    }
    if (p.inception_offset.count() < 0 || p.jitter.count() < 0) {
        return fail(bad_input("the inception offset and the jitter cannot be negative"));
    }
    if (p.threads == 0 || p.threads > 256) return fail(bad_input("threads must be between 1 and 256"));
    if (p.nsec3 && p.nsec3->salt.size() > 255) return fail(bad_input("the NSEC3 salt is longer than 255 octets"));
    if (p.nsec3 && p.nsec3->iterations > 100) {
        return fail(bad_input("NSEC3 iterations above 100 make validators treat the zone as insecure or bogus "
                              "(RFC 9276 §3.2); use 0"));
    }
    return {};
}

Result<KeyUse> select_keys(std::span<const KeyPair> keys, Instant now) {
    KeyUse use;
    std::map<std::uint8_t, std::pair<std::vector<const KeyPair*>, std::vector<const KeyPair*>>> by_alg;  // ksk, zsk
    for (const auto& k : keys) {
        if (!dns::algorithm_supported(k.algorithm())) {
            return fail(bad_input(fmt::format("key {} uses algorithm {}, which zonewarden cannot sign with", k.base_name(),
                                              dns::algorithm_mnemonic(k.algorithm()))));
        }
        if (!k.timing().published_at(now)) continue;
        use.published.push_back(&k);
        if (!k.timing().active_at(now)) continue;
        auto& [ksks, zsks] = by_alg[k.algorithm()];
        (k.is_ksk() ? ksks : zsks).push_back(&k);
    }
    if (use.published.empty()) return fail(bad_input("no key is published at this time; nothing to sign with"));
    std::set<std::uint8_t> published_algs;
    for (const KeyPair* k : use.published) published_algs.insert(k->algorithm());
    for (std::uint8_t a : published_algs) {
        auto& [ksks, zsks] = by_alg[a];
        // RFC 4035 §2.2: every algorithm in the DNSKEY RRset must sign every RRset.
        if (ksks.empty() && zsks.empty()) {
            return fail(bad_input(fmt::format("{} keys are published but none is active; validators would find "
                                              "RRsets without a {} signature (RFC 4035 §2.2)",
                                              dns::algorithm_mnemonic(a), dns::algorithm_mnemonic(a))));
        }
        const auto& dnskey_signers = ksks.empty() ? zsks : ksks;
        const auto& zone_signers = zsks.empty() ? ksks : zsks;
        use.sign_dnskey.insert(use.sign_dnskey.end(), dnskey_signers.begin(), dnskey_signers.end());
        use.sign_zone.insert(use.sign_zone.end(), zone_signers.begin(), zone_signers.end());
    }
    return use;
}

Result<SignedZone> sign_zone(zones::Zone zone, std::span<const KeyPair> keys, const SigningParams& params,
                             SigningStats* stats) {
    if (auto ok = validate(params); !ok) return fail(ok.error());
    auto use = select_keys(keys, params.now);
    if (!use) return fail(use.error());
    return sign_zone(std::move(zone), *use, params, stats);
}

Result<SignedZone> sign_zone(zones::Zone zone, const KeyUse& use_in, const SigningParams& params,
                             SigningStats* stats) {
    if (auto ok = validate(params); !ok) return fail(ok.error());
    if (use_in.published.empty()) return fail(bad_input("no key is published; nothing to sign with"));
    if (use_in.sign_dnskey.empty() || use_in.sign_zone.empty()) {
        return fail(bad_input("a signed zone needs at least one key for the DNSKEY RRset and one for the zone data"));
    }
    const KeyUse* use = &use_in;
    if (auto ok = add_apex_records(zone, *use, params); !ok) return fail(ok.error());

    const zones::RRset* soa = zone.apex().find(dns::rrtype::SOA);
    if (!soa) return fail(bad_input("the zone has no SOA"));
    auto timers = dns::soa_timers(soa->rdatas.front());
    if (!timers) return fail(bad_input("malformed SOA"));
    std::uint32_t denial_ttl = std::min(soa->ttl, timers->minimum);  // RFC 9077 §3

    SignedZone out;
    out.nsec3 = params.nsec3;
    for (const auto* signers : {&use->sign_dnskey, &use->sign_zone}) {
        for (const KeyPair* k : *signers) {
            if (std::find(use->published.begin(), use->published.end(), k) == use->published.end()) {
                out.unpublished_signers.push_back(k->dnskey_rdata());
            }
        }
    }
    if (params.nsec3) {
        auto chain = build_nsec3_chain(zone, *params.nsec3, denial_ttl);
        if (!chain) return fail(chain.error());
        out.nsec3_nodes = std::move(*chain);
    } else {
        add_nsec_chain(zone, denial_ttl);
    }
    out.zone = std::move(zone);

    // Collect the work: one job per (RRset, key).
    std::vector<Job> jobs;
    std::vector<zones::RRset*> sets;
    auto collect = [&](zones::Node& node) {
        for (auto& set : node.rrsets) {
            set.signatures.clear();
            if (!is_signed_rrset(node.role, set.type)) continue;
            const auto& signers = is_key_rrset(set.type) ? use->sign_dnskey : use->sign_zone;
            for (const KeyPair* k : signers) jobs.push_back(Job{&set, k, jobs.size()});
            sets.push_back(&set);
        }
    };
    for (auto& node : out.zone.nodes) collect(node);
    for (auto& node : out.nsec3_nodes) collect(node);

    Stopwatch stopwatch;
    const std::uint32_t inception = dns::to_sig_time(params.now - params.inception_offset);
    std::vector<dns::Bytes> signatures(jobs.size());
    std::vector<std::optional<Error>> failures(params.threads);
    std::vector<const KeyPair*> all_signers = use->sign_dnskey;
    all_signers.insert(all_signers.end(), use->sign_zone.begin(), use->sign_zone.end());

    parallel_chunks(jobs.size(), params.threads, 512, [&](std::size_t begin, std::size_t end, unsigned worker) {
        if (failures[worker]) return;
        // Contexts live per worker and per key for the whole chunk.
        std::map<const KeyPair*, SigningContext> contexts;
        dns::Bytes data;
        for (std::size_t i = begin; i < end; ++i) {
            const Job& job = jobs[i];
            auto ctx = contexts.find(job.key);
            if (ctx == contexts.end()) {
                auto made = SigningContext::create(*job.key);
                if (!made) {
                    failures[worker] = made.error();
                    return;
                }
                ctx = contexts.emplace(job.key, std::move(*made)).first;
            }
            dns::RrsigFields f{job.set->type, job.key->algorithm(), dns::rrsig_labels(job.set->owner), job.set->ttl,
                          dns::to_sig_time(params.now + params.validity) - jitter_for(*job.set, params.jitter), inception,
                          job.key->tag(), out.zone.origin};
            dns::Bytes& rrsig = signatures[job.slot];
            f.append_to(rrsig);
            data.clear();
            dns::append_signed_data(data, rrsig, job.set->owner, job.set->type, job.set->rdatas, job.set->ttl);
            if (auto ok = ctx->second.sign(data, rrsig); !ok) {
                failures[worker] = ok.error();
                return;
            }
        }
    });
    for (auto& f : failures) if (f) return fail(*f);
    for (const Job& job : jobs) job.set->signatures.push_back(std::move(signatures[job.slot]));
    for (zones::RRset* set : sets) std::sort(set->signatures.begin(), set->signatures.end(), dns::rdata_less);
    double sign_seconds = stopwatch.seconds();

    if (auto ok = verify_zone(out, params.now, params.threads); !ok) return fail(ok.error());
    if (stats) {
        stats->signatures = jobs.size();
        stats->rrsets_signed = sets.size();
        stats->sign_seconds = sign_seconds;
        stats->verify_seconds = stopwatch.seconds() - sign_seconds;
    }
    return out;
}

}  // namespace zw::signer
