// First signing and ZSK rollovers with instant confirmations: every time is the RFC 7583
// formula named in the test, to the second.
#include "engine_test_util.h"

namespace zw::rollover::testing {
namespace {

TEST(FirstSigning, KeysThenSignaturesThenDs) {
    Driver d;
    d.policy = test_policy();
    const Instant t0 = d.now();
    d.run_for(Seconds{86400});
    auto ksk = *d.first_key(Role::ksk), zsk = *d.first_key(Role::zsk);
    // Everything on the child side goes out at once: the zone is insecure, so nothing
    // can break yet.
    EXPECT_EQ(d.when(ksk, Record::dnskey, S::rumoured), t0);
    EXPECT_EQ(d.when(ksk, Record::krrsig, S::rumoured), t0);
    EXPECT_EQ(d.when(zsk, Record::dnskey, S::rumoured), t0);
    EXPECT_EQ(d.when(zsk, Record::zrrsig, S::rumoured), t0);
    // omnipresent after Ipub (+ safety) for DNSKEYs, Iret (+ safety) for signatures.
    EXPECT_EQ(d.when(ksk, Record::dnskey, S::omnipresent), t0 + Ipub + ps);
    EXPECT_EQ(d.when(zsk, Record::zrrsig, S::omnipresent), t0 + Iret + ps);
    // The DS only once every cache holds the DNSKEY and the signed zone (RFC 6781 §4.1.2
    // and BIND's SyncPublish: max(Ipub, Iret) after publication).
    EXPECT_EQ(d.when(ksk, Record::ds, S::rumoured, true), t0 + Iret + ps);
    EXPECT_EQ(d.when(ksk, Record::ds, S::omnipresent), t0 + Iret + ps + IpubP + ps);
    // Tact of the KSK is when its DS is seen at the parent.
    EXPECT_EQ(d.key(ksk)->active_since, t0 + Iret + ps);
    EXPECT_EQ(d.key(zsk)->active_since, t0);
    EXPECT_TRUE(d.last.waiting_on.size() == 2);  // only the two lifetimes
    // Dreg was measured: instant confirmation means zero.
    EXPECT_EQ(d.zone.observed_dreg, 0s);
}

// What the zone publishes is the next states' `published` flags, which app/ turns into the
// signed zone; no action repeats it.
TEST(FirstSigning, TheNextStatesNameWhatToPublishAndWhoSigns) {
    Driver d;
    d.policy = test_policy();
    d.pass();
    ASSERT_EQ(d.zone.keys.size(), 2u);
    EXPECT_EQ(published_keys(d.zone, Record::dnskey).size(), 2u);
    auto krrsig = published_keys(d.zone, Record::krrsig);
    ASSERT_EQ(krrsig.size(), 1u);
    EXPECT_EQ(krrsig[0].role, Role::ksk);
    auto zrrsig = published_keys(d.zone, Record::zrrsig);
    ASSERT_EQ(zrrsig.size(), 1u);
    EXPECT_EQ(zrrsig[0].role, Role::zsk);
    // The DS waits for every cache to hold the signed zone (FirstSigning above).
    EXPECT_TRUE(published_keys(d.zone, Record::ds).empty());
    EXPECT_TRUE(std::ranges::none_of(
        d.actions, [](const Action& a) { return std::holds_alternative<SubmitDsSet>(a); }));
}

TEST(ZskRollover, PrePublication_RFC7583_3_2_1) {
    Driver d = signed_zone(test_policy());
    auto zsk1 = *d.first_key(Role::zsk);
    const Instant tact1 = *d.key(zsk1)->active_since;
    const Seconds L = *d.policy.zsk_lifetime;
    d.run_until(tact1 + L + Seconds{86400});
    ASSERT_TRUE(d.key(zsk1) == nullptr) << "old ZSK must be purged";
    ASSERT_TRUE(d.purged(zsk1));
    std::uint32_t zsk2 = 0;
    for (const auto& k : d.zone.keys)
        if (k.key.role == Role::zsk) zsk2 = k.key.id;
    // Tpub(N+1) = Tact(N) + Lzsk - Ipub
    const Instant tpub2 = tact1 + L - (Ipub + ps);
    EXPECT_EQ(d.when(zsk2, Record::dnskey, S::rumoured), tpub2);
    // Tact(N+1) = Tpub(N+1) + Ipub = Tact(N) + Lzsk = Tret(N): signatures swap.
    EXPECT_EQ(d.when(zsk2, Record::zrrsig, S::rumoured), tact1 + L);
    EXPECT_EQ(d.when(zsk1, Record::zrrsig, S::unretentive), tact1 + L);
    // Tdea(N) = Tret(N) + Iret: old signatures gone, then the old DNSKEY is withdrawn.
    EXPECT_EQ(d.when(zsk1, Record::zrrsig, S::hidden), tact1 + L + Iret + rs);
    EXPECT_EQ(d.when(zsk1, Record::dnskey, S::unretentive), tact1 + L + Iret + rs);
    // Trem(N) = Tdea(N) + Ipub
    EXPECT_EQ(d.when(zsk1, Record::dnskey, S::hidden), tact1 + L + Iret + rs + Ipub + rs);
    EXPECT_EQ(*d.key(zsk2)->active_since - tact1, L);
}

TEST(ZskRollover, WaitingOnNamesGateSinceUntilAndWhy) {
    Driver d = signed_zone(test_policy());
    auto zsk1 = *d.first_key(Role::zsk);
    const Instant tact1 = *d.key(zsk1)->active_since;
    const Instant tpub2 = tact1 + *d.policy.zsk_lifetime - (Ipub + ps);
    // Before: the ZSK waits for its successor's due time.
    bool lifetime = false;
    for (const auto& w : d.last.waiting_on)
        lifetime = lifetime || (w.key == zsk1 && w.gate == Gate::time && w.until == tpub2);
    EXPECT_TRUE(lifetime);
    EXPECT_EQ(d.last.wake_at, tpub2);
    d.run_until(tpub2 + 1s);
    std::uint32_t zsk2 = 0;
    for (const auto& k : d.zone.keys)
        if (k.key.role == Role::zsk && k.key.id != zsk1) zsk2 = k.key.id;
    const Wait* dnskey = nullptr;
    const Wait* zrrsig = nullptr;
    for (const auto& w : d.last.waiting_on) {
        if (w.key == zsk2 && w.record == Record::dnskey) dnskey = &w;
        if (w.key == zsk2 && w.record == Record::zrrsig) zrrsig = &w;
    }
    ASSERT_TRUE(dnskey && zrrsig);
    EXPECT_EQ(dnskey->gate, Gate::time);
    EXPECT_EQ(dnskey->since, tpub2);
    EXPECT_EQ(dnskey->until, tpub2 + Ipub + ps);
    EXPECT_EQ(zrrsig->gate, Gate::policy);
    EXPECT_NE(zrrsig->why.find("pre-publication"), std::string::npos);
    EXPECT_EQ(d.last.wake_at, tpub2 + Ipub + ps);
}

TEST(ZskRollover, DoubleSignature_RFC7583_3_2_2) {
    Policy p = test_policy();
    p.zsk_method = ZskMethod::double_signature;
    Driver d = signed_zone(p);
    auto zsk1 = *d.first_key(Role::zsk);
    const Instant tact1 = *d.key(zsk1)->active_since;
    const Seconds L = *p.zsk_lifetime;
    d.run_until(tact1 + L + Seconds{86400});
    std::uint32_t zsk2 = 0;
    for (const auto& k : d.zone.keys)
        if (k.key.role == Role::zsk) zsk2 = k.key.id;
    // Tpub(N+1) = Tact(N) + Lzsk - max(Ipub, Iret): DNSKEY and signatures together.
    const Instant tpub2 = tact1 + L - (std::max(Ipub, Iret) + ps);
    EXPECT_EQ(d.when(zsk2, Record::dnskey, S::rumoured), tpub2);
    EXPECT_EQ(d.when(zsk2, Record::zrrsig, S::rumoured), tpub2);
    // Tret(N) = Tact(N) + Lzsk: the old DNSKEY and its signatures leave together.
    EXPECT_EQ(d.when(zsk1, Record::dnskey, S::unretentive), tact1 + L);
    EXPECT_EQ(d.when(zsk1, Record::zrrsig, S::unretentive), tact1 + L);
    EXPECT_EQ(d.when(zsk1, Record::zrrsig, S::hidden), tact1 + L + Iret + rs);
    EXPECT_TRUE(d.purged(zsk1));
}

}  // namespace
}  // namespace zw::rollover::testing
