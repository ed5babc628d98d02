// cds, manual and command: the registrars that cannot list. Real child processes for
// command (small /bin/sh programs written by the test).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "dns/encoding.h"
#include "dns/rdata.h"
#include "fixtures.h"
#include "registrar/cds.h"
#include "registrar/factory.h"
#include "registrar/manual.h"

namespace zw::registrar::test {
namespace {

TEST(Cds, CdsAndCdnskeyNameTheSameKeys) {
    auto d = desired({key(1), key(2)});
    auto req = cds_request(d, 300);
    ASSERT_TRUE(req) << req.error().describe();
    EXPECT_FALSE(req->delete_form);
    ASSERT_EQ(req->cds.size(), 2u);
    ASSERT_EQ(req->cdnskey.size(), 2u);
    std::set<std::pair<std::uint16_t, std::uint8_t>> from_cds, from_cdnskey;
    for (const auto& rr : req->cds) {
        EXPECT_EQ(rr.type, dns::rrtype::CDS);
        EXPECT_EQ(rr.ttl, 300u);
        EXPECT_EQ(rr.owner, d.zone);
        from_cds.insert({dns::read_u16(rr.rdata.data()), rr.rdata[2]});
    }
    for (const auto& rr : req->cdnskey) {
        EXPECT_EQ(rr.type, dns::rrtype::CDNSKEY);
        from_cdnskey.insert({dns::key_tag(rr.rdata), rr.rdata[3]});
    }
    EXPECT_EQ(from_cds, from_cdnskey);
    // The CDS RDATA is exactly the DS the parent should end up with (RFC 7344 §3.1).
    EXPECT_EQ(req->cds[0].rdata, *dns::ds_rdata(d.zone, key(1).rdata(), dns::digest::sha256));
    EXPECT_EQ(req->cdnskey[1].rdata, key(2).rdata());
}

TEST(Cds, DeleteFormOnlyWhenGoingInsecure) {
    auto d = desired({});
    d.go_insecure = true;
    auto req = cds_request(d, 300);
    ASSERT_TRUE(req);
    EXPECT_TRUE(req->delete_form);
    ASSERT_EQ(req->cds.size(), 1u);
    ASSERT_EQ(req->cdnskey.size(), 1u);
    EXPECT_EQ(req->cds[0].rdata, (dns::Bytes{0, 0, 0, 0, 0}));      // RFC 8078 §4: 0 0 0 00
    EXPECT_EQ(req->cdnskey[0].rdata, (dns::Bytes{0, 0, 3, 0, 0}));  // 0 3 0 AA==
    EXPECT_FALSE(cds_request(desired({}), 300).has_value());
}

class NonListing : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("zw-nonlisting-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        journal_.emplace(must(Journal::open((dir_ / "state.db").string())));
    }
    void TearDown() override {
        journal_.reset();
        std::filesystem::remove_all(dir_);
    }
    std::string script(const std::string& name, const std::string& body) {
        auto p = (dir_ / name).string();
        std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
        ::chmod(p.c_str(), 0700);
        return p;
    }
    std::unique_ptr<Registrar> command(const std::string& program,
                                       const std::string& timeout = "5s") {
        return must(
            make_registrar("cmd", {{"type", "command"}, {"program", program}, {"timeout", timeout}},
                           *journal_, log_));
    }
    int runs() {
        std::ifstream in(dir_ / "runs");
        return static_cast<int>(std::count(std::istreambuf_iterator<char>(in), {}, '\n'));
    }
    std::filesystem::path dir_;
    std::optional<Journal> journal_;
    NullLogSink log_;
    Instant t0 = Instant(std::chrono::seconds(1'800'000'000));
};

TEST_F(NonListing, CdsRequestIsJournaledOncePerSet) {
    auto r = must(make_registrar("scan", {{"type", "cds"}, {"ttl", "600"}}, *journal_, log_));
    auto a = r->apply(desired({key(1)}), t0);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->state, ReceiptState::publish_cds);
    ASSERT_TRUE(a->cds_request);
    EXPECT_EQ(a->cds_request->cds[0].ttl, 600u);
    auto b = r->apply(desired({key(1)}), t0 + std::chrono::seconds(60));
    EXPECT_EQ(b->journal_id, a->journal_id);
    auto c = r->apply(desired({key(2)}), t0 + std::chrono::seconds(120));
    EXPECT_NE(c->journal_id, a->journal_id);
    EXPECT_EQ(must(journal_->history("child.test.", "scan")).size(), 2u);
    EXPECT_EQ(r->list(name("child.test.")).error().kind, ErrorKind::unsupported);
}

TEST_F(NonListing, ManualSaysExactlyWhatToSubmit) {
    auto r =
        must(make_registrar("human", {{"type", "manual"}, {"ds-ttl", "3600"}}, *journal_, log_));
    auto a = r->apply(desired({key(1)}), t0);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->state, ReceiptState::needs_operator);
    auto ds = *dns::ds_rdata(name("child.test."), key(1).rdata(), 2);
    auto hex = dns::hex_encode(std::span(ds).subspan(4));
    auto line = fmt::format("child.test. 3600 IN DS {} 13 2 {}", dns::key_tag(key(1).rdata()), hex);
    EXPECT_NE(a->instructions.find(line), std::string::npos) << a->instructions;
    EXPECT_NE(a->instructions.find(dns::base64_encode(key(1).public_key)), std::string::npos);
    EXPECT_NE(a->detail.find(format_instant(t0)), std::string::npos);
    auto later = r->apply(desired({key(1)}), t0 + std::chrono::seconds(3600));
    EXPECT_NE(later->detail.find(format_instant(t0)), std::string::npos)
        << "since the first request";
    auto insecure = desired({});
    insecure.go_insecure = true;
    EXPECT_NE(r->apply(insecure, t0)->instructions.find("remove ALL DS"), std::string::npos);
}

TEST_F(NonListing, CommandGetsTheSetAsJsonAndIsNotRerunForTheSameSet) {
    ::setenv("ZW_CMD_DIR", dir_.c_str(), 1);
    auto prog = script(
        "ok", R"(cat > "$ZW_CMD_DIR/input.json"; echo run >> "$ZW_CMD_DIR/runs"; echo "took it")");
    auto r = command(prog);
    auto a = r->apply(desired({key(1), key(2)}), t0);
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->state, ReceiptState::done);
    EXPECT_EQ(a->detail, "took it");
    std::ifstream in(dir_ / "input.json");
    auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["zone"], "child.test.");
    EXPECT_EQ(j["go_insecure"], false);
    ASSERT_EQ(j["ds"].size(), 2u);
    EXPECT_EQ(j["ds"][0]["key_tag"], dns::key_tag(key(1).rdata()));
    EXPECT_EQ(j["dnskeys"][1]["public_key"], dns::base64_encode(key(2).public_key));
    EXPECT_EQ(j["request_id"], *a->journal_id);
    EXPECT_EQ(r->apply(desired({key(1), key(2)}), t0)->state, ReceiptState::done);
    EXPECT_EQ(runs(), 1);
    EXPECT_EQ(r->apply(desired({key(2)}), t0)->state, ReceiptState::done);
    EXPECT_EQ(runs(), 2);
}

TEST_F(NonListing, CommandExitStatusesAreTypedErrors) {
    for (auto [status, kind] :
         std::initializer_list<std::pair<int, ErrorKind>>{{65, ErrorKind::invalid},
                                                          {67, ErrorKind::not_found},
                                                          {77, ErrorKind::authentication},
                                                          {78, ErrorKind::unsupported},
                                                          {75, ErrorKind::transient},
                                                          {1, ErrorKind::transient}}) {
        auto r = command(script("exit" + std::to_string(status),
                                "cat >/dev/null; echo \"nope " + std::to_string(status) +
                                    "\" >&2; exit " + std::to_string(status)));
        auto a = r->apply(desired({key(1)}), t0);
        ASSERT_FALSE(a) << status;
        EXPECT_EQ(a.error().kind, kind) << status;
        EXPECT_NE(a.error().message.find("nope " + std::to_string(status)), std::string::npos);
    }
    auto pending = command(script("later", "cat >/dev/null; echo queued; exit 10"));
    EXPECT_EQ(pending->apply(desired({key(1)}), t0)->state, ReceiptState::in_progress);
}

TEST_F(NonListing, CommandIsKilledAfterItsTimeout) {
    auto r = command(script("slow", "sleep 30"), "1s");
    auto start = std::chrono::steady_clock::now();
    auto a = r->apply(desired({key(1)}), t0);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().kind, ErrorKind::transient);
    EXPECT_NE(a.error().message.find("timed out"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(NonListing, FactoryRefusesBadSettings) {
    EXPECT_FALSE(
        make_registrar("x", {{"type", "command"}, {"program", "relative/path"}}, *journal_, log_));
    EXPECT_FALSE(make_registrar("x", {{"type", "nope"}}, *journal_, log_));
    EXPECT_FALSE(make_registrar("x", {{"type", "cds"}, {"ttl", "abc"}}, *journal_, log_));
    auto typo = make_registrar("x", {{"type", "manual"}, {"ds-tll", "60"}}, *journal_, log_);
    ASSERT_FALSE(typo);
    EXPECT_NE(typo.error().message.find("ds-tll"), std::string::npos);
    // There is no setting that turns certificate verification off.
    auto insecure = make_registrar(
        "x", {{"type", "gandi"}, {"token-env", "PATH"}, {"verify", "false"}}, *journal_, log_);
    ASSERT_FALSE(insecure);
    EXPECT_NE(insecure.error().message.find("registrar x: verify: unknown field"),
              std::string::npos);
    EXPECT_FALSE(make_registrar(
        "x", {{"type", "gandi"}, {"token-env", "PATH"}, {"url", "http://127.0.0.1/"}}, *journal_,
        log_));
}

}  // namespace
}  // namespace zw::registrar::test
