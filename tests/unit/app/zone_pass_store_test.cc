// A zone pass that cannot record what it did ends in error (exit 3, an outside error) and
// says so in a log line that names the zone; it never takes an unrecorded result for a
// recorded one. An SQLite trigger makes the one write under test fail while the rest of
// the state database works, as a full disk or a damaged table would.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>

#include "../../testutil/temp_dir.h"
#include "app/zone_pass_context.h"
#include "app/zone_pass_notify.h"
#include "app/zone_pass_submit.h"
#include "base/clock.h"
#include "base/log.h"

namespace zw::app {
namespace {

using rollover::Role;

const Instant t0{Seconds{1764000000}};

struct RecordingLog final : LogSink {
    std::vector<std::vector<LogField>> events;
    void event(LogLevel, std::string_view, std::vector<LogField> fields) override {
        events.push_back(fields);
    }
    [[nodiscard]] bool names_zone_with(const std::string& zone, const std::string& text) const {
        return std::ranges::any_of(events, [&](const std::vector<LogField>& e) {
            bool zone_ok = std::ranges::any_of(
                e, [&](const LogField& f) { return f.key == "zone" && f.value == zone; });
            bool text_ok = std::ranges::any_of(
                e, [&](const LogField& f) { return f.value.find(text) != std::string::npos; });
            return zone_ok && text_ok;
        });
    }
};

struct Fixture {
    testutil::TempDir dir;
    std::string db = dir.file("state.db");
    Config config;
    store::Store store = store::Store::open(db, store::Store::Mode::create).value();
    registrar::Journal journal = registrar::Journal::open(db).value();
    RecordingLog log;
    FakeClock clock{t0};
    PassEnv env{config, store, journal, log, clock, nullptr};
    store::ZoneInfo info{"alpha.lab.", "assoc", "default", "by-hand"};
    PassResult result;
    PassContext pass{env, info, result};

    Fixture() {
        if (!store.add_zone(info.name, info.tenant, info.policy, t0))
            throw std::runtime_error("add_zone");
        pass.origin = dns::Name::from_text(info.name).value();
    }
    // Every later statement of this kind on this table fails with "disk full".
    void refuse(const char* op, const char* table) const {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
        std::string sql = std::string("CREATE TRIGGER refuse_") + op + "_" + table + " BEFORE " +
                          op + " ON " + table + " BEGIN SELECT RAISE(ABORT, 'disk full'); END;";
        EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
            << sqlite3_errmsg(raw);
        sqlite3_close(raw);
    }
};

TEST(ZonePassStore, AnUnclearedNotificationFailsThePassNamingTheZone) {
    Fixture f;
    ASSERT_TRUE(f.store.first_notification(f.info.name, "failed", "zone file", t0).value());
    forget_notifications(f.pass, "failed");
    EXPECT_EQ(f.result.exit_code, 0);  // the store works: nothing to report

    ASSERT_TRUE(f.store.first_notification(f.info.name, "failed", "zone file", t0).value());
    f.refuse("DELETE", "notifications");
    forget_notifications(f.pass, "failed");
    EXPECT_EQ(f.result.exit_code, 3);
    ASSERT_FALSE(f.result.lines.empty());
    EXPECT_NE(f.result.lines.back().find("disk full"), std::string::npos) << f.result.lines.back();
    EXPECT_TRUE(f.log.names_zone_with("alpha.lab.", "disk full"));
}

TEST(ZonePassStore, AnUnrecordedSubmissionFailsThePassAfterTheReceiptIsHandled) {
    Fixture f;
    f.pass.keys.emplace(KeyMaterial::open(f.dir.file("keys/alpha.lab"), f.pass.origin).value());
    rollover::KeyRef ksk{1, 13, Role::ksk, {}};
    ksk.tag = f.pass.keys->generate(ksk, t0).value();
    registrar::Settings manual{{"type", "manual"}};
    DsSubmission submission{f.pass, manual};

    f.refuse("INSERT", "submissions");
    ASSERT_TRUE(submission.submit(rollover::SubmitDsSet{{ksk}}, false, t0));
    EXPECT_EQ(f.result.exit_code, 3);
    EXPECT_TRUE(f.log.names_zone_with("alpha.lab.", "disk full"));
    // The registrar's answer still reaches the operator.
    EXPECT_TRUE(std::ranges::any_of(f.result.lines, [](const std::string& l) {
        return l.find("needs the operator") != std::string::npos;
    }));
}

}  // namespace
}  // namespace zw::app
