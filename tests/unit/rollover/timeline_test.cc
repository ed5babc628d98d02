// Each expectation names the RFC 7583 formula it checks.
#include "rollover/timeline.h"

#include <gtest/gtest.h>

namespace zw::rollover {
namespace {

using namespace std::chrono_literals;

Policy policy() {
    Policy p;
    p.dnskey_ttl = 3600s;                // TTLkey
    p.max_zone_ttl = 86400s;             // TTLsig
    p.propagation_delay = 300s;          // Dprp = DprpC
    p.sign_delay = 600s;                 // Dsgn
    p.parent.propagation_delay = 7200s;  // DprpP
    p.parent.ds_ttl = 172800s;           // TTLds
    p.publish_safety = 60s;
    p.retire_safety = 120s;
    p.zsk_lifetime = Seconds{30 * 86400};
    p.ksk_lifetime = Seconds{365 * 86400};
    p.csk_lifetime = Seconds{180 * 86400};
    return p;
}

TEST(Timeline, NamedQuantities) {
    Policy p = policy();
    Timeline t{p, Seconds{86400}, std::nullopt};
    EXPECT_EQ(t.Ipub(), 300s + 3600s);          // Ipub = Dprp + TTLkey
    EXPECT_EQ(t.IpubC(), 300s + 3600s);         // IpubC = DprpC + TTLkey
    EXPECT_EQ(t.IpubP(), 7200s + 172800s);      // IpubP = DprpP + TTLds
    EXPECT_EQ(t.Iret(), 600s + 300s + 86400s);  // Iret = Dsgn + Dprp + TTLsig
    EXPECT_EQ(t.IretP(), 7200s + 172800s);      // IretP = DprpP + TTLds
    EXPECT_EQ(t.Dreg(), 86400s);
    EXPECT_EQ(t.L(Role::zsk), Seconds{30 * 86400});
}

TEST(Timeline, WaitsAddTheSafetyMargins) {
    Policy p = policy();
    Timeline t{p, std::nullopt, std::nullopt};
    EXPECT_EQ(t.wait(Record::dnskey, true), t.Ipub() + 60s);
    EXPECT_EQ(t.wait(Record::krrsig, false), t.Ipub() + 120s);
    EXPECT_EQ(t.wait(Record::zrrsig, true), t.Iret() + 60s);
    EXPECT_EQ(t.wait(Record::ds, false), *t.IpubP() + 120s);
}

TEST(Timeline, DsTtlFromPolicyElseObservedElseUnknown) {
    Policy p = policy();
    EXPECT_EQ(Timeline(p, std::nullopt, Seconds{5}).TTLds(), 172800s);
    p.parent.ds_ttl.reset();
    EXPECT_EQ(Timeline(p, std::nullopt, Seconds{5}).TTLds(), 5s);
    Timeline unknown{p, std::nullopt, std::nullopt};
    EXPECT_FALSE(unknown.TTLds());
    EXPECT_FALSE(unknown.wait(Record::ds, true));  // a DS wait cannot start on a guess
}

TEST(Timeline, UnobservedDregCountsAsZero) {
    Policy p = policy();
    EXPECT_EQ(Timeline(p, std::nullopt, std::nullopt).Dreg(), 0s);
}

const Instant tact = Instant{Seconds{1'700'000'000}};

TEST(Timeline, ZskPrePublication_Tpub_eq_Tact_plus_Lzsk_minus_Ipub) {
    Policy p = policy();
    Timeline t{p, std::nullopt, std::nullopt};
    // §3.2.1: Tpub(N+1) <= Tact(N) + Lzsk - Ipub (with the publish safety margin)
    EXPECT_EQ(t.successor_publish_time(Role::zsk, tact),
              tact + *p.zsk_lifetime - (300s + 3600s) - 60s);
}

TEST(Timeline, ZskDoubleSignature_Tpub_eq_Tact_plus_Lzsk_minus_max_Ipub_Iret) {
    Policy p = policy();
    p.zsk_method = ZskMethod::double_signature;
    Timeline t{p, std::nullopt, std::nullopt};
    // §3.2.2: new DNSKEY and signatures go out together; the old ones may go once both
    // have reached every cache: max(Dprp + TTLkey, Dsgn + Dprp + TTLsig).
    EXPECT_EQ(t.successor_publish_time(Role::zsk, tact),
              tact + *p.zsk_lifetime - (600s + 300s + 86400s) - 60s);
}

TEST(Timeline, KskDoubleKsk_Tpub_eq_Tact_plus_Lksk_minus_Dreg_minus_IpubC) {
    Policy p = policy();
    p.ksk_method = KskMethod::double_ksk;
    Timeline t{p, Seconds{86400}, std::nullopt};
    // §3.3.1: Tpub(N+1) <= Tact(N) + Lksk - Dreg - IpubC
    EXPECT_EQ(t.successor_publish_time(Role::ksk, tact),
              tact + *p.ksk_lifetime - 86400s - (300s + 3600s) - 60s);
}

TEST(Timeline, KskDoubleDs_Tsbm_eq_Tact_plus_Lksk_minus_Dreg_minus_IpubP) {
    Policy p = policy();
    p.ksk_method = KskMethod::double_ds;
    Timeline t{p, Seconds{86400}, std::nullopt};
    // §3.3.2: Tsbm(N+1) <= Tact(N) + Lksk - Dreg - IpubP
    EXPECT_EQ(t.successor_publish_time(Role::ksk, tact),
              tact + *p.ksk_lifetime - 86400s - (7200s + 172800s) - 60s);
}

TEST(Timeline, KskDoubleRrset_Tpub_eq_Tact_plus_Lksk_minus_max_IpubC_Dreg_plus_IpubP) {
    Policy p = policy();
    p.ksk_method = KskMethod::double_rrset;
    Timeline t{p, Seconds{86400}, std::nullopt};
    // §3.3.3: Tpub(N+1) <= Tact(N) + Lksk - max(IpubC, Dreg + IpubP)
    EXPECT_EQ(t.successor_publish_time(Role::ksk, tact),
              tact + *p.ksk_lifetime - (86400s + 7200s + 172800s) - 60s);
    p.dnskey_ttl = Seconds{400000};  // now IpubC dominates
    EXPECT_EQ(t.successor_publish_time(Role::ksk, tact),
              tact + *p.ksk_lifetime - (300s + 400000s) - 60s);
}

TEST(Timeline, CskDoubleKsk_LeadIsTheKskLead) {
    Policy p = policy();
    p.roles = Roles::csk;
    p.ksk_method = KskMethod::double_ksk;
    Timeline t{p, Seconds{3600}, std::nullopt};
    EXPECT_EQ(t.successor_lead(Role::csk), 3600s + (300s + 3600s) + 60s);
}

TEST(Timeline, CskDoubleDs_AddsIpubCBeforeTheNewKeySigns) {
    Policy p = policy();
    p.roles = Roles::csk;
    p.ksk_method = KskMethod::double_ds;
    Timeline t{p, Seconds{3600}, std::nullopt};
    EXPECT_EQ(t.successor_lead(Role::csk), (3600s + 7200s + 172800s + 60s) + (300s + 3600s + 60s));
}

TEST(Timeline, UnlimitedLifetimeHasNoSuccessor) {
    Policy p = policy();
    p.zsk_lifetime.reset();
    EXPECT_FALSE(Timeline(p, std::nullopt, std::nullopt).successor_publish_time(Role::zsk, tact));
}

TEST(Timeline, LongerObservedDregStartsTheNextRolloverEarlier) {
    Policy p = policy();
    p.ksk_method = KskMethod::double_ds;
    auto early =
        Timeline(p, Seconds{3 * 86400}, std::nullopt).successor_publish_time(Role::ksk, tact);
    auto late = Timeline(p, Seconds{86400}, std::nullopt).successor_publish_time(Role::ksk, tact);
    EXPECT_EQ(*late - *early, Seconds{2 * 86400});
}

}  // namespace
}  // namespace zw::rollover
