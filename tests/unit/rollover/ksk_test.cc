// KSK and CSK rollovers (RFC 7583 §3.3) with instant confirmations, to the second.
#include "engine_test_util.h"

namespace zw::rollover::testing {
namespace {

std::uint32_t newest(const Driver& d, Role role) {
    std::uint32_t id = 0;
    for (const auto& k : d.zone.keys)
        if (k.key.role == role) id = std::max(id, k.key.id);
    return id;
}

TEST(KskRollover, DoubleKsk_RFC7583_3_3_1) {
    Policy p = test_policy();
    p.ksk_method = KskMethod::double_ksk;
    Driver d = signed_zone(p);
    auto ksk1 = *d.first_key(Role::ksk);
    const Instant tact1 = *d.key(ksk1)->active_since;
    const Seconds L = *p.ksk_lifetime;
    d.run_until(tact1 + L + Seconds{2 * 86400});
    auto ksk2 = newest(d, Role::ksk);
    ASSERT_NE(ksk2, ksk1);
    // Tpub(N+1) = Tact(N) + Lksk - Dreg - IpubC (Dreg measured 0 here)
    const Instant tpub2 = tact1 + L - (Ipub + ps);
    EXPECT_EQ(d.when(ksk2, Record::dnskey, S::rumoured), tpub2);
    EXPECT_EQ(d.when(ksk2, Record::krrsig, S::rumoured), tpub2);
    // Trdy(N+1) = Tpub(N+1) + IpubC: the DS swap is submitted; both DS change at once.
    EXPECT_EQ(d.when(ksk2, Record::ds, S::rumoured, true), tact1 + L);
    EXPECT_EQ(d.when(ksk1, Record::ds, S::unretentive, true), tact1 + L);
    EXPECT_EQ(*d.key(ksk2)->active_since, tact1 + L);
    // The old DNSKEY stays until the old DS has left every cache: IretP = DprpP + TTLds.
    EXPECT_EQ(d.when(ksk1, Record::ds, S::hidden), tact1 + L + IpubP + rs);
    EXPECT_EQ(d.when(ksk1, Record::dnskey, S::unretentive, true), tact1 + L + IpubP + rs);
    EXPECT_EQ(d.when(ksk1, Record::dnskey, S::hidden), tact1 + L + IpubP + rs + Ipub + rs);
    EXPECT_TRUE(d.purged(ksk1));
}

TEST(KskRollover, DoubleDs_RFC7583_3_3_2) {
    Policy p = test_policy();
    p.ksk_method = KskMethod::double_ds;
    Driver d = signed_zone(p);
    auto ksk1 = *d.first_key(Role::ksk);
    const Instant tact1 = *d.key(ksk1)->active_since;
    const Seconds L = *p.ksk_lifetime;
    d.run_until(tact1 + L + Seconds{2 * 86400});
    auto ksk2 = newest(d, Role::ksk);
    // Tsbm(N+1) = Tact(N) + Lksk - Dreg - IpubP: the new DS goes first.
    const Instant tsbm2 = tact1 + L - (IpubP + ps);
    EXPECT_EQ(d.when(ksk2, Record::ds, S::rumoured, true), tsbm2);
    EXPECT_EQ(d.when(ksk2, Record::ds, S::omnipresent), tact1 + L);
    // Tact(N+1) = Tsbm(N+1) + Dreg + IpubP = Tact(N) + Lksk: the DNSKEY RRset swaps.
    EXPECT_EQ(d.when(ksk2, Record::dnskey, S::rumoured), tact1 + L);
    EXPECT_EQ(d.when(ksk1, Record::dnskey, S::unretentive), tact1 + L);
    EXPECT_EQ(d.when(ksk1, Record::krrsig, S::unretentive), tact1 + L);
    EXPECT_EQ(*d.key(ksk2)->active_since, tact1 + L);
    EXPECT_EQ(d.when(ksk1, Record::dnskey, S::hidden), tact1 + L + Ipub + rs);
    // The old DS leaves once the new chain is complete in every cache.
    EXPECT_EQ(d.when(ksk1, Record::ds, S::unretentive), tact1 + L + Ipub + ps);
    EXPECT_EQ(d.when(ksk1, Record::ds, S::hidden), tact1 + L + Ipub + ps + IpubP + rs);
    EXPECT_TRUE(d.purged(ksk1));
}

TEST(KskRollover, DoubleRrset_RFC7583_3_3_3) {
    Policy p = test_policy();
    p.ksk_method = KskMethod::double_rrset;
    Driver d = signed_zone(p);
    auto ksk1 = *d.first_key(Role::ksk);
    const Instant tact1 = *d.key(ksk1)->active_since;
    const Seconds L = *p.ksk_lifetime;
    d.run_until(tact1 + L + Seconds{2 * 86400});
    auto ksk2 = newest(d, Role::ksk);
    // Tpub(N+1) = Tact(N) + Lksk - max(IpubC, Dreg + IpubP): DNSKEY and DS together.
    const Instant tpub2 = tact1 + L - (std::max(Ipub, IpubP) + ps);
    EXPECT_EQ(d.when(ksk2, Record::dnskey, S::rumoured), tpub2);
    EXPECT_EQ(d.when(ksk2, Record::ds, S::rumoured), tpub2);
    // Tret(N) = Tact(N) + Lksk: the old DNSKEY and DS leave together.
    EXPECT_EQ(d.when(ksk1, Record::dnskey, S::unretentive), tact1 + L);
    EXPECT_EQ(d.when(ksk1, Record::ds, S::unretentive), tact1 + L);
    EXPECT_EQ(d.when(ksk1, Record::ds, S::hidden), tact1 + L + IpubP + rs);
    EXPECT_TRUE(d.purged(ksk1));
}

TEST(CskRollover, DoubleKsk_ZoneSignaturesAndDsSwapTogether) {
    Policy p = test_policy();
    p.roles = Roles::csk;
    p.ksk_method = KskMethod::double_ksk;
    Driver d = signed_zone(p);
    auto csk1 = *d.first_key(Role::csk);
    ASSERT_FALSE(d.first_key(Role::ksk));
    const Instant t0 = *d.when(csk1, Record::dnskey, S::rumoured);
    const Instant tact1 = *d.key(csk1)->active_since;
    EXPECT_EQ(tact1, t0 + Iret + ps);  // DS after the zone is signed everywhere
    const Seconds L = *p.csk_lifetime;
    d.run_until(tact1 + L + Seconds{2 * 86400});
    auto csk2 = newest(d, Role::csk);
    // Tpub(N+1) = Tact(N) + Lcsk - Dreg - IpubC
    const Instant tpub2 = tact1 + L - (Ipub + ps);
    EXPECT_EQ(d.when(csk2, Record::dnskey, S::rumoured), tpub2);
    // At Tact(N) + Lcsk: zone signatures (§3.2.1) and DS (§3.3.1) swap together.
    EXPECT_EQ(d.when(csk2, Record::zrrsig, S::rumoured), tact1 + L);
    EXPECT_EQ(d.when(csk2, Record::ds, S::rumoured), tact1 + L);
    EXPECT_EQ(d.when(csk1, Record::zrrsig, S::unretentive), tact1 + L);
    EXPECT_EQ(d.when(csk1, Record::ds, S::unretentive), tact1 + L);
    EXPECT_EQ(*d.key(csk2)->active_since, tact1 + L);
    // The old DNSKEY waits for both the old signatures (Iret) and the old DS (IretP).
    EXPECT_EQ(d.when(csk1, Record::zrrsig, S::hidden), tact1 + L + Iret + rs);
    EXPECT_EQ(d.when(csk1, Record::ds, S::hidden), tact1 + L + IpubP + rs);
    EXPECT_EQ(d.when(csk1, Record::dnskey, S::unretentive), tact1 + L + std::max(Iret, IpubP) + rs);
    EXPECT_TRUE(d.purged(csk1));
}

}  // namespace
}  // namespace zw::rollover::testing
