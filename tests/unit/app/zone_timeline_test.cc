// The timeline of the status page: the past from the audit log (confirmed and waited moves
// change a record's state; a decided one is pending until confirmed), the present from the
// stored state, the future from the engine run forward with every check passing at once.
#include <gtest/gtest.h>

#include "../rollover/engine_test_util.h"
#include "app/timeline_svg.h"
#include "app/zone_timeline.h"
#include "store/history.h"

namespace {

using namespace zw;
using namespace zw::app;
using rollover::Cause;
using rollover::Record;
using rollover::RecordState;
using rollover::Role;
using S = RecordState;

store::AuditEntry row(rollover::Transition t) {
    return store::AuditEntry{0, t.at, "z.", "transition", store::transition_text(t)};
}

const TimelineBand& band(const ZoneTimeline& tl, std::uint32_t key, Record r) {
    for (const auto& k : tl.keys)
        if (k.key.id == key)
            for (const auto& b : k.bands)
                if (b.record == r) return b;
    throw std::runtime_error("no such band");
}

TEST(ZoneTimeline, AuditRowsReadBackAsTransitions) {
    rollover::Transition t{7,           Record::ds,       S::hidden,
                           S::rumoured, Cause::confirmed, Instant{Seconds{123}}};
    auto back = store::transition_of(row(t));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->key, 7u);
    EXPECT_EQ(back->record, Record::ds);
    EXPECT_EQ(back->from, S::hidden);
    EXPECT_EQ(back->to, S::rumoured);
    EXPECT_EQ(back->cause, Cause::confirmed);
    EXPECT_EQ(back->at, Instant{Seconds{123}});
    EXPECT_FALSE(
        store::transition_of(store::AuditEntry{0, {}, "z.", "transition", "key x ds a -> b (c)"}));
    EXPECT_FALSE(store::transition_of(store::AuditEntry{0, {}, "z.", "publish", "serial=1"}));
}

TEST(ZoneTimeline, ThePastFromTheAuditLog) {
    const Instant now{Seconds{1'000'000}}, t0 = now - Seconds{500};
    ZoneStatus z;
    z.info.name = "z.";
    rollover::KeyState k;
    k.key = rollover::KeyRef{1, 13, Role::zsk, 1111};
    k.created = t0;
    k.at(Record::dnskey) = rollover::RecordStatus{S::omnipresent, t0 + Seconds{200}, true, t0};
    k.at(Record::zrrsig) =
        rollover::RecordStatus{S::hidden, t0, true, t0 + Seconds{300}};  // pending since +300
    z.state.keys.push_back(k);
    std::vector<store::AuditEntry> audit{
        row({1, Record::dnskey, S::hidden, S::rumoured, Cause::decided, t0}),
        row({1, Record::dnskey, S::hidden, S::rumoured, Cause::confirmed, t0 + Seconds{100}}),
        row({1, Record::dnskey, S::rumoured, S::omnipresent, Cause::waited, t0 + Seconds{200}}),
        row({1, Record::zrrsig, S::hidden, S::rumoured, Cause::decided, t0 + Seconds{300}}),
        row({9, Record::dnskey, S::hidden, S::rumoured, Cause::decided, t0}),  // another key
    };
    ZoneTimeline tl = build_timeline({z, audit, {}, nullptr, now, Seconds{1000}, Seconds{1000}});
    ASSERT_EQ(tl.keys.size(), 1u);
    const auto& d = band(tl, 1, Record::dnskey).stretches;
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0].from, t0);
    EXPECT_EQ(d[0].to, t0 + Seconds{100});
    EXPECT_EQ(d[0].state, S::hidden);
    EXPECT_TRUE(d[0].pending);
    EXPECT_EQ(d[1].state, S::rumoured);
    EXPECT_FALSE(d[1].pending);
    EXPECT_EQ(d[2].from, t0 + Seconds{200});
    EXPECT_EQ(d[2].to, now);
    EXPECT_EQ(d[2].state, S::omnipresent);
    const auto& s = band(tl, 1, Record::zrrsig).stretches;
    ASSERT_EQ(s.size(), 2u);
    EXPECT_FALSE(s[0].pending);
    EXPECT_TRUE(s[1].pending);
    EXPECT_EQ(s[1].to, now);
    // No policy: no future.
    for (const auto& b : tl.keys[0].bands)
        for (const auto& st : b.stretches) EXPECT_FALSE(st.projected);
}

TEST(ZoneTimeline, TheFutureOfAKskRolloverFromTheEngine) {
    using namespace zw::rollover::testing;
    rollover::Policy p = test_policy();
    Driver d = signed_zone(p);
    auto ksk = d.first_key(Role::ksk);
    ASSERT_TRUE(ksk);
    for (auto& k : d.zone.keys)
        if (k.key.id == *ksk) k.request = rollover::RolloverRequest::scheduled;
    ZoneStatus z;
    z.info.name = "z.";
    z.state = d.zone;
    const Instant now = d.now();
    ZoneTimeline tl = build_timeline({z, {}, {}, &p, now, Seconds{86400}, Seconds{4 * 86400}});
    const TimelineKey* next = nullptr;
    for (const auto& k : tl.keys)
        if (k.kind == TimelineKeyKind::projected && k.key.role == Role::ksk) next = &k;
    ASSERT_NE(next, nullptr) << "no successor KSK in the projection";
    EXPECT_EQ(timeline_key_label(*next), "next KSK (projected)");
    // Double-DS (the default method): the new DS first, then the DNSKEY; both end omnipresent.
    auto reaches = [&](const TimelineKey& k, Record r, S s) {
        for (const auto& b : k.bands)
            if (b.record == r)
                for (const auto& st : b.stretches)
                    if (st.state == s) return std::optional<Instant>(st.from);
        return std::optional<Instant>();
    };
    auto ds = reaches(*next, Record::ds, S::omnipresent),
         dnskey = reaches(*next, Record::dnskey, S::omnipresent);
    ASSERT_TRUE(ds && dnskey);
    EXPECT_GE(*ds - now, IpubP) << "a DS cannot be omnipresent before IpubP";
    EXPECT_LT(*ds, *dnskey);
    // The old KSK's DS goes away after that, and everything after now is projected.
    const TimelineKey* old = nullptr;
    for (const auto& k : tl.keys)
        if (k.key.id == *ksk) old = &k;
    ASSERT_NE(old, nullptr);
    EXPECT_TRUE(reaches(*old, Record::ds, S::unretentive));
    for (const auto& k : tl.keys)
        for (const auto& b : k.bands)
            for (const auto& st : b.stretches) {
                EXPECT_EQ(st.projected, st.from >= now) << timeline_key_label(k);
                EXPECT_LE(st.to, tl.to);
                EXPECT_LT(st.from, st.to);
            }
    std::string svg = timeline_svg(tl, z);
    EXPECT_NE(svg.find("next KSK (projected)"), std::string::npos);
    EXPECT_NE(svg.find(" projected\""), std::string::npos);
    EXPECT_NE(svg.find("class=\"now\""), std::string::npos);
}

TEST(ZoneTimeline, ASettledZoneProjectsNothingButItsPresent) {
    using namespace zw::rollover::testing;
    rollover::Policy p = test_policy();
    Driver d = signed_zone(p);
    ZoneStatus z;
    z.state = d.zone;
    ZoneTimeline tl = build_timeline({z, {}, {}, &p, d.now(), Seconds{3600}, Seconds{3600}});
    for (const auto& k : tl.keys) {
        EXPECT_EQ(k.kind, TimelineKeyKind::current);
        for (const auto& b : k.bands) {
            ASSERT_FALSE(b.stretches.empty());
            EXPECT_EQ(b.stretches.back().to, tl.to);
            for (const auto& st : b.stretches) EXPECT_EQ(st.state, S::omnipresent);
        }
    }
}

}  // namespace
