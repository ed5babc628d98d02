#include "signer/verify_zone.h"

#include <fmt/format.h>

#include <algorithm>
#include <bitset>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>

#include "dns/dnssec.h"
#include "dns/encoding.h"
#include "dns/rdata.h"
#include "dns/verifier.h"
#include "signer/denial.h"
#include "signer/parallel.h"
#include "dns/rrsig.h"
#include "zones/serial.h"

namespace zw::signer {

namespace {

constexpr std::size_t max_reported = 10;

// Keeps the first max_reported problems in zone order, whichever worker finds them first,
// so that a run reports the same ones every time. `where` is the node's position in
// for_each_node order (0, the apex, for the zone as a whole); problems at one node keep
// the order they were found in, by one worker or after the workers.
class Problems {
public:
    void add(std::size_t where, std::string what) {
        std::lock_guard lock(mutex_);
        Entry entry{where, total_++, std::move(what)};
        if (first_.size() < max_reported) {
            first_.push_back(std::move(entry));
            return;
        }
        auto last = std::max_element(first_.begin(), first_.end(), earlier);
        if (earlier(entry, *last)) *last = std::move(entry);
    }
    [[nodiscard]] std::size_t total() const { return total_; }
    [[nodiscard]] std::vector<std::string> first() {
        std::sort(first_.begin(), first_.end(), earlier);
        std::vector<std::string> out;
        for (auto& e : first_) out.push_back(std::move(e.what));
        return out;
    }

private:
    struct Entry {
        std::size_t where, found;
        std::string what;
    };
    static bool earlier(const Entry& a, const Entry& b) { return std::tie(a.where, a.found) < std::tie(b.where, b.found); }
    std::mutex mutex_;
    std::vector<Entry> first_;
    std::size_t total_ = 0;
};

std::string describe(const dns::Name& owner, const zones::RRset& set) {
    return fmt::format("{} {}", owner.to_text(), dns::type_to_text(set.type));
}

struct PublishedKey {
    dns::Dnskey dnskey;
    std::uint16_t tag;
    EVP_PKEY* key_pair = nullptr;  // the signer's own key with this public key, if any
};

// What every RRset's signatures are checked against.
struct KeySet {
    std::vector<PublishedKey> keys;
    std::set<std::uint8_t> algorithms, sep_algorithms;
};

// The RRsets of one chunk are checked in three steps, so that the signatures by one key
// are verified together (dns::Verifier shares work among P-256 checks): the fields of each
// RRSIG, then the cryptography key by key, then what each RRset needs.
class ChunkCheck {
public:
    ChunkCheck(const KeySet& keys, const dns::Name& origin, std::uint32_t now, std::vector<dns::Verifier>& verifiers,
               Problems& problems)
        : keys_(keys), origin_(origin), now_(now), verifiers_(verifiers), problems_(problems) {}

    // Bit i of trusted marks signature i as reused (verify_zone.h); where is the node's
    // position (Problems).
    void add(std::size_t where, const dns::Name& owner, const zones::RRset& set, std::uint64_t trusted) {
        sets_.push_back(Set{&owner, &set, candidates_.size(), where});
        for (std::size_t index = 0; index < set.signatures.size(); ++index) {
            const auto& rrsig = set.signatures[index];
            std::size_t sig_at = 0;
            auto f = dns::RrsigFields::parse(rrsig, sig_at);
            if (!f) {
                problems_.add(where, fmt::format("{}: malformed RRSIG", describe(owner, set)));
                continue;
            }
            if (f->type_covered != set.type || f->labels != dns::rrsig_labels(owner) ||
                f->original_ttl != set.ttl || f->signer != origin_) {
                problems_.add(where,
                              fmt::format("{}: RRSIG by key {} has wrong fields", describe(owner, set), f->key_tag));
                continue;
            }
            using zones::SerialOrder;
            if (zones::serial_compare(f->inception, now_) == SerialOrder::greater ||
                zones::serial_compare(f->expiration, now_) != SerialOrder::greater) {
                problems_.add(where,
                              fmt::format("{}: RRSIG by key {} is not valid now", describe(owner, set), f->key_tag));
                continue;
            }
            Candidate c{&rrsig, sig_at, 0, 0, 0, f->key_tag, f->algorithm, index < 64 && (trusted >> index & 1) != 0,
                        false};
            c.key = next_key(c, 0);
            if (c.key == keys_.keys.size()) {
                report_unverified(where, owner, set, c);
                continue;
            }
            if (!c.trusted) {
                c.data_at = data_.size();
                dns::append_signed_data(data_, rrsig.bytes().first(sig_at), owner, set.type, set.rdatas,
                                        f->original_ttl);
                c.data_len = data_.size() - c.data_at;
            }
            candidates_.push_back(c);
        }
    }

    void finish() {
        std::vector<dns::Verifier::Check> checks;
        for (std::size_t k = 0; k < keys_.keys.size(); ++k) {
            checks.clear();
            for (const Candidate& c : candidates_) {
                if (c.key == k && !c.trusted) checks.push_back({data_of(c), signature_of(c)});
            }
            if (checks.empty()) continue;
            verifiers_[k].verify(checks);
            std::size_t next = 0;
            for (Candidate& c : candidates_) {
                if (c.key == k && !c.trusted) c.valid = checks[next++].valid;
            }
        }
        for (std::size_t s = 0; s < sets_.size(); ++s) {
            const std::size_t end = s + 1 < sets_.size() ? sets_[s + 1].first_candidate : candidates_.size();
            const Set& set = sets_[s];
            finish_set(set.where, *set.owner, *set.set,
                       std::span(candidates_).subspan(set.first_candidate, end - set.first_candidate));
        }
    }

private:
    struct Candidate {
        const zones::Signature* rrsig;
        std::size_t sig_at;  // where the signature field starts in the RRSIG RDATA
        std::size_t data_at, data_len;  // the signed data in data_; none when trusted
        std::size_t key;  // the published key it is checked with
        std::uint16_t tag;
        std::uint8_t algorithm;
        bool trusted;
        bool valid;
    };
    struct Set {
        const dns::Name* owner;
        const zones::RRset* set;
        std::size_t first_candidate;
        std::size_t where;
    };

    // The first key at or after `from` with the candidate's tag and algorithm; keys.size()
    // when none. Tags can collide, so a signature that fails is tried with the next one.
    std::size_t next_key(const Candidate& c, std::size_t from) const {
        for (std::size_t k = from; k < keys_.keys.size(); ++k) {
            if (keys_.keys[k].tag == c.tag && keys_.keys[k].dnskey.algorithm == c.algorithm) return k;
        }
        return keys_.keys.size();
    }
    std::span<const std::uint8_t> data_of(const Candidate& c) const { return std::span(data_).subspan(c.data_at, c.data_len); }
    static std::span<const std::uint8_t> signature_of(const Candidate& c) { return c.rrsig->bytes().subspan(c.sig_at); }

    void report_unverified(std::size_t where, const dns::Name& owner, const zones::RRset& set, const Candidate& c) {
        problems_.add(where, fmt::format("{}: RRSIG by key {} (algorithm {}) does not verify against the published "
                                         "DNSKEY RRset",
                                         describe(owner, set), c.tag, c.algorithm));
    }

    void finish_set(std::size_t where, const dns::Name& owner, const zones::RRset& set,
                    std::span<Candidate> candidates) {
        std::bitset<256> valid_algs, valid_sep_algs;
        for (Candidate& c : candidates) {
            while (!c.trusted && !c.valid) {
                c.key = next_key(c, c.key + 1);
                if (c.key == keys_.keys.size()) break;
                c.valid = verifiers_[c.key].verify(data_of(c), signature_of(c));
            }
            if (!c.trusted && !c.valid) {
                report_unverified(where, owner, set, c);
                continue;
            }
            valid_algs.set(c.algorithm);
            if (keys_.keys[c.key].dnskey.is_sep()) valid_sep_algs.set(c.algorithm);
        }
        for (std::uint8_t a : keys_.algorithms) {
            if (!valid_algs.test(a)) {
                problems_.add(where, fmt::format("{}: no valid {} signature (RFC 4035 §2.2)", describe(owner, set),
                                                 dns::algorithm_mnemonic(a)));
            }
        }
        if (set.type == dns::rrtype::DNSKEY) {
            for (std::uint8_t a : keys_.sep_algorithms) {
                if (!valid_sep_algs.test(a)) {
                    problems_.add(where, fmt::format("{}: not signed by a {} key-signing key", describe(owner, set),
                                                     dns::algorithm_mnemonic(a)));
                }
            }
        }
    }

    const KeySet& keys_;
    const dns::Name& origin_;
    std::uint32_t now_;
    std::vector<dns::Verifier>& verifiers_;
    Problems& problems_;
    std::vector<Set> sets_;
    std::vector<Candidate> candidates_;
    dns::Bytes data_;
};

void check_nsec_chain(const zones::Zone& zone, Problems& problems) {
    std::vector<std::size_t> chain;  // positions of the nodes with an NSEC
    for (std::size_t at = 0; at < zone.nodes.size(); ++at) {
        const zones::Node& node = zone.nodes[at];
        const zones::RRset* nsec = node.find(dns::rrtype::NSEC);
        bool expected = node.role != zones::NodeRole::occluded;
        if (expected != (nsec != nullptr)) {
            problems.add(at, fmt::format("{}: NSEC {}", node.name.to_text(), expected ? "missing" : "at occluded name"));
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
            return rdata.size() == next.size() + bitmap.size() && std::equal(next.begin(), next.end(), rdata.begin()) &&
                   std::equal(bitmap.begin(), bitmap.end(), rdata.begin() + static_cast<std::ptrdiff_t>(next.size()));
        };
        if (nsec.rdatas.size() != 1 || !same(nsec.rdatas.front())) {
            problems.add(chain[i], fmt::format("{}: NSEC does not link to {} with the types present",
                                               node.name.to_text(), next_name.to_text()));
        }
    }
}

void check_nsec3_chain(const SignedZone& sz, unsigned threads, Problems& problems) {
    const Nsec3Params& p = *sz.nsec3;
    // The hashes the chain must hold, derived again from the zone.
    std::vector<dns::Bytes> hashes = nsec3_hashes(nsec3_original_names(sz.zone, p.opt_out).names, p, threads);
    std::set<dns::Bytes> expected(std::make_move_iterator(hashes.begin()), std::make_move_iterator(hashes.end()));
    if (expected.size() != sz.nsec3_nodes.size()) {
        problems.add(0, fmt::format("NSEC3 chain has {} records where {} names need one", sz.nsec3_nodes.size(),
                                    expected.size()));
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
            problems.add(where, fmt::format("{}: NSEC3 parameters differ from the chain's", node.name.to_text()));
            continue;
        }
        dns::Bytes next(r.begin() + static_cast<std::ptrdiff_t>(hash_at + 1),
                        r.begin() + static_cast<std::ptrdiff_t>(hash_at + 1 + r[hash_at]));
        auto owner = sz.zone.origin.prepend(dns::base32hex_encode(*it));
        if (!owner || node.name != *owner || next != *next_it) {
            problems.add(where, fmt::format("{}: NSEC3 chain is broken or not closed here", node.name.to_text()));
        }
    }
}

}  // namespace

Result<void> verify_zone(const SignedZone& sz, Instant now, unsigned threads) {
    return verify_zone(sz, now, threads, {}, {});
}

Result<void> verify_zone(const SignedZone& sz, Instant now, unsigned threads, const TrustedSignatures& trusted,
                         std::span<const KeyPair* const> key_pairs, SigningProgress* progress) {
    const zones::Node& apex = sz.zone.apex();
    const zones::RRset* dnskeys = apex.find(dns::rrtype::DNSKEY);
    if (!dnskeys || dnskeys->rdatas.empty()) return fail(internal_error("self-check: the apex has no DNSKEY RRset"));
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
        if (!k) return fail(internal_error("self-check: malformed DNSKEY of an unpublished signer"));
        keys.push_back(PublishedKey{*k, dns::key_tag(rdata)});
    }
    for (PublishedKey& k : keys) {
        for (const KeyPair* pair : key_pairs) {
            if (pair->algorithm() == k.dnskey.algorithm && pair->dnskey().public_key == k.dnskey.public_key) {
                k.key_pair = pair->pkey();
            }
        }
    }

    // Work goes out by node; the RRset ordinals that index `trusted` are counted only when
    // something is trusted (a per-RRset list would cost tens of MB in a large zone).
    const std::size_t zone_nodes = sz.zone.nodes.size();
    const std::size_t total_nodes = zone_nodes + sz.nsec3_nodes.size();
    auto node_at = [&](std::size_t i) -> const zones::Node& {
        return i < zone_nodes ? sz.zone.nodes[i] : sz.nsec3_nodes[i - zone_nodes];
    };
    std::vector<std::size_t> first_ordinal;
    if (!trusted.empty()) {
        first_ordinal.resize(total_nodes);
        std::size_t ordinal = 0;
        for (std::size_t i = 0; i < total_nodes; ++i) {
            first_ordinal[i] = ordinal;
            ordinal += node_at(i).rrsets.size();
        }
    }
    Problems problems;
    const std::uint32_t now32 = dns::to_sig_time(now);
    // Each worker keeps its verifiers across chunks: a busy P-256 key gets a table after
    // enough verifications (dns/ecdsa_key_table.h), worth building once per worker.
    std::vector<std::optional<std::vector<dns::Verifier>>> verifiers_of(std::max(1u, threads));
    if (progress) progress->start(SigningProgress::Phase::checking, total_nodes);
    parallel_chunks(total_nodes, threads, 512, [&](std::size_t begin, std::size_t end, unsigned worker) {
        if (progress) progress->add(end - begin);
        auto& verifiers = verifiers_of[worker];
        if (!verifiers) {
            verifiers.emplace();
            for (const auto& k : keys) {
                auto v = dns::Verifier::create(k.dnskey, k.key_pair);
                if (!v) {
                    problems.add(0, fmt::format("DNSKEY {} cannot be used: {}", k.tag, v.error().message));
                    return;
                }
                verifiers->push_back(std::move(*v));
            }
        }
        if (verifiers->size() != keys.size()) return;  // a key could not be used: already reported
        ChunkCheck check(key_set, sz.zone.origin, now32, *verifiers, problems);
        for (std::size_t i = begin; i < end; ++i) {
            const zones::Node& node = node_at(i);
            for (std::size_t r = 0; r < node.rrsets.size(); ++r) {
                const zones::RRset& set = node.rrsets[r];
                if (!is_signed_rrset(node.role, set.type)) {
                    if (!set.signatures.empty()) {
                        problems.add(i, fmt::format("{}: signed but not authoritative", describe(node.name, set)));
                    }
                    continue;
                }
                const std::size_t ordinal = first_ordinal.empty() ? trusted.size() : first_ordinal[i] + r;
                check.add(i, node.name, set, ordinal < trusted.size() ? trusted[ordinal] : 0);
            }
        }
        check.finish();
    });
    if (sz.nsec3) {
        check_nsec3_chain(sz, threads, problems);
    } else {
        check_nsec_chain(sz.zone, problems);
    }
    const std::size_t total = problems.total();
    if (total == 0) return {};
    std::string message =
        fmt::format("self-check failed, nothing was written ({} problem{}):", total, total == 1 ? "" : "s");
    const std::vector<std::string> listed = problems.first();
    for (const auto& p : listed) message += "\n  " + p;
    if (total > listed.size()) message += fmt::format("\n  ... and {} more", total - listed.size());
    return fail(internal_error(std::move(message)));
}

}  // namespace zw::signer
