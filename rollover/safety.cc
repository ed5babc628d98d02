#include "rollover/safety.h"

#include <algorithm>

namespace zw::rollover {

namespace {

using S = RecordState;
constexpr S H = S::hidden, R = S::rumoured, O = S::omnipresent, U = S::unretentive;

// One state per record kind (DNSKEY, KRRSIG, ZRRSIG, DS); nullopt matches any state.
using Pattern = std::array<std::optional<S>, 4>;
constexpr std::optional<S> any = std::nullopt;

bool match(const KeyView& k, const Pattern& p) {
    for (std::size_t i = 0; i < 4; ++i)
        if (p[i] && k.s[i] != *p[i]) return false;
    return true;
}

struct World {
    std::span<const KeyView> keys;
    std::uint8_t alg;  // rules 2 and 3 hold per algorithm (RFC 6840 §5.11)

    bool exists(const Pattern& p) const {
        return std::ranges::any_of(
            keys, [&](const KeyView& k) { return k.algorithm == alg && match(k, p); });
    }
    // A predecessor matching `pred` whose direct successor matches `succ`: the records of
    // the two are swapped in one RRset update, so every cached copy holds one of them
    // (Mekking's successor relation, equation 2).
    bool exists_pair(const Pattern& pred, const Pattern& succ) const {
        for (const auto& p : keys) {
            if (p.algorithm != alg || !match(p, pred)) continue;
            for (const auto& s : keys)
                if (s.algorithm == alg && s.predecessor == p.id && match(s, succ)) return true;
        }
        return false;
    }
};

constexpr std::size_t DNSKEY = 0, KRRSIG = 1, ZRRSIG = 2, DS = 3;

// Rule 1 (3a): a secure zone always has a DS that is, or is becoming, everywhere.
bool rule1(std::span<const KeyView> keys, bool going_insecure) {
    if (going_insecure) return true;
    return std::ranges::any_of(keys, [](const KeyView& k) { return k.s[DS] == O || k.s[DS] == R; });
}

// (3e): every DS still in some cache must lead to a DNSKEY RRset signed by its key, or
// another key must offer a complete chain in every cache.
bool ds_hidden_or_chained(const World& w) {
    for (const auto& k : w.keys) {
        if (k.algorithm != w.alg || k.s[DS] == H) continue;
        if (k.s[DNSKEY] == O && k.s[KRRSIG] == O) continue;
        if (!w.exists({O, O, any, O})) return false;
    }
    return true;
}

// Rule 2: the DNSKEY RRset validates from the DS RRset in every cache combination.
bool rule2(const World& w) {
    if (w.exists({O, O, any, O})) return true;                       // (3b)
    if (w.exists_pair({O, O, any, U}, {O, O, any, R})) return true;  // (3c) DS swap
    // (3d) DNSKEY/KRRSIG swap under an omnipresent DS: each moves on its own.
    const Pattern preds[] = {{U, U, any, O}, {O, U, any, O}, {U, O, any, O}};
    const Pattern succs[] = {{R, R, any, O}, {O, R, any, O}, {R, O, any, O}};
    for (const auto& p : preds)
        for (const auto& s : succs)
            if (w.exists_pair(p, s)) return true;
    return ds_hidden_or_chained(w);  // (3e)
}

// Rule 3: every RRset's signatures lead to a published DNSKEY in every cache combination.
bool rule3(const World& w) {
    bool all_ds_hidden = std::ranges::none_of(
        w.keys, [&](const KeyView& k) { return k.algorithm == w.alg && k.s[DS] != H; });
    if (all_ds_hidden) return true;               // insecure: no chain to keep
    if (w.exists({O, any, O, any})) return true;  // (3f)
    if (w.exists_pair({U, any, O, any}, {R, any, O, any})) return true;  // (3g) DNSKEY swap
    if (w.exists_pair({O, any, U, any}, {O, any, R, any})) return true;  // (3h) ZRRSIG swap
    // (3i): each published DNSKEY has signatures everywhere from a key in its state.
    for (const auto& k : w.keys) {
        if (k.algorithm != w.alg || k.s[DNSKEY] == H) continue;
        if (!w.exists({k.s[DNSKEY], any, O, any})) return false;
    }
    return true;
}

}  // namespace

std::vector<KeyView> views(std::span<const KeyState> keys) {
    std::vector<KeyView> out;
    out.reserve(keys.size());
    for (const auto& k : keys) {
        KeyView v{k.key.id, k.key.algorithm, k.predecessor, {}};
        for (Record r : all_records) v.s[index(r)] = view(k.at(r));
        out.push_back(v);
    }
    return out;
}

std::optional<Unsafe> unsafe(std::span<const KeyView> keys, std::uint32_t key, Record record,
                             RecordState next, bool going_insecure) {
    auto it = std::ranges::find(keys, key, &KeyView::id);
    if (it == keys.end()) return Unsafe{Rule::ds_exists, "unknown key"};
    std::vector<KeyView> after(keys.begin(), keys.end());
    auto& self = after[static_cast<std::size_t>(it - keys.begin())];
    self.s[index(record)] = next;

    // A rule already broken (e.g. a zone being repaired) may not block a move out of it;
    // a rule that holds must still hold after the move (Mekking, equation 1).
    World before_w{keys, it->algorithm}, after_w{after, it->algorithm};
    if (rule1(keys, going_insecure) && !rule1(after, going_insecure))
        return Unsafe{Rule::ds_exists, "rule 1 (3a): the zone would be left without a DS"};
    if (rule2(before_w) && !rule2(after_w))
        return Unsafe{Rule::dnskey_chain,
                      "rule 2 (3b-3e): some cached DS RRset would not lead to a signed DNSKEY "
                      "RRset"};
    if (rule3(before_w) && !rule3(after_w))
        return Unsafe{Rule::signature_chain,
                      "rule 3 (3f-3i): some cached signatures would not match a cached DNSKEY"};

    // The equations compare states, not cache histories. Two extra rules close the gap
    // where a swap partner reaches omnipresent before the swapped-out record is hidden
    // (their waits start at separate confirmations): a DNSKEY (and its KRRSIG) stays while
    // a cache may hold a DS RRset, or zone signatures, made for it alone.
    if (next == U && (record == Record::dnskey || record == Record::krrsig)) {
        S ds = it->s[DS];
        if (ds == R || ds == U)
            return Unsafe{Rule::own_ds_cached,
                          "its DS may still be the only one in some caches (DS is " +
                              std::string(name(ds)) + ")"};
        S z = it->s[ZRRSIG];
        if (record == Record::dnskey && (z == R || z == U))
            return Unsafe{Rule::own_zrrsig_cached,
                          "zone signatures made by it alone may still be cached (ZRRSIG is " +
                              std::string(name(z)) + ")"};
    }
    return std::nullopt;
}

std::vector<RecordRef> inputs(std::span<const KeyView> keys, std::uint32_t key, Record record,
                              Rule rule) {
    auto it = std::ranges::find(keys, key, &KeyView::id);
    if (it == keys.end()) return {};
    std::vector<Record> read;
    bool same_algorithm = true;
    switch (rule) {
        case Rule::ds_exists:
            read = {Record::ds};
            same_algorithm = false;  // any DS keeps the zone secure
            break;
        case Rule::dnskey_chain:
            read = {Record::dnskey, Record::krrsig, Record::ds};
            break;
        case Rule::signature_chain:
            read = {Record::dnskey, Record::zrrsig};
            break;
        case Rule::own_ds_cached:
            return {RecordRef{key, Record::ds}};
        case Rule::own_zrrsig_cached:
            return {RecordRef{key, Record::zrrsig}};
    }
    std::vector<RecordRef> out;
    for (const auto& k : keys) {
        if (same_algorithm && k.algorithm != it->algorithm) continue;
        for (Record r : read)
            if (!(k.id == key && r == record)) out.push_back(RecordRef{k.id, r});
    }
    return out;
}

}  // namespace zw::rollover
