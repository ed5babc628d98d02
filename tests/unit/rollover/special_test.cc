// Algorithm rollover, going insecure, emergency rollover, and checks that never pass.
#include "engine_test_util.h"

namespace zw::rollover::testing {
namespace {

std::optional<std::uint32_t> key_with(const Driver& d, Role role, std::uint8_t alg) {
    for (const auto& k : d.zone.keys)
        if (k.key.role == role && k.key.algorithm == alg) return k.key.id;
    return std::nullopt;
}

TEST(AlgorithmRollover, Rfc6781_4_1_4_Order) {
    Policy p = test_policy();
    p.algorithm = 8;
    Driver d = signed_zone(p);
    auto ksk8 = *key_with(d, Role::ksk, 8), zsk8 = *key_with(d, Role::zsk, 8);
    d.policy.algorithm = 13;
    const Instant T = d.now();
    d.pass();
    auto ksk13 = *key_with(d, Role::ksk, 13), zsk13 = *key_with(d, Role::zsk, 13);
    d.run_for(Seconds{5 * 86400});
    // 1. Signatures with the new algorithm first.
    EXPECT_EQ(d.when(zsk13, Record::zrrsig, S::rumoured), T);
    // 2. Its DNSKEYs once those signatures are in every cache (Iret).
    const Instant t2 = T + Iret + ps;
    EXPECT_EQ(d.when(zsk13, Record::dnskey, S::rumoured), t2);
    EXPECT_EQ(d.when(ksk13, Record::dnskey, S::rumoured), t2);
    // 3. The DS is replaced once the new DNSKEYs are everywhere (Ipub).
    const Instant t3 = t2 + Ipub + ps;
    EXPECT_EQ(d.when(ksk13, Record::ds, S::rumoured), t3);
    EXPECT_EQ(d.when(ksk8, Record::ds, S::unretentive), t3);
    // 4. Old DNSKEYs go after the old DS left every cache (TTLds + DprpP).
    const Instant t4 = t3 + IpubP + rs;
    EXPECT_EQ(d.when(ksk8, Record::dnskey, S::unretentive), t4);
    EXPECT_EQ(d.when(zsk8, Record::dnskey, S::unretentive), t4);
    // 5. Old signatures go only after the old DNSKEYs left every cache.
    const Instant t5 = t4 + Ipub + rs;
    EXPECT_EQ(d.when(zsk8, Record::zrrsig, S::unretentive), t5);
    EXPECT_EQ(d.when(zsk8, Record::zrrsig, S::hidden), t5 + Iret + rs);
    EXPECT_TRUE(d.purged(ksk8));
    EXPECT_TRUE(d.purged(zsk8));
    EXPECT_EQ(d.zone.keys.size(), 2u);
}

TEST(GoingInsecure, DsFirstThenTtlDsThenUnsigned) {
    Driver d = signed_zone(test_policy());
    auto ksk = *d.first_key(Role::ksk), zsk = *d.first_key(Role::zsk);
    d.zone.going_insecure = true;
    const Instant T = d.now();
    d.run_for(Seconds{3 * 86400});
    EXPECT_EQ(d.when(ksk, Record::ds, S::unretentive, true), T);
    EXPECT_EQ(d.when(ksk, Record::ds, S::hidden), T + IpubP + rs);
    // Nothing on the child side moves before the DS has left every cache.
    EXPECT_EQ(d.when(ksk, Record::dnskey, S::unretentive, true), T + IpubP + rs);
    EXPECT_EQ(d.when(zsk, Record::dnskey, S::unretentive, true), T + IpubP + rs);
    EXPECT_EQ(d.when(zsk, Record::zrrsig, S::unretentive, true), T + IpubP + rs + Ipub + rs);
    EXPECT_TRUE(d.zone.keys.empty());
    // The last DS set asked of the parent is empty; the zone, with no key left, is
    // published unsigned (and the CDS delete form while it was going: app's publication).
    bool empty_ds = false;
    for (const auto& a : d.actions)
        if (auto* s = std::get_if<SubmitDsSet>(&a)) empty_ds = s->keys.empty();
    EXPECT_TRUE(empty_ds);
    EXPECT_TRUE(d.zone.going_insecure);
}

TEST(EmergencyRollover, KskSuccessorStartsAtOnceAndSwapsAsSoonAsSafe) {
    Policy p = test_policy();  // double-DS
    Driver d = signed_zone(p);
    auto ksk1 = *d.first_key(Role::ksk);
    for (auto& k : d.zone.keys)
        if (k.key.id == ksk1) k.request = RolloverRequest::emergency;
    const Instant T = d.now();
    d.run_for(Seconds{2 * 86400});
    std::uint32_t ksk2 = 0;
    for (const auto& k : d.zone.keys)
        if (k.key.role == Role::ksk) ksk2 = k.key.id;
    ASSERT_NE(ksk2, ksk1);
    // Not waiting for the lifetime: the new DS goes at once, the DNSKEY swap after IpubP.
    EXPECT_EQ(d.when(ksk2, Record::ds, S::rumoured, true), T);
    EXPECT_EQ(d.when(ksk1, Record::dnskey, S::unretentive, true), T + IpubP + ps);
    EXPECT_TRUE(d.purged(ksk1));
}

TEST(EmergencyRollover, Zsk) {
    Driver d = signed_zone(test_policy());
    auto zsk1 = *d.first_key(Role::zsk);
    for (auto& k : d.zone.keys)
        if (k.key.id == zsk1) k.request = RolloverRequest::emergency;
    const Instant T = d.now();
    d.run_for(Seconds{86400});
    EXPECT_EQ(d.when(zsk1, Record::zrrsig, S::unretentive, true), T + Ipub + ps);
    EXPECT_TRUE(d.purged(zsk1));
}

TEST(Observations, DsThatNeverAppearsBlocksForeverWithTheReason) {
    Policy p = test_policy();
    p.ksk_method = KskMethod::double_ksk;
    Driver d = signed_zone(p);
    auto ksk1 = *d.first_key(Role::ksk);
    // From now on the parent applies nothing: no DS check ever passes.
    d.world = [](const Probe& pr, Instant) { return pr.record != Record::ds; };
    d.probe_interval = Seconds{86400};
    d.run_for(*p.ksk_lifetime * 3);
    const KeyState* old = d.key(ksk1);
    ASSERT_NE(old, nullptr);
    EXPECT_TRUE(old->at(Record::dnskey).published);
    EXPECT_EQ(old->at(Record::dnskey).state, S::omnipresent);
    EXPECT_EQ(old->at(Record::ds).state, S::omnipresent);
    bool stated = false;
    for (const auto& w : d.last.waiting_on)
        if (w.gate == Gate::observation && w.record == Record::ds &&
            w.why.find("every parent server to serve the ds") != std::string::npos &&
            w.why.find("ns2: not served") != std::string::npos)
            stated = true;
    EXPECT_TRUE(stated);
}

TEST(Observations, DnskeyNeverServedKeepsTheOldZskSigning) {
    Driver d = signed_zone(test_policy());
    auto zsk1 = *d.first_key(Role::zsk);
    d.world = [](const Probe& pr, Instant) { return pr.record != Record::dnskey; };
    d.probe_interval = Seconds{86400};
    d.run_for(*d.policy.zsk_lifetime * 2);
    ASSERT_NE(d.key(zsk1), nullptr);
    EXPECT_EQ(d.key(zsk1)->at(Record::zrrsig).state, S::omnipresent);
    EXPECT_TRUE(d.key(zsk1)->at(Record::zrrsig).published);
}

TEST(Observations, UnreachableAndRefutedNeverCount) {
    Policy p = test_policy();
    ZoneState z;
    Decision d0 = advance(p, z, {}, Instant{Seconds{1000}});
    z = d0.next;
    for (auto& k : z.keys) k.key.tag = 7;
    Decision d1 = advance(p, z, {}, Instant{Seconds{1000}});
    z = d1.next;
    const std::uint32_t id = z.keys[0].key.id;
    std::vector<Observation> obs{
        {id,
         Record::dnskey,
         Expect::present,
         Instant{Seconds{1001}},
         Verdict::unreachable,
         {},
         "timeout"},
        {id,
         Record::dnskey,
         Expect::present,
         Instant{Seconds{1002}},
         Verdict::refuted,
         {},
         "ns1: no"},
        // A confirmation from before the publication was asked for does not count either.
        {id, Record::dnskey, Expect::present, Instant{Seconds{999}}, Verdict::confirmed, {}, "old"},
    };
    Decision d2 = advance(p, z, obs, Instant{Seconds{5000}});
    EXPECT_EQ(d2.next.keys[0].at(Record::dnskey).state, S::hidden);
    EXPECT_TRUE(d2.next.keys[0].at(Record::dnskey).published);
    obs.push_back({id,
                   Record::dnskey,
                   Expect::present,
                   Instant{Seconds{1003}},
                   Verdict::confirmed,
                   {},
                   "ok"});
    Decision d3 = advance(p, z, obs, Instant{Seconds{1500}});  // before Ipub elapses
    EXPECT_EQ(d3.next.keys[0].at(Record::dnskey).state, S::rumoured);
    EXPECT_EQ(d3.next.keys[0].at(Record::dnskey).since, Instant{Seconds{1003}});
}

TEST(Observations, MeasuredDregMakesTheNextRolloverStartEarlier) {
    Policy p = test_policy();  // double-DS
    Driver d;
    d.policy = p;
    const Seconds dreg{7200};
    // The parent shows a submitted DS 2 h after it was asked for.
    std::optional<Instant> asked;
    d.world = [&](const Probe& pr, Instant now) {
        if (pr.record != Record::ds || pr.expect != Expect::present) return true;
        if (!asked) asked = now;
        return now >= *asked + dreg;
    };
    d.run_for(Seconds{86400});
    auto ksk1 = *d.first_key(Role::ksk);
    ASSERT_EQ(d.zone.observed_dreg, dreg);
    const Instant tact1 = *d.key(ksk1)->active_since;
    EXPECT_EQ(tact1, *asked + dreg);
    asked.reset();
    d.run_until(tact1 + *p.ksk_lifetime + Seconds{86400});
    std::uint32_t ksk2 = 0;
    for (const auto& k : d.zone.keys)
        if (k.key.role == Role::ksk) ksk2 = k.key.id;
    // Tsbm(N+1) = Tact(N) + Lksk - Dreg - IpubP, with the measured Dreg.
    EXPECT_EQ(d.when(ksk2, Record::ds, S::rumoured, true),
              tact1 + *p.ksk_lifetime - (dreg + IpubP + ps));
    // ... so that the new key is in use exactly at Tact(N) + Lksk.
    EXPECT_EQ(*d.key(ksk2)->active_since, tact1 + *p.ksk_lifetime);
}

TEST(Observations, UnknownDsTtlWaitsForTheLiveValue) {
    Policy p = test_policy();
    p.parent.ds_ttl.reset();
    Driver d;
    d.policy = p;
    d.probe_interval = Seconds{3600};
    d.run_for(Seconds{86400});
    auto ksk = *d.first_key(Role::ksk);
    EXPECT_EQ(d.key(ksk)->at(Record::ds).state, S::rumoured);  // stuck: TTLds unknown
    bool stated = false;
    for (const auto& w : d.last.waiting_on)
        stated = stated || w.why.find("TTLds unknown") != std::string::npos;
    EXPECT_TRUE(stated);
    // The next DS check reports the TTL it saw; the wait then completes.
    Driver d2;
    d2.policy = p;
    d2.ds_ttl_served = Seconds{7000};
    d2.run_for(Seconds{86400});
    EXPECT_EQ(d2.key(ksk)->at(Record::ds).state, S::omnipresent);
    EXPECT_EQ(d2.zone.observed_ds_ttl, Seconds{7000});
}

}  // namespace
}  // namespace zw::rollover::testing
