// The journal in SQLite and the reconcile loop over a scripted in-memory registrar: lost
// answers are waited for, never resent inside the settle window; crashes resume from disk.
#include "registrar/journal.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/log.h"
#include "fixtures.h"
#include "registrar/reconcile.h"

namespace zw::registrar::test {
namespace {

// An in-memory per-record registrar (the Gandi shape): additions can lag behind the listing,
// and an answer can be lost after the change is committed.
struct FakeState {
    std::vector<Entry> held;
    std::vector<Entry> lagging;  // accepted, not yet listed
    int adds = 0, removes = 0;
    bool lose_next_answer = false;  // commit, then "time out"
    bool lag = false;
    // Whole-set with tasks (the OVH shape): replace answers a task id and changes nothing;
    // the task finishes when it is next asked about, after the caller's listing.
    bool tasks = false;
    std::vector<Entry> task_result;
    std::optional<TaskState> task_state;  // set: the task stays in this state
    std::optional<ErrorKind> refuse;
};

class FakeApi final : public Api {
  public:
    explicit FakeApi(FakeState& s, Granularity g = Granularity::per_record) : s_(s), g_(g) {}
    Capabilities capabilities() const override {
        Capabilities c;
        c.accepts = EntryView::dnskey;
        c.granularity = g_;
        c.async = true;
        return c;
    }
    RResult<std::vector<Entry>> list(const dns::Name&) override { return s_.held; }
    RResult<Submitted> add(const dns::Name&, const Entry& e) override {
        if (s_.refuse) return reg_fail(*s_.refuse, "refused", 400);
        ++s_.adds;
        Entry stored = e;
        stored.id = "id" + std::to_string(s_.adds);
        (s_.lag ? s_.lagging : s_.held).push_back(stored);
        return answer();
    }
    RResult<Submitted> remove(const dns::Name&, const Entry& e) override {
        ++s_.removes;
        std::erase_if(s_.held, [&](const Entry& h) { return h.id == e.id; });
        return answer();
    }
    RResult<Submitted> replace(const dns::Name&, const std::vector<Entry>& want,
                               const std::vector<Entry>&) override {
        ++s_.adds;
        if (s_.tasks) {
            s_.task_result = want;
            return Submitted{"task1", true};
        }
        s_.held = want;
        return answer();
    }
    RResult<TaskStatus> task(const dns::Name&, const std::string& ref) override {
        EXPECT_EQ(ref, "task1");
        if (s_.task_state)
            return TaskStatus{*s_.task_state, "task1 problem: waiting for the registry"};
        s_.held = s_.task_result;
        return TaskStatus{TaskState::done, "done"};
    }

  private:
    RResult<Submitted> answer() {
        if (s_.lose_next_answer) {
            s_.lose_next_answer = false;
            RegistrarError e{ErrorKind::transient, "timed out", std::nullopt, 0};
            e.maybe_committed = true;
            return std::unexpected(e);
        }
        return Submitted{"", true};
    }
    FakeState& s_;
    Granularity g_;
};

class ReconcileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = (std::filesystem::temp_directory_path() /
                 ("zw-journal-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                    .string();
        std::filesystem::remove(path_);
        journal_.emplace(must(Journal::open(path_)));
    }
    void TearDown() override {
        journal_.reset();
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
    }
    ApiRegistrar reg(FakeState& s, Granularity g = Granularity::per_record) {
        return ApiRegistrar("fake", std::make_unique<FakeApi>(s, g), *journal_, log_,
                            ReconcileOptions{std::chrono::seconds(600), std::chrono::seconds(5)});
    }
    std::string path_;
    std::optional<Journal> journal_;
    NullLogSink log_;
    Instant t0 = Instant(std::chrono::seconds(1'800'000'000));
};

TEST_F(ReconcileTest, AddThenRemoveInTwoPassesWithJournalRows) {
    FakeState s;
    auto r = reg(s);
    auto first = r.apply(desired({key(1)}), t0);
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_EQ(first->state, ReceiptState::done);
    auto second = r.apply(desired({key(2)}), t0 + std::chrono::seconds(60));
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_EQ(second->state, ReceiptState::done);
    ASSERT_EQ(s.held.size(), 1u);
    EXPECT_EQ(s.held[0].public_key, key(2).public_key);
    auto h = must(journal_->history("child.test.", "fake"));
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[1].operation, Operation::add);
    EXPECT_EQ(h[2].operation, Operation::remove);  // after the addition, never before
    for (const auto& rec : h) EXPECT_EQ(rec.state, JournalState::done);
}

TEST_F(ReconcileTest, LaggingListingIsWaitedForNotResent) {
    FakeState s;
    s.lag = true;
    auto r = reg(s);
    auto a = r.apply(desired({key(1)}), t0);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->state, ReceiptState::in_progress);
    auto b = r.apply(desired({key(1)}), t0 + std::chrono::seconds(30));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->state, ReceiptState::in_progress);
    EXPECT_EQ(s.adds, 1);
    s.held = s.lagging;  // the registrar finally lists it
    auto c = r.apply(desired({key(1)}), t0 + std::chrono::seconds(60));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->state, ReceiptState::done);
    EXPECT_EQ(s.adds, 1);
}

TEST_F(ReconcileTest, LostAnswerAfterCommitIsTransientAndNotResent) {
    FakeState s;
    s.lag = true;
    s.lose_next_answer = true;
    auto r = reg(s);
    auto a = r.apply(desired({key(1)}), t0);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().kind, ErrorKind::transient);
    auto open = must(journal_->open_records("child.test.", "fake"));
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].state, JournalState::sent);
    auto b = r.apply(desired({key(1)}), t0 + std::chrono::seconds(10));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->state, ReceiptState::in_progress);
    EXPECT_EQ(s.adds, 1) << "a request whose answer was lost must not be sent again";
    s.held = s.lagging;
    auto c = r.apply(desired({key(1)}), t0 + std::chrono::seconds(20));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->state, ReceiptState::done);
    EXPECT_EQ(s.held.size(), 1u);
}

TEST_F(ReconcileTest, CrashBetweenSentAndAnsweredResumesFromDisk) {
    FakeState s;
    s.lag = true;
    // The process wrote "sent" and died: simulate with the row alone, then a new process.
    auto want = must(expand(desired({key(1)}), EntryView::dnskey));
    must(journal_->sent("child.test.", "fake", Operation::add, want, t0));
    s.lagging = want;  // the registrar had committed it
    journal_.reset();
    journal_.emplace(must(Journal::open(path_)));
    auto r = reg(s);
    auto a = r.apply(desired({key(1)}), t0 + std::chrono::seconds(5));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->state, ReceiptState::in_progress);
    EXPECT_EQ(s.adds, 0);
    s.held = s.lagging;
    auto b = r.apply(desired({key(1)}), t0 + std::chrono::seconds(15));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->state, ReceiptState::done);
    EXPECT_EQ(s.adds, 0);
}

TEST_F(ReconcileTest, ARequestThatNeverShowsIsResentAfterTheSettleWindow) {
    FakeState s;
    auto want = must(expand(desired({key(1)}), EntryView::dnskey));
    must(journal_->sent("child.test.", "fake", Operation::add, want, t0));
    auto r = reg(s);
    EXPECT_EQ(r.apply(desired({key(1)}), t0 + std::chrono::seconds(599))->state,
              ReceiptState::in_progress);
    EXPECT_EQ(s.adds, 0);
    auto late = r.apply(desired({key(1)}), t0 + std::chrono::seconds(601));
    ASSERT_TRUE(late);
    EXPECT_EQ(late->state, ReceiptState::done);
    EXPECT_EQ(s.adds, 1);
    auto h = must(journal_->history("child.test.", "fake"));
    EXPECT_EQ(h[0].state, JournalState::failed);
}

TEST_F(ReconcileTest, DefinitiveRefusalClosesTheRecordAndKeepsItsKind) {
    FakeState s;
    s.refuse = ErrorKind::invalid;
    auto r = reg(s);
    auto a = r.apply(desired({key(1)}), t0);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().kind, ErrorKind::invalid);
    EXPECT_TRUE(must(journal_->open_records("child.test.", "fake")).empty());
    s.refuse.reset();
    EXPECT_EQ(r.apply(desired({key(1)}), t0 + std::chrono::seconds(1))->state, ReceiptState::done);
    EXPECT_EQ(s.held.size(), 1u);
}

TEST_F(ReconcileTest, WholeSetRegistrarGetsOneReplaceAndGoesInsecureOnlyOnPurpose) {
    FakeState s;
    auto r = reg(s, Granularity::whole_set);
    EXPECT_EQ(r.apply(desired({key(1), key(2)}), t0)->state, ReceiptState::done);
    EXPECT_EQ(s.adds, 1);
    EXPECT_FALSE(r.apply(desired({}), t0).has_value());
    auto insecure = desired({});
    insecure.go_insecure = true;
    EXPECT_EQ(r.apply(insecure, t0)->state, ReceiptState::done);
    EXPECT_TRUE(s.held.empty());
}

TEST_F(ReconcileTest, ATaskThatFinishesAfterTheListingIsNotSentAgain) {
    FakeState s;
    s.tasks = true;
    auto r = reg(s, Granularity::whole_set);
    auto a = r.apply(desired({key(1)}), t0);
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->state, ReceiptState::done);
    auto b = r.apply(desired({key(2)}), t0 + std::chrono::seconds(10));
    ASSERT_TRUE(b) << b.error().describe();
    EXPECT_EQ(b->state, ReceiptState::done);
    EXPECT_EQ(s.adds, 2) << "one replace per change, even when the listing predates the task's end";
    ASSERT_EQ(s.held.size(), 1u);
    EXPECT_EQ(s.held[0].public_key, key(2).public_key);
}

TEST_F(ReconcileTest, AnUnknownTaskStatusIsWaitedForOnlyWithinTheSettleWindow) {
    // Liveness: a task in a state the adapter cannot place never holds the zone forever.
    FakeState s;
    s.tasks = true;
    s.task_state = TaskState::unknown;
    auto r = reg(s, Granularity::whole_set);
    auto a = r.apply(desired({key(1)}), t0);
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->state, ReceiptState::in_progress);
    auto b = r.apply(desired({key(1)}), t0 + std::chrono::seconds(599));
    ASSERT_TRUE(b) << b.error().describe();
    EXPECT_EQ(b->state, ReceiptState::in_progress);
    EXPECT_EQ(s.adds, 1) << "nothing is sent again while the task may still finish";
    auto c = r.apply(desired({key(1)}), t0 + std::chrono::seconds(601));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::invalid);
    EXPECT_NE(c.error().message.find("task1 problem"), std::string::npos) << c.error().message;
    EXPECT_TRUE(must(journal_->open_records("child.test.", "fake")).empty());
}

TEST_F(ReconcileTest, APendingTaskIsWaitedForAsLongAsTheRegistrarSaysSo) {
    FakeState s;
    s.tasks = true;
    s.task_state = TaskState::pending;
    auto r = reg(s, Granularity::whole_set);
    ASSERT_TRUE(r.apply(desired({key(1)}), t0));
    auto late = r.apply(desired({key(1)}), t0 + std::chrono::seconds(3600));
    ASSERT_TRUE(late) << late.error().describe();
    EXPECT_EQ(late->state, ReceiptState::in_progress);
    EXPECT_EQ(s.adds, 1);
}

TEST(JournalJson, EntriesRoundTrip) {
    auto e = must(expand(desired({key(1), key(2)}), EntryView::ds));
    e[0].id = "abc";
    auto back = must(entries_from_json(entries_to_json(e)));
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].id, "abc");
    EXPECT_TRUE(same_entry(back[1], e[1]));
    EXPECT_EQ(back[1].digest, e[1].digest);
    EXPECT_FALSE(entries_from_json("{").has_value());
}

}  // namespace
}  // namespace zw::registrar::test
