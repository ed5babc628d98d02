#include "signer/signature_check.h"

#include <fmt/format.h>

#include <bitset>

#include "dns/rrsig.h"
#include "dns/verifier.h"
#include "signer/denial.h"
#include "signer/parallel.h"
#include "zones/serial.h"

namespace zw::signer {

namespace {

std::string describe(const dns::Name& owner, const zones::RRset& set) {
    return fmt::format("{} {}", owner.to_text(), dns::type_to_text(set.type));
}

// The RRsets signed by the keys that sign the DNSKEY RRset: in sampled mode their few
// signatures are always verified.
bool is_key_rrset(std::uint16_t type) {
    return type == dns::rrtype::DNSKEY || type == dns::rrtype::CDS || type == dns::rrtype::CDNSKEY;
}

// What a worker keeps across its chunks: a verifier per key (a busy P-256 key gets a table
// after enough verifications, dns/ecdsa_key_table.h) and its share of the digest.
struct Worker {
    std::vector<dns::Verifier> verifiers;
    std::optional<SignatureDigest> seen;
    std::size_t verified = 0;
    bool ready = false;
};

// The RRsets of one chunk are checked in three steps, so that the signatures by one key
// are verified together (a verifier may share work among them): the fields of each RRSIG,
// then the cryptography key by key, then what each RRset needs.
class ChunkCheck {
  public:
    ChunkCheck(const KeySet& keys, const dns::Name& origin, std::uint32_t now, bool sampling,
               Worker& worker, Problems& problems)
        : keys_(keys),
          origin_(origin),
          now_(now),
          sampling_(sampling),
          worker_(worker),
          problems_(problems),
          sampled_key_(keys.keys.size(), false) {}

    // Bit i of trusted marks signature i as reused (verify_zone.h); where is the node's
    // position (Problems).
    void add(std::size_t where, const dns::Name& owner, const zones::RRset& set,
             std::uint64_t trusted) {
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
                problems_.add(where, fmt::format("{}: RRSIG by key {} has wrong fields",
                                                 describe(owner, set), f->key_tag));
                continue;
            }
            using zones::SerialOrder;
            if (zones::serial_compare(f->inception, now_) == SerialOrder::greater ||
                zones::serial_compare(f->expiration, now_) != SerialOrder::greater) {
                problems_.add(where, fmt::format("{}: RRSIG by key {} is not valid now",
                                                 describe(owner, set), f->key_tag));
                continue;
            }
            Candidate c{&rrsig,
                        sig_at,
                        0,
                        0,
                        0,
                        f->key_tag,
                        f->algorithm,
                        index < 64 && (trusted >> index & 1) != 0};
            c.key = next_key(c, 0);
            if (c.key == keys_.keys.size()) {
                report_unverified(where, owner, set, c);
                continue;
            }
            if (!c.trusted) {
                c.data_at = data_.size();
                dns::append_signed_data(data_, rrsig.bytes().first(sig_at), owner, set.type,
                                        set.rdatas, f->original_ttl);
                c.data_len = data_.size() - c.data_at;
                std::uint64_t drawn = 0;
                if (worker_.seen) drawn = worker_.seen->add(data_of(c), signature_of(c));
                c.bound = sampling_ && !must_verify(c, set.type, drawn);
            }
            candidates_.push_back(c);
        }
    }

    void finish() {
        std::vector<dns::Verifier::Check> checks;
        for (std::size_t k = 0; k < keys_.keys.size(); ++k) {
            checks.clear();
            for (const Candidate& c : candidates_) {
                if (c.key == k && c.to_verify()) checks.push_back({data_of(c), signature_of(c)});
            }
            if (checks.empty()) continue;
            worker_.verifiers[k].verify(checks);
            worker_.verified += checks.size();
            std::size_t next = 0;
            for (Candidate& c : candidates_) {
                if (c.key == k && c.to_verify()) c.valid = checks[next++].valid;
            }
        }
        for (std::size_t s = 0; s < sets_.size(); ++s) {
            const std::size_t end =
                s + 1 < sets_.size() ? sets_[s + 1].first_candidate : candidates_.size();
            const Set& set = sets_[s];
            finish_set(
                set.where, *set.owner, *set.set,
                std::span(candidates_).subspan(set.first_candidate, end - set.first_candidate));
        }
    }

  private:
    struct Candidate {
        const zones::Signature* rrsig;
        std::size_t sig_at;             // where the signature field starts in the RRSIG RDATA
        std::size_t data_at, data_len;  // the signed data in data_; none when trusted
        std::size_t key;                // the published key it is checked with
        std::uint16_t tag;
        std::uint8_t algorithm;
        bool trusted;        // reused from a signing state: checked before, not again
        bool bound = false;  // sampled mode: shown by the digest to be as made, not verified
        bool valid = false;
        [[nodiscard]] bool to_verify() const { return !trusted && !bound; }
        [[nodiscard]] bool accepted() const { return trusted || bound || valid; }
    };
    struct Set {
        const dns::Name* owner;
        const zones::RRset* set;
        std::size_t first_candidate;
        std::size_t where;
    };

    // Sampled mode verifies the key RRsets' signatures, those whose tag names more than one
    // key (which key made it is known only from the cryptography), the first of each key
    // in the chunk, and those drawn by their digest hash (self_check.h).
    bool must_verify(const Candidate& c, std::uint16_t type, std::uint64_t drawn) {
        if (is_key_rrset(type) || next_key(c, c.key + 1) != keys_.keys.size()) return true;
        if (!sampled_key_[c.key]) {
            sampled_key_[c.key] = true;
            return true;
        }
        return drawn % sample_one_in(c.algorithm) == 0;
    }

    // The first key at or after `from` with the candidate's tag and algorithm; keys.size()
    // when none. Tags can collide, so a signature that fails is tried with the next one.
    std::size_t next_key(const Candidate& c, std::size_t from) const {
        for (std::size_t k = from; k < keys_.keys.size(); ++k) {
            if (keys_.keys[k].tag == c.tag && keys_.keys[k].dnskey.algorithm == c.algorithm)
                return k;
        }
        return keys_.keys.size();
    }
    std::span<const std::uint8_t> data_of(const Candidate& c) const {
        return std::span(data_).subspan(c.data_at, c.data_len);
    }
    static std::span<const std::uint8_t> signature_of(const Candidate& c) {
        return c.rrsig->bytes().subspan(c.sig_at);
    }

    void report_unverified(std::size_t where, const dns::Name& owner, const zones::RRset& set,
                           const Candidate& c) {
        problems_.add(
            where,
            fmt::format("{}: RRSIG by key {} (algorithm {}) does not verify against the published "
                        "DNSKEY RRset",
                        describe(owner, set), c.tag, c.algorithm));
    }

    void finish_set(std::size_t where, const dns::Name& owner, const zones::RRset& set,
                    std::span<Candidate> candidates) {
        std::bitset<256> valid_algs, valid_sep_algs;
        for (Candidate& c : candidates) {
            while (!c.accepted()) {
                c.key = next_key(c, c.key + 1);
                if (c.key == keys_.keys.size()) break;
                c.valid = worker_.verifiers[c.key].verify(data_of(c), signature_of(c));
                ++worker_.verified;
            }
            if (!c.accepted()) {
                report_unverified(where, owner, set, c);
                continue;
            }
            valid_algs.set(c.algorithm);
            if (keys_.keys[c.key].dnskey.is_sep()) valid_sep_algs.set(c.algorithm);
        }
        for (std::uint8_t a : keys_.algorithms) {
            if (!valid_algs.test(a)) {
                problems_.add(where, fmt::format("{}: no valid {} signature (RFC 4035 §2.2)",
                                                 describe(owner, set), dns::algorithm_mnemonic(a)));
            }
        }
        if (set.type == dns::rrtype::DNSKEY) {
            for (std::uint8_t a : keys_.sep_algorithms) {
                if (!valid_sep_algs.test(a)) {
                    problems_.add(where,
                                  fmt::format("{}: not signed by a {} key-signing key",
                                              describe(owner, set), dns::algorithm_mnemonic(a)));
                }
            }
        }
    }

    const KeySet& keys_;
    const dns::Name& origin_;
    std::uint32_t now_;
    bool sampling_;
    Worker& worker_;
    Problems& problems_;
    std::vector<bool> sampled_key_;  // sampled mode: the key had its first verification here
    std::vector<Set> sets_;
    std::vector<Candidate> candidates_;
    dns::Bytes data_;
};

}  // namespace

SignatureCheckResult check_signatures(const SignedZone& sz, const KeySet& keys, std::uint32_t now,
                                      unsigned threads, const TrustedSignatures& trusted,
                                      const SignatureCheckPlan& plan, Problems& problems) {
    const bool sampling = plan.mode == SelfCheck::sampled && plan.digest_key != nullptr;
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
    std::vector<Worker> workers(std::max(1u, threads));
    if (plan.progress) plan.progress->start(SigningProgress::Phase::checking, total_nodes);
    parallel_chunks(
        total_nodes, threads, 512, [&](std::size_t begin, std::size_t end, unsigned index) {
            if (plan.progress) plan.progress->add(end - begin);
            Worker& worker = workers[index];
            if (!worker.ready) {
                worker.ready = true;
                if (plan.digest_key) worker.seen = plan.digest_key->empty_copy();
                for (const auto& k : keys.keys) {
                    auto v = dns::Verifier::create(k.dnskey);
                    if (!v) {
                        problems.add(0, fmt::format("DNSKEY {} cannot be used: {}", k.tag,
                                                    v.error().message));
                        return;
                    }
                    worker.verifiers.push_back(std::move(*v));
                }
            }
            if (worker.verifiers.size() != keys.keys.size())
                return;  // a key could not be used: already reported
            ChunkCheck check(keys, sz.zone.origin, now, sampling, worker, problems);
            for (std::size_t i = begin; i < end; ++i) {
                const zones::Node& node = node_at(i);
                for (std::size_t r = 0; r < node.rrsets.size(); ++r) {
                    const zones::RRset& set = node.rrsets[r];
                    if (!is_signed_rrset(node.role, set.type)) {
                        if (!set.signatures.empty()) {
                            problems.add(i, fmt::format("{}: signed but not authoritative",
                                                        describe(node.name, set)));
                        }
                        continue;
                    }
                    const std::size_t ordinal =
                        first_ordinal.empty() ? trusted.size() : first_ordinal[i] + r;
                    check.add(i, node.name, set, ordinal < trusted.size() ? trusted[ordinal] : 0);
                }
            }
            check.finish();
        });
    SignatureCheckResult result;
    if (plan.digest_key) result.seen = plan.digest_key->empty_copy();
    for (const Worker& w : workers) {
        result.verified += w.verified;
        if (result.seen && w.seen) result.seen->merge(*w.seen);
    }
    return result;
}

}  // namespace zw::signer
