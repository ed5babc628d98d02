// The pure core: matching, diffing, capability checks, backoff, error mapping.
#include "registrar/plan.h"

#include <gtest/gtest.h>

#include "fixtures.h"
#include "registrar/error.h"

namespace zw::registrar::test {
namespace {

Entry digest_only(const Entry& e) {
    Entry d = e;
    d.flags.reset();
    d.public_key.clear();
    return d;
}
Entry key_only(const Entry& e) {
    Entry d = e;
    d.digest_type.reset();
    d.digest.clear();
    return d;
}

TEST(Matching, TagAndAlgorithmAloneNeverMatch) {
    auto a = must(expand(desired({key(1)}), EntryView::ds)).front();
    auto b = must(expand(desired({key(2)}), EntryView::ds)).front();
    b.key_tag = a.key_tag;  // a tag collision (RFC 4034 App. B.1 allows it)
    EXPECT_FALSE(same_entry(a, b));
    EXPECT_FALSE(same_entry(digest_only(a), digest_only(b)));
    EXPECT_FALSE(same_entry(key_only(a), key_only(b)));
    Entry bare;  // a registrar listing that gives only tag and algorithm
    bare.key_tag = a.key_tag;
    bare.algorithm = a.algorithm;
    EXPECT_FALSE(same_entry(a, bare));
}

TEST(Matching, DigestOrKeyViewsMatchTheDesiredEntry) {
    auto a = must(expand(desired({key(1)}), EntryView::ds)).front();
    EXPECT_TRUE(same_entry(a, digest_only(a)));
    EXPECT_TRUE(same_entry(a, key_only(a)));
    EXPECT_FALSE(same_entry(digest_only(a), key_only(a)));  // nothing common to compare
    auto other_alg = digest_only(a);
    other_alg.algorithm = dns::alg::ed25519;
    EXPECT_FALSE(same_entry(a, other_alg));
    auto other_type = digest_only(a);
    other_type.digest_type = dns::digest::sha384;
    EXPECT_FALSE(same_entry(a, other_type));
}

TEST(Expand, DsViewHasOneEntryPerDigestTypeAndDnskeyViewOnePerKey) {
    auto d = desired({key(1), key(2)});
    d.digest_types = {dns::digest::sha256, dns::digest::sha384};
    auto ds = must(expand(d, EntryView::ds));
    ASSERT_EQ(ds.size(), 4u);
    EXPECT_EQ(ds[0].digest.size(), 32u);
    EXPECT_EQ(ds[1].digest.size(), 48u);
    EXPECT_EQ(ds[0].key_tag, dns::key_tag(key(1).rdata()));
    EXPECT_EQ(must(expand(d, EntryView::dnskey)).size(), 2u);
}

TEST(Expand, EmptySetOnlyOnPurpose) {
    EXPECT_FALSE(expand(desired({}), EntryView::ds).has_value());
    auto insecure = desired({});
    insecure.go_insecure = true;
    EXPECT_TRUE(must(expand(insecure, EntryView::ds)).empty());
    auto both = desired({key(1)});
    both.go_insecure = true;
    EXPECT_FALSE(expand(both, EntryView::ds).has_value());
    EXPECT_FALSE(expand(desired({key(1, 1)}), EntryView::ds).has_value());  // not a zone key
}

TEST(Capabilities, RefusedBeforeAnythingIsSent) {
    Capabilities caps;
    caps.max_entries = 1;
    auto r = desired_entries(desired({key(1), key(2)}), caps);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::invalid);
    caps.max_entries.reset();
    caps.algorithms = {dns::alg::rsasha256};
    r = desired_entries(desired({key(1)}), caps);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::unsupported);
    caps.algorithms.clear();
    caps.digest_types = {dns::digest::sha384};
    r = desired_entries(desired({key(1)}), caps);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::unsupported);
    r = desired_entries(desired({}), Capabilities{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::invalid);
}

TEST(Plan, AdditionsBeforeRemovals) {
    auto old_e = must(expand(desired({key(1)}), EntryView::ds));
    auto new_e = must(expand(desired({key(2)}), EntryView::ds));
    auto p = make_plan(new_e, {digest_only(old_e[0])});
    ASSERT_EQ(p.add.size(), 1u);
    ASSERT_EQ(p.remove.size(), 1u);
    EXPECT_TRUE(removable_now(p, false).empty()) << "nothing leaves before the new DS is in";
    auto after = make_plan(new_e, {digest_only(old_e[0]), digest_only(new_e[0])});
    EXPECT_TRUE(after.add.empty());
    ASSERT_EQ(removable_now(after, false).size(), 1u);
    EXPECT_TRUE(same_entry(removable_now(after, false)[0], old_e[0]));
}

TEST(Plan, TheLastEntryStaysUnlessGoingInsecure) {
    auto old_e = must(expand(desired({key(1)}), EntryView::ds));
    auto p = make_plan({}, {old_e[0]});
    EXPECT_TRUE(removable_now(p, false).empty());
    EXPECT_EQ(removable_now(p, true).size(), 1u);
}

TEST(Plan, DuplicatesAreRemovedAndOneCopyKept) {
    auto e = must(expand(desired({key(1)}), EntryView::dnskey));
    auto dup = key_only(e[0]);
    dup.id = "second";
    auto p = make_plan(e, {key_only(e[0]), dup});
    EXPECT_TRUE(p.add.empty());
    ASSERT_EQ(p.keep.size(), 1u);
    ASSERT_EQ(p.remove.size(), 1u);
    EXPECT_EQ(p.remove[0].id, "second");
    EXPECT_TRUE(make_plan(e, {key_only(e[0])}).converged());
}

TEST(Backoff, GrowsWithJitterUpToTheCapAndHonoursRetryAfter) {
    using std::chrono::seconds;
    EXPECT_EQ(backoff_delay(0, seconds(2), seconds(300), 0.0), seconds(2));
    EXPECT_EQ(backoff_delay(3, seconds(2), seconds(300), 0.999), seconds(15));
    EXPECT_EQ(backoff_delay(3, seconds(2), seconds(300), 0.0), seconds(2));
    EXPECT_EQ(backoff_delay(20, seconds(2), seconds(300), 0.999), seconds(299));
    EXPECT_LE(backoff_delay(100, seconds(2), seconds(300), 1.0), seconds(300));
    EXPECT_EQ(backoff_delay(0, seconds(2), seconds(300), 0.5, seconds(60)), seconds(60));
}

TEST(Errors, KindsMapToExitCodeClasses) {
    RegistrarError e{ErrorKind::transient, "503", std::nullopt, 503};
    EXPECT_EQ(e.to_error().kind, zw::ErrorKind::outside);
    e.kind = ErrorKind::in_progress;
    EXPECT_EQ(e.to_error().kind, zw::ErrorKind::outside);
    for (auto k : {ErrorKind::invalid, ErrorKind::authentication, ErrorKind::not_found,
                   ErrorKind::unsupported}) {
        e.kind = k;
        EXPECT_EQ(e.to_error().kind, zw::ErrorKind::config) << to_text(k);
    }
    EXPECT_NE(e.describe().find("HTTP 503"), std::string::npos);
}

}  // namespace
}  // namespace zw::registrar::test
