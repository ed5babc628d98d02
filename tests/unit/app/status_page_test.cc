// The status page as HTML: its query parameters, the servers a wait names, and how it
// holds ten thousand zones (a page of them at a time, the states counted, the zones that
// need a human first, timelines drawn only for what is shown).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <regex>

#include "app/status_page.h"
#include "app/timeline_svg.h"

namespace {

using namespace zw;
using namespace zw::app;

const Instant now{Seconds{1'800'000'000}};

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

ZoneStatus zone(std::string name, std::string tenant, std::string condition) {
    ZoneStatus z;
    z.info = store::ZoneInfo{std::move(name), std::move(tenant), "default", "by-hand", ""};
    z.condition = std::move(condition);
    rollover::KeyState k;
    k.key = rollover::KeyRef{1, 13, rollover::Role::csk, 4242};
    for (auto r : rollover::all_records)
        k.at(r) = rollover::RecordStatus{
            rollover::RecordState::omnipresent, now - Seconds{86400}, true, {}};
    z.state.keys.push_back(k);
    return z;
}

TimelineSource counting(int& calls) {
    return [&calls](const ZoneStatus& z) -> Result<ZoneTimeline> {
        ++calls;
        ZoneTimeline tl{now - Seconds{3600}, now, now + Seconds{3600}, {}};
        TimelineKey k{
            z.state.keys.front().key, TimelineKeyKind::current, rollover::Goal::omnipresent, {}};
        for (auto r : rollover::all_records)
            k.bands.push_back(TimelineBand{
                r,
                {TimelineStretch{tl.from, now, rollover::RecordState::omnipresent, false, false},
                 TimelineStretch{now, tl.to, rollover::RecordState::omnipresent, false, true}}});
        tl.keys.push_back(k);
        return tl;
    };
}

TEST(StatusPage, QueryParametersAreDecodedAndBounded) {
    PageOptions o = page_options("q=Alpha%20x+y&state=rolling&page=3&per=99999&span=2d&junk=1");
    EXPECT_EQ(o.filter, "Alpha x y");
    EXPECT_EQ(o.state, "rolling");
    EXPECT_EQ(o.page, 3u);
    EXPECT_EQ(o.per_page, max_per_page);
    EXPECT_EQ(o.back, Seconds{2 * 86400});
    EXPECT_EQ(o.ahead, Seconds{2 * 86400});
    PageOptions bad = page_options("page=-1&per=abc&span=forever&q=%zz");
    EXPECT_EQ(bad.page, 1u);
    EXPECT_EQ(bad.per_page, 25u);
    EXPECT_EQ(bad.back, Seconds{14 * 86400});
    EXPECT_EQ(bad.filter, "%zz");
    EXPECT_EQ(page_options("span=1s").back, Seconds{60});
}

TEST(StatusPage, TheServersAWaitNamesAreFound) {
    std::string why =
        "DNSKEY 12345 not yet at every server (last check 2026-12-07T10:00:00Z: "
        "ns2.alpha.lab./127.53.0.5: no answer "
        "(timeout); ns1.alpha.lab./127.53.0.4: serial 5 older than 6; ns2.alpha.lab./127.53.0.5: "
        "no answer)";
    EXPECT_EQ(blocking_servers(why),
              (std::vector<std::string>{"ns2.alpha.lab./127.53.0.5", "ns1.alpha.lab./127.53.0.4"}));
    EXPECT_TRUE(blocking_servers("waits for the TTL: 5 of 10 s").empty());
    EXPECT_EQ(blocking_servers("(last check T: ns.x./[::1]:5353: timeout)"),
              (std::vector<std::string>{"ns.x./[::1]:5353"}));
}

TEST(StatusPage, NamesAreEscaped) {
    std::vector<ZoneStatus> zones{zone("a<b>.example.", "<script>alert(1)</script>", "secure")};
    int calls = 0;
    std::string page = status_page(zones, now, {}, counting(calls));
    EXPECT_EQ(page.find("<script>alert"), std::string::npos);
    EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(page.find("a&lt;b&gt;.example."), std::string::npos);
}

TEST(StatusPage, TenThousandZonesArePagedWithTheTroubledFirst) {
    std::vector<ZoneStatus> zones;
    for (int i = 0; i < 10000; ++i) {
        std::string cond = i % 100 == 7 ? "rolling" : i % 1000 == 3 ? "securing" : "secure";
        zones.push_back(
            zone(fmt::format("z{:05}.example.", i), fmt::format("tenant-{}", i % 40), cond));
    }
    zones[9876].error = "no policy named 'gone'";
    zones[5000].waiting.push_back(
        rollover::Wait{1, rollover::Record::dnskey, rollover::Gate::observation, now - Seconds{600},
                       std::nullopt, "(last check T: ns2.x./192.0.2.2: no answer)"});
    int calls = 0;
    auto t0 = std::chrono::steady_clock::now();
    std::string page = status_page(zones, now, page_options("per=25"), counting(calls));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(calls, 25);
    EXPECT_EQ(count(page, "<li class=\"zone\""), 25u);
    EXPECT_LT(page.size(), 250'000u) << page.size();
    EXPECT_LT(seconds, 2.0);
    EXPECT_NE(page.find(">all 10000</a>"), std::string::npos);
    EXPECT_NE(page.find(">secure 9890</a>"), std::string::npos);
    EXPECT_NE(page.find(">rolling 100</a>"), std::string::npos);
    EXPECT_NE(page.find(">securing 10</a>"), std::string::npos);
    EXPECT_NE(page.find("zones 1\u20132"
                        "5 of 10000"),
              std::string::npos);
    // The zone with an error, then the one waiting on a server, then the moving ones.
    auto first = page.find("<li class=\"zone\"");
    EXPECT_EQ(page.find("data-name=\"z09876.example.\"", first), page.find("data-name=", first));
    EXPECT_LT(page.find("z09876.example."), page.find("z05000.example."));
    EXPECT_LT(page.find("z05000.example."), page.find("z00007.example."));
    EXPECT_NE(page.find("<code class=\"server\">ns2.x./192.0.2.2</code>"), std::string::npos);
    // Pages: the first two, the last two and those near the current one, not 400 links.
    EXPECT_LT(count(page, "?page="), 20u);
    EXPECT_NE(page.find("?page=400&amp;per=25"), std::string::npos);
    EXPECT_EQ(page.find("<script>"), std::string::npos);  // the daemon's page needs no script

    calls = 0;
    std::string filtered = status_page(
        zones, now, page_options("q=TENANT-7&state=rolling&page=2&per=2"), counting(calls));
    EXPECT_EQ(calls, 2);
    EXPECT_NE(filtered.find("zones 3\u20134 of"), std::string::npos);
    std::regex names("data-name=\"z(\\d{5})\\.example\\.\"");
    for (auto it = std::sregex_iterator(filtered.begin(), filtered.end(), names);
         it != std::sregex_iterator(); ++it) {
        int i = std::stoi((*it)[1]);
        EXPECT_EQ(i % 40, 7) << i;
        EXPECT_EQ(i % 100, 7) << i;
    }

    // Past the last page: the last page.
    calls = 0;
    std::string past = status_page(zones, now, page_options("page=999999"), counting(calls));
    EXPECT_NE(past.find("zones 9976\u201310000 of 10000"), std::string::npos);
}

TEST(StatusPage, TheReportHoldsEveryZoneAndPagesWithAScript) {
    std::vector<ZoneStatus> zones;
    for (int i = 0; i < 300; ++i)
        zones.push_back(zone(fmt::format("r{}.example.", i), "t", "secure"));
    int calls = 0;
    PageOptions o;
    o.every_zone = true;
    std::string page = status_page(zones, now, o, counting(calls));
    EXPECT_EQ(calls, 300);
    EXPECT_EQ(count(page, "<li class=\"zone\""), 300u);
    EXPECT_NE(page.find("<script>"), std::string::npos);
    EXPECT_EQ(page.find("src="), std::string::npos);  // nothing loaded from anywhere
    EXPECT_EQ(page.find("http://"), std::string::npos);
    EXPECT_EQ(count(page, "https://"), 0u);
}

TEST(StatusPage, NoZonesYet) {
    int calls = 0;
    std::string page = status_page({}, now, {}, counting(calls));
    EXPECT_NE(page.find("no zones yet"), std::string::npos);
    EXPECT_EQ(calls, 0);
}

}  // namespace
