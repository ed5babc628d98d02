#include "rollover/policy_gate.h"

#include <fmt/format.h>

#include <algorithm>

namespace zw::rollover {

namespace {

using S = RecordState;

S v(const KeyState& key, Record rec) { return view(key.at(rec)); }

PolicyBlock block(std::string why, std::vector<RecordRef> on) {
    return PolicyBlock{std::move(why), std::move(on)};
}

// The takers of k that put record r of k's algorithm into the world, if one of them stays.
std::vector<const KeyState*> takers_of(const ZoneState& z, const KeyState& k, Record r) {
    std::vector<const KeyState*> out;
    for (const KeyState* t : takers(z, k))
        if (t->key.algorithm == k.key.algorithm && applies(t->key.role, r)) out.push_back(t);
    if (std::ranges::none_of(out, [](const KeyState* t) { return t->goal == Goal::omnipresent; }))
        out.clear();
    return out;
}

std::vector<RecordRef> refs(const std::vector<const KeyState*>& keys, Record r) {
    std::vector<RecordRef> out;
    for (const KeyState* k : keys) out.push_back(RecordRef{k->key.id, r});
    return out;
}

// Introductions: RFC 7583's order of each method, RFC 6781 §4.1.4 for a new algorithm.
std::optional<PolicyBlock> introduction_blocked(const Policy& p, const ZoneState& z,
                                                const KeyState& k, Record r) {
    const Role role = k.key.role;
    const std::uint8_t alg = k.key.algorithm;
    const std::uint32_t id = k.key.id;
    auto others = [&](auto pred) {
        return std::ranges::any_of(z.keys,
                                   [&](const KeyState& o) { return o.key.id != id && pred(o); });
    };
    // The zone is signed with another algorithm and this one is still unknown to it.
    bool new_algorithm = !others([&](const KeyState& o) {
        return o.key.algorithm == alg && v(o, Record::dnskey) != S::hidden;
    }) && others([&](const KeyState& o) {
        return o.key.algorithm != alg && v(o, Record::dnskey) == S::omnipresent;
    });
    const KeyState* pred = find_key(z, k.predecessor);
    bool rolls_same_alg = pred && pred->key.algorithm == alg;

    switch (r) {
        case Record::dnskey:
            if (new_algorithm) {
                // §4.1.4: signatures with the new algorithm first, then its DNSKEY.
                bool signed_new = role == Role::ksk ? others([&](const KeyState& o) {
                    return o.key.algorithm == alg && v(o, Record::zrrsig) == S::omnipresent;
                })
                                                    : v(k, Record::zrrsig) == S::omnipresent;
                if (!signed_new) {
                    std::vector<RecordRef> on;
                    for (const auto& o : z.keys)
                        if (o.key.algorithm == alg && applies(o.key.role, Record::zrrsig))
                            on.push_back(RecordRef{o.key.id, Record::zrrsig});
                    return block(
                        "RFC 6781 §4.1.4: the zone must carry signatures of the new algorithm "
                        "everywhere before its DNSKEY",
                        on);
                }
            }
            // Double-DS puts the new DS first, next to a DS already at the parent. While the
            // zone has no DS yet (or none left), there is no DS RRset to join and no chain the
            // new DS could rely on: the new key comes in as at first signing, DNSKEY first.
            if (role != Role::zsk && rolls_same_alg && p.ksk_method == KskMethod::double_ds &&
                v(k, Record::ds) != S::omnipresent && others([&](const KeyState& o) {
                    S ds = v(o, Record::ds);
                    return o.key.algorithm == alg && (ds == S::rumoured || ds == S::omnipresent);
                }))
                return block(
                    "double-DS (RFC 7583 §3.3.2): the new DNSKEY waits for its DS to be in every "
                    "cache",
                    {RecordRef{id, Record::ds}});
            return std::nullopt;
        case Record::krrsig:
            if (v(k, Record::dnskey) == S::hidden)
                return block("the DNSKEY goes out first", {RecordRef{id, Record::dnskey}});
            return std::nullopt;
        case Record::zrrsig: {
            bool already_signed = others([&](const KeyState& o) {
                return o.key.algorithm == alg && v(o, Record::zrrsig) == S::omnipresent;
            });
            if (new_algorithm || !already_signed) return std::nullopt;
            if (role == Role::zsk && p.zsk_method == ZskMethod::double_signature) {
                if (v(k, Record::dnskey) == S::hidden)
                    return block("the DNSKEY goes out first", {RecordRef{id, Record::dnskey}});
                return std::nullopt;
            }
            if (v(k, Record::dnskey) != S::omnipresent)
                return block(
                    "pre-publication (RFC 7583 §3.2.1): signs only once its DNSKEY is in every "
                    "cache",
                    {RecordRef{id, Record::dnskey}});
            return std::nullopt;
        }
        case Record::ds:
            if (rolls_same_alg) {
                switch (p.ksk_method) {
                    case KskMethod::double_ds:
                        return std::nullopt;  // §3.3.2: the DS goes first
                    case KskMethod::double_rrset:
                        if (v(k, Record::dnskey) == S::hidden)
                            return block("double-RRset (RFC 7583 §3.3.3): DS with the DNSKEY",
                                         {RecordRef{id, Record::dnskey}});
                        return std::nullopt;
                    case KskMethod::double_ksk:
                        break;
                }
            }
            if (v(k, Record::dnskey) != S::omnipresent || v(k, Record::krrsig) != S::omnipresent)
                return block(
                    "the DS is submitted once the DNSKEY and its signature are in every cache "
                    "(RFC 7583 §3.3.1)",
                    {RecordRef{id, Record::dnskey}, RecordRef{id, Record::krrsig}});
            return std::nullopt;
    }
    return std::nullopt;
}

// Withdrawals: a record goes once what takes over from it is out (or in every cache).
std::optional<PolicyBlock> withdrawal_blocked(const Policy& p, const ZoneState& z,
                                              const KeyState& k, Record r) {
    const std::vector<const KeyState*> next = takers_of(z, k, r);
    // The swap equations (3c, 3d, 3g, 3h) assume every published version holds the old
    // record or the new one: so the new one must be out before the old one goes, even
    // where no DS makes it matter yet (caches outlive the moment a DS appears).
    if (!next.empty() &&
        std::ranges::all_of(next, [&](const KeyState* t) { return v(*t, r) == S::hidden; }))
        return block(fmt::format("its successor's {} goes out first", name(r)), refs(next, r));
    auto in_every_cache = [&](Record rec) {
        return std::ranges::any_of(next,
                                   [&](const KeyState* t) { return v(*t, rec) == S::omnipresent; });
    };
    if (r == Record::zrrsig && k.key.role == Role::zsk &&
        p.zsk_method == ZskMethod::double_signature && !next.empty() &&
        !in_every_cache(Record::zrrsig))
        return block(
            "double-signature (RFC 7583 §3.2.2): the old signatures stay until the new ones are "
            "in every cache",
            refs(next, r));
    if (r == Record::ds && p.ksk_method != KskMethod::double_ksk && !next.empty() &&
        !in_every_cache(Record::ds))
        // Double-DS and double-RRset keep both DS until the new one is in every cache; only
        // double-KSK swaps the DS RRset in one step (RFC 7583 §3.3).
        return block(fmt::format("{} (RFC 7583 §3.3): the old DS stays until the new one is in "
                                 "every cache",
                                 name(p.ksk_method)),
                     refs(next, r));
    if (r == Record::zrrsig) {
        bool algorithm_leaves = std::ranges::none_of(z.keys, [&](const KeyState& o) {
            return o.key.id != k.key.id && o.key.algorithm == k.key.algorithm &&
                   o.goal == Goal::omnipresent;
        });
        if (algorithm_leaves && v(k, Record::dnskey) != S::hidden)
            return block(
                "RFC 6781 §4.1.4: signatures of a leaving algorithm stay until its DNSKEY is "
                "gone from every cache",
                {RecordRef{k.key.id, Record::dnskey}});
    }
    return std::nullopt;
}

}  // namespace

std::vector<const KeyState*> takers(const ZoneState& z, const KeyState& k) {
    std::vector<const KeyState*> chain;
    for (const KeyState* s = find_key(z, k.successor);
         s && s != &k && std::ranges::find(chain, s) == chain.end(); s = find_key(z, s->successor))
        chain.push_back(s);
    if (std::ranges::none_of(chain, [](const KeyState* t) { return t->goal == Goal::omnipresent; }))
        chain.clear();
    return chain;
}

std::optional<PolicyBlock> policy_blocks(const Policy& p, const ZoneState& z, const KeyState& k,
                                         Record r, RecordState next) {
    switch (next) {
        case S::rumoured:
            return introduction_blocked(p, z, k, r);
        case S::unretentive:
            return withdrawal_blocked(p, z, k, r);
        case S::omnipresent:
        case S::hidden:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace zw::rollover
