// The safety gate on hand-built states: each equation allows what it should and refuses
// what would break a cache combination.
#include "rollover/safety.h"

#include <gtest/gtest.h>

namespace zw::rollover {
namespace {

using S = RecordState;
constexpr S H = S::hidden, R = S::rumoured, O = S::omnipresent, U = S::unretentive;

// States in the order DNSKEY, KRRSIG, ZRRSIG, DS.
KeyView key(std::uint32_t id, std::array<S, 4> s, std::optional<std::uint32_t> pred = {},
            std::uint8_t alg = 13) {
    return KeyView{id, alg, pred, s};
}

TEST(Safety, TheLastDsMayNotGo_Rule1_3a) {
    std::vector<KeyView> z{key(1, {O, O, H, O}), key(2, {O, H, O, H})};
    auto why = unsafe(z, 1, Record::ds, U, false);
    ASSERT_TRUE(why);
    EXPECT_NE(why->why.find("rule 1"), std::string::npos);
    // ... unless the zone is going insecure.
    EXPECT_FALSE(unsafe(z, 1, Record::ds, U, true));
}

TEST(Safety, DsSwapOnceTheNewKeySignsTheDnskeySetEverywhere_3c_3e) {
    // KSK 3 succeeds KSK 1; both DNSKEYs and their signatures are everywhere, the new DS
    // is going out: every cached DS RRset holds 1 or 3, both of which chain.
    std::vector<KeyView> z{key(1, {O, O, H, O}), key(2, {O, H, O, H}), key(3, {O, O, H, R}, 1)};
    EXPECT_FALSE(unsafe(z, 1, Record::ds, U, false));
    // While the new key's signature over the DNSKEY RRset is not in every cache, a
    // resolver holding only the new DS could not validate that RRset: refused.
    z[2].s[1] = R;
    auto why = unsafe(z, 1, Record::ds, U, false);
    ASSERT_TRUE(why);
    EXPECT_NE(why->why.find("rule 2"), std::string::npos);
}

TEST(Safety, DnskeySwapUnderAnOmnipresentDs_3d) {
    // Double-DS: both DS everywhere, the new DNSKEY is going out.
    std::vector<KeyView> z{key(1, {O, O, H, O}), key(2, {O, H, O, H}), key(3, {R, R, H, O}, 1)};
    EXPECT_FALSE(unsafe(z, 1, Record::dnskey, U, false));
    // With the new DS only rumoured, some caches lack it: the old DNSKEY must stay.
    z[2].s[3] = R;
    EXPECT_TRUE(unsafe(z, 1, Record::dnskey, U, false));
}

TEST(Safety, DsWithoutItsDnskeyNeedsAnotherCompleteChain_3e) {
    // Double-DS start: the new DS may go out before its DNSKEY ...
    std::vector<KeyView> z{key(1, {O, O, H, O}), key(2, {O, H, O, H}), key(3, {H, H, H, H}, 1)};
    EXPECT_FALSE(unsafe(z, 3, Record::ds, R, false));
    // ... but then the old DNSKEY, the only complete chain, must stay.
    z[2].s[3] = O;
    auto why = unsafe(z, 1, Record::dnskey, U, false);
    ASSERT_TRUE(why);
    EXPECT_NE(why->why.find("rule 2"), std::string::npos);
}

TEST(Safety, SignatureSwapNeedsBothDnskeysEverywhere_3h) {
    std::vector<KeyView> z{key(1, {O, O, H, O}), key(2, {O, H, O, H}), key(4, {O, H, R, H}, 2)};
    EXPECT_FALSE(unsafe(z, 2, Record::zrrsig, U, false));
    z[2].s[0] = R;  // the new ZSK's DNSKEY is not yet in every cache
    EXPECT_TRUE(unsafe(z, 2, Record::zrrsig, U, false));
}

TEST(Safety, DsNeedsTheZoneSignedEverywhere_Rule3) {
    // First signing: the DS may not appear while signatures are still propagating.
    std::vector<KeyView> z{key(1, {O, O, H, H}), key(2, {O, H, R, H})};
    auto why = unsafe(z, 1, Record::ds, R, false);
    ASSERT_TRUE(why);
    EXPECT_NE(why->why.find("rule 3"), std::string::npos);
    z[1].s[2] = O;
    EXPECT_FALSE(unsafe(z, 1, Record::ds, R, false));
}

TEST(Safety, DnskeyStaysWhileItsOwnDsMayBeTheOnlyOneCached) {
    // Double-KSK after the DS swap: the new chain is complete, but caches may still hold
    // the old DS RRset, whose only DS points at key 1.
    std::vector<KeyView> z{key(1, {O, O, H, U}), key(2, {O, H, O, H}), key(3, {O, O, H, O}, 1)};
    auto why = unsafe(z, 1, Record::dnskey, U, false);
    ASSERT_TRUE(why);
    EXPECT_NE(why->why.find("its DS"), std::string::npos);
    EXPECT_TRUE(unsafe(z, 1, Record::krrsig, U, false));
    z[0].s[3] = H;
    EXPECT_FALSE(unsafe(z, 1, Record::dnskey, U, false));
}

TEST(Safety, DnskeyStaysWhileDataSignedOnlyByItMayBeCached) {
    // Pre-publication after the signature swap: old signatures still in some caches.
    std::vector<KeyView> z{key(1, {O, O, H, O}), key(2, {O, H, U, H}), key(4, {O, H, O, H}, 2)};
    auto why = unsafe(z, 2, Record::dnskey, U, false);
    ASSERT_TRUE(why);
    EXPECT_NE(why->why.find("zone signatures"), std::string::npos);
    z[1].s[2] = H;
    EXPECT_FALSE(unsafe(z, 2, Record::dnskey, U, false));
}

TEST(Safety, RulesHoldPerAlgorithm) {
    // A new algorithm's keys may appear in any order while its DS is hidden (rules 2 and 3
    // for algorithm 13 hold trivially), whatever algorithm 8's state.
    std::vector<KeyView> z{key(1, {O, O, H, O}, {}, 8), key(2, {O, H, O, H}, {}, 8),
                           key(3, {H, H, H, H}, {}, 13)};
    EXPECT_FALSE(unsafe(z, 3, Record::dnskey, R, false));
    EXPECT_FALSE(unsafe(z, 3, Record::zrrsig, R, false));
}

}  // namespace
}  // namespace zw::rollover
