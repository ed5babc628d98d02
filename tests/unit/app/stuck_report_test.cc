// A stuck zone in the three renderings of `status`: the text names the cycle of waits one
// per line, JSON has the state "stuck" and the waits, Prometheus a gauge per zone.
#include <gtest/gtest.h>

#include "app/status_report.h"

namespace zw::app {
namespace {

using rollover::Gate;
using rollover::Record;
using rollover::RecordState;
using rollover::Role;

const Instant t0{Seconds{1764000000}};

rollover::KeyState ksk(std::uint32_t id, std::uint16_t tag) {
    rollover::KeyState k;
    k.key = rollover::KeyRef{id, 13, Role::ksk, tag};
    return k;
}

ZoneStatus stuck_zone() {
    ZoneStatus z;
    z.info.name = "alpha.lab.";
    z.state.keys = {ksk(1, 24802), ksk(3, 60657)};
    rollover::Wait old_ds{1,
                          Record::ds,
                          Gate::policy,
                          t0,
                          std::nullopt,
                          "its successor's ds goes out first",
                          {{3, Record::ds}}};
    rollover::Wait new_ds{3,
                          Record::ds,
                          Gate::safety,
                          t0,
                          std::nullopt,
                          "ds hidden -> rumoured would be unsafe: rule 2",
                          {{1, Record::ds}}};
    z.stuck = rollover::Stuck{{old_ds, new_ds}, true};
    z.condition = "stuck";
    return z;
}

TEST(StuckReport, TextJsonAndPrometheusNameIt) {
    ZoneStatus z = stuck_zone();
    ZoneStatus calm;
    calm.info.name = "beta.lab.";
    calm.condition = "secure";
    std::vector<ZoneStatus> zones{z, calm};

    EXPECT_EQ(stuck_path(z.state, *z.stuck),
              "DS 24802 at parent -> DS 60657 at parent -> DS 24802 at parent");
    std::string text = status_text(zones, t0);
    EXPECT_NE(text.find("alpha.lab.  stuck"), std::string::npos) << text;
    EXPECT_NE(text.find("    DS 24802 at parent: policy: its successor's ds goes out first"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("    -> DS 60657 at parent: safety: "), std::string::npos) << text;
    EXPECT_NE(text.find("    -> back to DS 24802 at parent"), std::string::npos) << text;

    auto json = status_json(zones, t0);
    EXPECT_EQ(json["zones"][0]["state"], "stuck");
    EXPECT_EQ(json["zones"][0]["stuck"]["cycle"], true);
    EXPECT_EQ(json["zones"][0]["stuck"]["waits"][1]["tag"], 60657);
    EXPECT_EQ(json["zones"][0]["stuck"]["waits"][1]["gate"], "safety");
    EXPECT_TRUE(json["zones"][1]["stuck"].is_null());

    std::string prom = status_prometheus(zones, t0);
    EXPECT_NE(prom.find("zonewarden_stuck{zone=\"alpha.lab.\"} 1\n"), std::string::npos) << prom;
    EXPECT_NE(prom.find("zonewarden_stuck{zone=\"beta.lab.\"} 0\n"), std::string::npos) << prom;
    EXPECT_NE(prom.find("zonewarden_zone_state{zone=\"alpha.lab.\",state=\"stuck\"} 1"),
              std::string::npos)
        << prom;
}

TEST(StuckReport, AChainWithoutACycleEndsOnARecordThatStays) {
    ZoneStatus z = stuck_zone();
    z.stuck->waits.pop_back();
    z.stuck->cycle = false;
    auto lines = stuck_lines(z.state, *z.stuck);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines.back(), "-> which stays where it is");
    EXPECT_EQ(stuck_path(z.state, *z.stuck), "DS 24802 at parent");
}

}  // namespace
}  // namespace zw::app
