#include <fmt/format.h>

#include <fstream>
#include <thread>

#include "rollover/engine.h"
#include "store/action_codec.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store_fixture.h"

namespace zw::store::testing {
namespace {

using namespace zw::rollover;
using namespace std::chrono_literals;

int raw_exec(sqlite3* db, const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

TEST(Schema, MigratesFromEmptyToLatestInWalMode) {
    TempDir dir;
    auto path = dir.file("state.db");
    {
        auto s = must(Store::open(path, Store::Mode::create));
        EXPECT_EQ(must(s.schema_version()), 3);
    }
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
    sqlite3_finalize(st);
    // Every table of the schema exists.
    for (const char* t : {"tenants", "zones", "keys", "record_states", "observations", "decisions",
                          "actions", "submissions", "audit_log"}) {
        std::string q = std::string("SELECT count(*) FROM ") + t;
        EXPECT_EQ(raw_exec(raw, q.c_str()), SQLITE_OK) << t;
    }
    sqlite3_close(raw);
    // Opening again is a no-op.
    auto s = must(Store::open(path, Store::Mode::create));
    EXPECT_EQ(must(s.schema_version()), 3);
}

TEST(Schema, MigratesAnOlderDatabaseKeepingItsData) {
    TempDir dir;
    auto path = dir.file("state.db");
    {
        auto s = must(Store::open(path, Store::Mode::create, 1));
        EXPECT_EQ(must(s.schema_version()), 1);
    }
    {
        // Rows as schema 1 wrote them (today's add_zone writes later columns).
        auto db = must(sql::Db::open(path, false));
        must(db.exec(
            "INSERT INTO tenants (name) VALUES ('assoc');"
            "INSERT INTO zones (name, tenant_id, policy) VALUES ('example.org', 1, 'default')"));
    }
    auto s = must(Store::open(path, Store::Mode::create));
    EXPECT_EQ(must(s.schema_version()), 3);
    auto zones = must(s.zones());
    ASSERT_EQ(zones.size(), 1u);
    EXPECT_EQ(zones[0].tenant, "assoc");
    EXPECT_EQ(zones[0].registrar, "");
}

TEST(Schema, RefusesADatabaseFromANewerZonewarden) {
    TempDir dir;
    auto path = dir.file("state.db");
    { auto s = must(Store::open(path, Store::Mode::create)); }
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    raw_exec(raw, "PRAGMA user_version = 99");
    sqlite3_close(raw);
    auto s = Store::open(path, Store::Mode::create);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("newer"), std::string::npos);
}

// What may be at the state path. An empty file (the state lost) or another program's
// database is never taken for a fresh installation: tick would say "no zones" and a new
// onboarding would make new keys while the parent's DS still names the old ones.
TEST(Identity, AnEmptyFileIsRefusedUnlessInitialisedOnPurpose) {
    TempDir dir;
    auto path = dir.file("state.db");
    std::ofstream(path).close();  // zero bytes
    for (auto mode : {Store::Mode::reader, Store::Mode::writer, Store::Mode::create}) {
        auto s = Store::open(path, mode);
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().kind, ErrorKind::config);
        EXPECT_NE(s.error().message.find("is empty (0 bytes)"), std::string::npos)
            << s.error().message;
        EXPECT_NE(s.error().message.find("zonewarden init"), std::string::npos);
    }
    EXPECT_EQ(std::filesystem::file_size(path), 0u);  // nothing was written into it
    auto s = must(Store::open(path, Store::Mode::initialise));
    EXPECT_EQ(must(s.schema_version()), latest_schema_version());
    EXPECT_TRUE(must(s.zones()).empty());
}

TEST(Identity, SqlitesHeaderAloneIsEmptyToo) {
    TempDir dir;
    auto path = dir.file("state.db");
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    raw_exec(raw, "VACUUM");  // writes the header, no table
    sqlite3_close(raw);
    ASSERT_GT(std::filesystem::file_size(path), 0u);
    auto s = Store::open(path, Store::Mode::create);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("holds no tables"), std::string::npos) << s.error().message;
    EXPECT_TRUE(Store::open(path, Store::Mode::initialise));
}

TEST(Identity, AnotherProgramsDatabaseOrAnyOtherFileIsNeverOpened) {
    TempDir dir;
    auto other = dir.file("other.db");
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(other.c_str(), &raw), SQLITE_OK);
    raw_exec(raw, "CREATE TABLE photos (id INTEGER); INSERT INTO photos VALUES (1)");
    sqlite3_close(raw);
    auto text = dir.file("notes.txt");
    std::ofstream(text)
        << "not a database at all, but long enough to have a header's worth of bytes in it.\n";
    for (const auto& path : {other, text}) {
        for (auto mode : {Store::Mode::reader, Store::Mode::writer, Store::Mode::create,
                          Store::Mode::initialise}) {
            auto s = Store::open(path, mode);
            ASSERT_FALSE(s) << path;
            EXPECT_EQ(s.error().kind, ErrorKind::config);
            EXPECT_NE(s.error().message.find("not a zonewarden state database"), std::string::npos)
                << s.error().message;
        }
    }
    // Untouched: still the other program's.
    ASSERT_EQ(sqlite3_open(other.c_str(), &raw), SQLITE_OK);
    EXPECT_EQ(raw_exec(raw, "SELECT id FROM photos"), SQLITE_OK);
    EXPECT_NE(raw_exec(raw, "SELECT name FROM zones"), SQLITE_OK);
    sqlite3_close(raw);
}

TEST(Identity, AMissingFileIsMadeOnlyWhenAskedTo) {
    TempDir dir;
    auto path = dir.file("state.db");
    for (auto mode : {Store::Mode::reader, Store::Mode::writer}) {
        auto s = Store::open(path, mode);
        ASSERT_FALSE(s);
        EXPECT_NE(s.error().message.find("there is no state database"), std::string::npos)
            << s.error().message;
        EXPECT_FALSE(std::filesystem::exists(path));
    }
    { auto s = must(Store::open(path, Store::Mode::create)); }
    EXPECT_TRUE(Store::open(path, Store::Mode::writer));
    EXPECT_TRUE(Store::open(path, Store::Mode::reader));
}

// A database from before the application id (schema set, our tables) is ours, and the
// first writer marks it.
TEST(Identity, ADatabaseFromBeforeTheApplicationIdIsOursAndGetsIt) {
    TempDir dir;
    auto path = dir.file("state.db");
    { auto s = must(Store::open(path, Store::Mode::create)); }
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    raw_exec(raw, "PRAGMA application_id = 0");
    sqlite3_close(raw);
    EXPECT_TRUE(Store::open(path, Store::Mode::reader));
    { auto s = must(Store::open(path, Store::Mode::writer)); }
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, "PRAGMA application_id", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(st, 0), 0x5A575354);
    sqlite3_finalize(st);
    sqlite3_close(raw);
}

TEST(Store, ZoneStateRoundTripsExactly) {
    TempDir dir;
    auto s = must(Store::open(dir.file("state.db"), Store::Mode::create));
    must(s.add_zone("example.org", "assoc", "default", t0));
    Policy p;
    ZoneState z = must(s.load_zone("example.org"));
    EXPECT_TRUE(z.keys.empty());
    Decision d = advance(p, z, {}, t0);
    for (auto& k : d.next.keys) k.key.tag = static_cast<std::uint16_t>(100 + k.key.id);
    d = advance(p, d.next, {}, t0 + 5s);  // publishes: flags, requested_at set
    d.next.observed_dreg = 3600s;
    d.next.keys[0].request = RolloverRequest::emergency;
    d.next.keys[1].active_since = t0 + 9s;
    d.next.keys[1].predecessor = 77;
    must(s.commit_decision("example.org", t0 + 5s, d));
    EXPECT_EQ(must(s.load_zone("example.org")), d.next);
    // A key that left the state is no longer loaded (and is kept, marked removed).
    Decision d2 = d;
    d2.next.keys.erase(d2.next.keys.begin());
    must(s.commit_decision("example.org", t0 + 6s, d2));
    EXPECT_EQ(must(s.load_zone("example.org")), d2.next);
}

TEST(Store, StatusReadsTheLastDecisionAndWhatEachKeyWaitsOn) {
    TempDir dir;
    auto path = dir.file("state.db");
    auto w = must(Store::open(path, Store::Mode::create));
    must(w.add_zone("example.org", "assoc", "default", t0));
    auto r = must(Store::open(path, Store::Mode::reader));
    EXPECT_FALSE(must(r.last_decision("example.org")));
    Policy p;
    ZoneState z = must(w.load_zone("example.org"));
    Decision d = advance(p, z, {}, t0);
    for (auto& k : d.next.keys) k.key.tag = 11;
    d = advance(p, d.next, {}, t0 + 1s);  // DNSKEYs published, awaiting the live checks
    must(w.commit_decision("example.org", t0 + 1s, d));
    auto last = must(r.last_decision("example.org"));
    ASSERT_TRUE(last);
    EXPECT_EQ(last->at, t0 + 1s);
    EXPECT_EQ(last->wake_at, d.wake_at);
    EXPECT_NE(last->waiting_on.find("[observation]"), std::string::npos) << last->waiting_on;
    EXPECT_NE(last->waiting_on.find("waiting for every child server to serve the dnskey"),
              std::string::npos)
        << last->waiting_on;
}

TEST(Store, UnknownZoneIsBadInput) {
    TempDir dir;
    auto s = must(Store::open(dir.file("state.db"), Store::Mode::create));
    auto z = s.load_zone("nope.example");
    ASSERT_FALSE(z);
    EXPECT_EQ(z.error().kind, ErrorKind::bad_input);
    EXPECT_FALSE(s.add_zone("a.example", "t", "p", t0) && s.add_zone("a.example", "t", "p", t0));
}

TEST(Store, ObservationsRoundTrip) {
    TempDir dir;
    auto s = must(Store::open(dir.file("state.db"), Store::Mode::create));
    must(s.add_zone("example.org", "assoc", "default", t0));
    Observation o{3,     Record::ds,   Expect::present, t0 + 10s, Verdict::unreachable,
                  7200s, "ns2 timeout"};
    must(s.record_observation("example.org", o));
    must(s.record_observation("example.org", Observation{3, Record::ds, Expect::absent, t0,
                                                         Verdict::confirmed, std::nullopt, "ok"}));
    auto got = must(s.observations("example.org", t0 + 1s));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].verdict, Verdict::unreachable);
    EXPECT_EQ(got[0].ttl, 7200s);
    EXPECT_EQ(got[0].detail, "ns2 timeout");
    EXPECT_EQ(got[0].at, t0 + 10s);
}

TEST(ActionCodec, EveryActionRoundTrips) {
    KeyRef a{1, 13, Role::ksk, 4711}, b{2, 8, Role::zsk, std::nullopt};
    std::vector<Action> all{GenerateKey{b, 1},
                            GenerateKey{a, std::nullopt},
                            SubmitDsSet{{a, b}},
                            SubmitDsSet{{}},
                            Probe{b, Record::zrrsig, Expect::absent},
                            PurgeKey{a}};
    for (const auto& act : all) {
        auto line = encode(act);
        auto back = decode(line);
        ASSERT_TRUE(back && *back) << line;
        EXPECT_EQ(encode(**back), line);
        EXPECT_EQ((*back)->index(), act.index()) << line;
    }
    EXPECT_FALSE(decode("probe 1:13:ksk:- dnskey maybe"));
    EXPECT_FALSE(decode("launch-missiles"));
}

// The publication actions older versions journaled: a crash could leave one pending. It
// reads as nothing to execute, so the pass that resumes marks it done and goes on.
TEST(ActionCodec, RetiredKindsFromOlderJournalsDecodeAsNothingToDo) {
    for (const char* line : {"publish-dnskey 3:13:ksk:4711,4:13:zsk:8812", "publish-dnskey -",
                             "sign-with 3:13:ksk:4711 4:13:zsk:8812", "publish-cds - 1"}) {
        auto back = decode(line);
        ASSERT_TRUE(back) << line << ": " << back.error().describe();
        EXPECT_FALSE(*back) << line;
    }
}

TEST(ActionCodec, PendingRowsOfRetiredKindsDoNotFailTheResume) {
    TempDir dir;
    auto path = dir.file("state.db");
    auto s = must(Store::open(path, Store::Mode::create));
    must(s.add_zone("example.org", "assoc", "default", t0));
    Decision d;
    d.actions = {SubmitDsSet{{KeyRef{1, 13, Role::ksk, 4711}}}};
    auto decision = must(s.commit_decision("example.org", t0, d));
    {
        // Rows as a version before the retirement wrote them, never marked done.
        auto db = must(sql::Db::open(path, false));
        must(db.exec(fmt::format(
            "INSERT INTO actions (decision_id, zone_id, seq, payload) VALUES "
            "({0}, 1, 1, 'publish-dnskey 1:13:ksk:4711'), ({0}, 1, 2, 'sign-with 1:13:ksk:4711 -'),"
            "({0}, 1, 3, 'publish-cds 1:13:ksk:4711 0')",
            decision)));
    }
    auto pending = must(s.pending_actions("example.org"));
    ASSERT_EQ(pending.size(), 4u);
    ASSERT_TRUE(pending[0].action);
    EXPECT_TRUE(std::holds_alternative<SubmitDsSet>(*pending[0].action));
    for (std::size_t i = 1; i < pending.size(); ++i) EXPECT_FALSE(pending[i].action) << i;
    for (const auto& p : pending) must(s.mark_done(p.id, t0, "resumed"));
    EXPECT_TRUE(must(s.pending_actions("example.org")).empty());
}

TEST(AuditLog, IsAppendOnly) {
    TempDir dir;
    auto path = dir.file("state.db");
    auto s = must(Store::open(path, Store::Mode::create));
    must(s.add_zone("example.org", "assoc", "default", t0));
    must(s.record_submission("example.org", t0, "parent-we-run", "{1}", "accepted"));
    auto log = must(s.audit("example.org"));
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].event, "onboard");
    EXPECT_EQ(log[1].event, "submission");
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_busy_timeout(raw, 2000);
    EXPECT_NE(raw_exec(raw, "UPDATE audit_log SET detail = 'x'"), SQLITE_OK);
    EXPECT_NE(raw_exec(raw, "DELETE FROM audit_log"), SQLITE_OK);
    sqlite3_close(raw);
    EXPECT_EQ(must(s.audit("example.org")).size(), 2u);
}

TEST(Locking, OneWriterAtATime) {
    TempDir dir;
    auto path = dir.file("state.db");
    {
        auto first = must(Store::open(path, Store::Mode::create));
        auto second = Store::open(path, Store::Mode::create);
        ASSERT_FALSE(second);
        EXPECT_EQ(second.error().kind, ErrorKind::outside);
        EXPECT_NE(second.error().message.find("another zonewarden process"), std::string::npos);
        // A reader is welcome while the writer is there.
        EXPECT_TRUE(Store::open(path, Store::Mode::reader));
    }
    EXPECT_TRUE(Store::open(path, Store::Mode::create));
}

TEST(Locking, ReaderSeesLastCommitWhileAWriteIsInProgress) {
    TempDir dir;
    auto path = dir.file("state.db");
    auto w = must(Store::open(path, Store::Mode::create));
    must(w.add_zone("example.org", "assoc", "default", t0));
    Policy p;
    Decision d = advance(p, must(w.load_zone("example.org")), {}, t0);
    must(w.commit_decision("example.org", t0, d));
    ASSERT_EQ(d.next.keys.size(), 2u);

    // A second connection holds an open write transaction that changed the keys.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(raw_exec(raw, "BEGIN IMMEDIATE"), SQLITE_OK);
    ASSERT_EQ(raw_exec(raw, "UPDATE keys SET goal = 'hidden'"), SQLITE_OK);

    // The reader, in another thread, is neither blocked nor shown the uncommitted change.
    auto r = must(Store::open(path, Store::Mode::reader));
    ZoneState seen;
    auto started = std::chrono::steady_clock::now();
    std::thread reader([&] { seen = must(r.load_zone("example.org")); });
    reader.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    ASSERT_EQ(seen.keys.size(), 2u);
    EXPECT_EQ(seen.keys[0].goal, Goal::omnipresent);
    // Once committed, the next read sees it.
    ASSERT_EQ(raw_exec(raw, "COMMIT"), SQLITE_OK);
    sqlite3_close(raw);
    EXPECT_EQ(must(r.load_zone("example.org")).keys[0].goal, Goal::hidden);
}

}  // namespace
}  // namespace zw::store::testing

namespace zw::store::testing {
namespace {

TEST(ZoneRecords, PublicationCheckAndNotificationsRoundTrip) {
    TempDir dir;
    auto s = must(Store::open(dir.file("state.db"), Store::Mode::create));
    must(s.add_zone(ZoneInfo{"alpha.lab.", "alpha", "default", "parent", "/z/alpha.zone"}, t0));
    auto info = must(s.zone("alpha.lab."));
    ASSERT_TRUE(info);
    EXPECT_EQ(info->registrar, "parent");
    EXPECT_EQ(info->zone_file, "/z/alpha.zone");
    EXPECT_FALSE(must(s.zone("other.lab.")));

    EXPECT_FALSE(must(s.last_publication("alpha.lab.")));
    Publication p{t0,   2026112801,         {12345, 54321},     {12345}, {},
                  true, t0 + Seconds{3600}, t0 + Seconds{1800}, "abc"};
    must(s.record_publication("alpha.lab.", p));
    auto back = must(s.last_publication("alpha.lab."));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->serial, 2026112801u);
    EXPECT_EQ(back->dnskey, (std::vector<std::uint16_t>{12345, 54321}));
    EXPECT_EQ(back->ds, (std::vector<std::uint16_t>{12345}));
    EXPECT_TRUE(back->cds.empty());
    EXPECT_EQ(back->refresh_at, t0 + Seconds{1800});

    must(s.record_check("alpha.lab.", CheckRecord{t0, false, 2, "ns2 lags"}));
    EXPECT_EQ(must(s.last_check("alpha.lab."))->failures, 2);

    EXPECT_TRUE(must(s.first_notification("alpha.lab.", "blocked", "key 1 ds", t0)));
    EXPECT_FALSE(must(s.first_notification("alpha.lab.", "blocked", "key 1 ds", t0 + Seconds{60})));
    must(s.clear_notifications("alpha.lab.", "blocked"));
    EXPECT_TRUE(must(s.first_notification("alpha.lab.", "blocked", "key 1 ds", t0 + Seconds{120})));
}

}  // namespace
}  // namespace zw::store::testing
