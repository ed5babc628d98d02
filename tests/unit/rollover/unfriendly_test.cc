// Requests at unfriendly moments, to the second: a KSK rollover asked for while the zone is
// being secured, offboarding in the middle of a ZSK rollover, onboarding again
// in the middle of offboarding, a successor rolled again before it is in use; and the
// engine saying "stuck", with the cycle of waits, when it is made to deadlock.
#include "engine_test_util.h"

namespace zw::rollover::testing {
namespace {

std::uint32_t newest(const Driver& d, Role role) {
    std::uint32_t id = 0;
    for (const auto& k : d.zone.keys)
        if (k.key.role == role) id = std::max(id, k.key.id);
    return id;
}

// When a record of a key reached `to` after `from` (the first time only, for when()).
std::optional<Instant> when_after(const Driver& d, std::uint32_t key, Record r, RecordState to,
                                  bool publication, Instant from) {
    for (const auto& t : d.log)
        if (t.key == key && t.record == r && t.to == to && t.at >= from &&
            (t.cause == Cause::decided) == publication)
            return t.at;
    return std::nullopt;
}

void ask_rollover(Driver& d, std::uint32_t key, RolloverRequest how = RolloverRequest::scheduled) {
    for (auto& k : d.zone.keys)
        if (k.key.id == key) k.request = how;
}

// First signing of test_policy() (double-DS): the DS is submitted once the KSK's DNSKEY and
// the ZSK's signatures are in every cache (Iret + ps, the longer), and rumoured until IpubP +
// ps later.
struct Securing {
    Driver d;
    Instant t0;
    std::uint32_t ksk1 = 0;

    explicit Securing(Policy p) {
        d.policy = p;
        t0 = d.now();
        d.run_until(t0 + Iret + ps + Seconds{500});
        ksk1 = *d.first_key(Role::ksk);
    }
    Instant ds1_in_every_cache() const { return t0 + Iret + ps + IpubP + ps; }
};

TEST(WhileSecuring, KskRolloverFinishesTheOldDsThenRunsDoubleDs) {
    Securing s(test_policy());
    Driver& d = s.d;
    ASSERT_EQ(d.key(s.ksk1)->at(Record::ds).state, S::rumoured);
    const Instant T = d.now();
    ask_rollover(d, s.ksk1);
    d.run_for(Seconds{3 * 86400});
    const std::uint32_t ksk2 = newest(d, Role::ksk);
    ASSERT_NE(ksk2, s.ksk1);
    // The old DS, caught rumoured, finishes arriving: the new DS needs a DS in every cache
    // next to it (3b), and the old DS may not leave before the new one is in (double-DS).
    EXPECT_EQ(d.when(s.ksk1, Record::ds, S::omnipresent), s.ds1_in_every_cache());
    const Instant t1 = s.ds1_in_every_cache();
    EXPECT_GT(t1, T);
    // Then RFC 7583 §3.3.2: the new DS; once it is in every cache the DNSKEY RRset swaps
    // the old key for the new one (3d); once that is in every cache the old DS goes.
    EXPECT_EQ(d.when(ksk2, Record::ds, S::rumoured, true), t1);
    const Instant t2 = t1 + IpubP + ps;
    EXPECT_EQ(d.when(ksk2, Record::dnskey, S::rumoured, true), t2);
    EXPECT_EQ(d.when(s.ksk1, Record::dnskey, S::unretentive, true), t2);
    const Instant t3 = t2 + Ipub + ps;
    EXPECT_EQ(d.when(s.ksk1, Record::ds, S::unretentive, true), t3);
    EXPECT_EQ(d.when(s.ksk1, Record::ds, S::hidden), t3 + IpubP + rs);
    EXPECT_TRUE(d.purged(s.ksk1));
    EXPECT_FALSE(d.last.stuck);
}

TEST(WhileSecuring, EmergencyKskRolloverBeforeTheDsIsSubmittedGoesDnskeyFirst) {
    Policy p = test_policy();
    Driver d;
    d.policy = p;
    const Instant t0 = d.now();
    d.run_until(t0 + Seconds{500});  // DNSKEY rumoured, no DS submitted yet
    const std::uint32_t ksk1 = *d.first_key(Role::ksk);
    ASSERT_FALSE(d.key(ksk1)->at(Record::ds).published);
    ask_rollover(d, ksk1, RolloverRequest::emergency);
    d.run_for(Seconds{2 * 86400});
    const std::uint32_t ksk2 = newest(d, Role::ksk);
    // No DS anywhere: no DS RRset to join, so double-DS starts as a first signing does.
    EXPECT_EQ(d.when(ksk2, Record::dnskey, S::rumoured, true), t0 + Seconds{500});
    // Its DS once its DNSKEY and the zone signatures are in every cache (3e, 3f).
    EXPECT_EQ(d.when(ksk2, Record::ds, S::rumoured, true), t0 + Iret + ps);
    // The compromised key never gets a DS at all.
    EXPECT_FALSE(d.when(ksk1, Record::ds, S::rumoured, true));
    EXPECT_TRUE(d.purged(ksk1));
}

TEST(WhileSecuring, TurningBackMidwayDeadlocksAndTheEngineNamesTheCycle) {
    Securing s(test_policy());
    Driver& d = s.d;
    d.hooks.turn_back_midway = true;
    ask_rollover(d, s.ksk1);
    d.run_for(Seconds{3 * 86400});
    // The deadlock of turning back (docs/rollover.md): nothing moves, and nothing ever will.
    EXPECT_EQ(d.key(s.ksk1)->at(Record::ds).state, S::rumoured);
    ASSERT_TRUE(d.last.stuck);
    for (const auto& w : d.last.waiting_on)
        if (w.record) {
            EXPECT_TRUE(w.gate == Gate::policy || w.gate == Gate::safety) << w.why;
        }
    const Stuck& st = *d.last.stuck;
    ASSERT_TRUE(st.cycle);
    ASSERT_EQ(st.waits.size(), 2u);
    const std::uint32_t ksk2 = newest(d, Role::ksk);
    // The old DS waits for its successor's DS to go out first; the successor's DS waits on
    // safety for a DS in every cache, which the old one, now leaving, will never be.
    EXPECT_EQ(st.waits[0].key, s.ksk1);
    EXPECT_EQ(st.waits[0].record, Record::ds);
    EXPECT_EQ(st.waits[0].gate, Gate::policy);
    EXPECT_EQ(st.waits[1].key, ksk2);
    EXPECT_EQ(st.waits[1].record, Record::ds);
    EXPECT_EQ(st.waits[1].gate, Gate::safety);
}

TEST(Stuck, NotWhileATimeOrObservationGateIsPending) {
    std::vector<Wait> waits{
        Wait{1, Record::ds, Gate::policy, {}, {}, "a", {RecordRef{2, Record::ds}}},
        Wait{2, Record::ds, Gate::safety, {}, {}, "b", {RecordRef{1, Record::ds}}},
    };
    ASSERT_TRUE(find_stuck(waits));
    auto with = [&](Wait w) {
        auto v = waits;
        v.push_back(std::move(w));
        return v;
    };
    EXPECT_FALSE(find_stuck(with(Wait{3, Record::zrrsig, Gate::time, {}, Instant{}, "c"})));
    EXPECT_FALSE(find_stuck(with(Wait{3, Record::dnskey, Gate::observation, {}, {}, "d"})));
    // A key waiting for its material waits on the executor, which will act.
    EXPECT_FALSE(find_stuck(with(Wait{3, std::nullopt, Gate::policy, {}, {}, "material"})));
    // The planner's wait for the next scheduled rollover moves no blocked record.
    EXPECT_TRUE(find_stuck(with(Wait{3, std::nullopt, Gate::time, {}, Instant{}, "successor"})));
    // Without a cycle: the chain of waits to a record that stays where it is.
    std::vector<Wait> dead_end{
        Wait{1, Record::dnskey, Gate::policy, {}, {}, "a", {RecordRef{1, Record::ds}}},
        Wait{1, Record::ds, Gate::policy, {}, {}, "b", {RecordRef{2, Record::ds}}},
    };
    auto s = find_stuck(dead_end);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->cycle);
    EXPECT_EQ(s->waits.size(), 2u);
    EXPECT_TRUE(find_stuck(std::vector<Wait>{}) == std::nullopt);
}

TEST(Offboarding, InTheMiddleOfAZskPrePublicationRolloverCompletes) {
    Driver d = signed_zone(test_policy());
    const std::uint32_t zsk1 = *d.first_key(Role::zsk);
    ask_rollover(d, zsk1);
    d.run_for(Seconds{500});  // the new DNSKEY is rumoured, its signatures not yet out
    const std::uint32_t zsk2 = newest(d, Role::zsk);
    ASSERT_EQ(d.key(zsk2)->at(Record::zrrsig).state, S::hidden);
    d.zone.going_insecure = true;
    d.run_for(Seconds{3 * 86400});
    // The successor will never sign: the old signatures leave with the zone, not after it.
    EXPECT_TRUE(d.zone.keys.empty());
    EXPECT_FALSE(d.when(zsk2, Record::zrrsig, S::rumoured, true));
    EXPECT_TRUE(d.purged(zsk1));
}

TEST(OnboardingAgain, InTheMiddleOfOffboardingTakesTheKeysBack) {
    Driver d = signed_zone(test_policy());
    const std::uint32_t ksk = *d.first_key(Role::ksk), zsk = *d.first_key(Role::zsk);
    d.zone.going_insecure = true;
    d.run_for(Seconds{1000});  // the DS is being withdrawn
    ASSERT_EQ(d.key(ksk)->at(Record::ds).state, S::unretentive);
    d.zone.going_insecure = false;
    const Instant T = d.now();
    d.run_for(Seconds{3 * 86400});
    // The same keys stay; the DS finishes leaving, then comes back.
    ASSERT_EQ(d.zone.keys.size(), 2u);
    EXPECT_TRUE(d.key(ksk) && d.key(zsk));
    const Instant ds_gone = T - Seconds{1000} + IpubP + rs;
    EXPECT_EQ(when_after(d, ksk, Record::ds, S::hidden, false, T), ds_gone);
    EXPECT_EQ(when_after(d, ksk, Record::ds, S::rumoured, true, T), ds_gone);
    EXPECT_EQ(d.key(ksk)->at(Record::ds).state, S::omnipresent);
    EXPECT_EQ(d.key(ksk)->goal, Goal::omnipresent);
}

TEST(OnboardingAgain, AfterOffboardingSignsWithNewKeys) {
    Driver d = signed_zone(test_policy());
    const std::uint32_t ksk = *d.first_key(Role::ksk);
    d.zone.going_insecure = true;
    d.run_for(Seconds{3 * 86400});
    ASSERT_TRUE(d.zone.keys.empty());
    d.zone.going_insecure = false;
    d.run_for(Seconds{86400});
    const std::uint32_t ksk2 = newest(d, Role::ksk);
    EXPECT_GT(ksk2, ksk);
    EXPECT_EQ(d.key(ksk2)->at(Record::ds).state, S::omnipresent);
}

TEST(TwiceInARow, ASuccessorRolledBeforeItIsInUseHandsOver) {
    Policy p = test_policy();
    p.ksk_method = KskMethod::double_ksk;
    Driver d = signed_zone(p);
    const std::uint32_t ksk1 = *d.first_key(Role::ksk);
    ask_rollover(d, ksk1);
    d.pass();
    const std::uint32_t ksk2 = newest(d, Role::ksk);
    ask_rollover(d, ksk2, RolloverRequest::emergency);  // compromised before it is in use
    d.run_for(Seconds{3 * 86400});
    const std::uint32_t ksk3 = newest(d, Role::ksk);
    ASSERT_NE(ksk3, ksk2);
    EXPECT_TRUE(d.purged(ksk1));
    EXPECT_TRUE(d.purged(ksk2));
    EXPECT_EQ(d.zone.keys.size(), 2u);
    // The first key kept its DS until the third one's was out: the chain passed through
    // the second, which never got a DS of its own.
    EXPECT_FALSE(d.when(ksk2, Record::ds, S::rumoured, true));
    EXPECT_LE(*d.when(ksk3, Record::ds, S::rumoured, true),
              *d.when(ksk1, Record::ds, S::unretentive, true));
}

}  // namespace
}  // namespace zw::rollover::testing
