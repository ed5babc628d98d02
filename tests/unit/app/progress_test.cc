// The progress line's text, and that it draws nothing where it must not.
#include <gtest/gtest.h>

#include <thread>

#include "app/daemon_metrics.h"
#include "app/progress.h"

namespace {

using zw::app::progress_text;
using zw::app::ProgressState;

TEST(Progress, RateAndTimeLeft) {
    EXPECT_EQ(progress_text(ProgressState{"signing x.", 41000, 120000, "signatures"}, 2.0),
              "zonewarden: signing x.: 41,000/120,000 signatures (34%), 20,500/s, about 4s left");
    EXPECT_EQ(progress_text(ProgressState{"onboarding zones", 3, 1000, "zones"}, 2.0),
              "zonewarden: onboarding zones: 3/1,000 zones (0%), 1.5/s, about 11m05s left");
    EXPECT_EQ(progress_text(ProgressState{"reading big.zone", 0, 0, ""}, 3.2),
              "zonewarden: reading big.zone (3s)");
    EXPECT_EQ(progress_text(ProgressState{"signing x.", 0, 10, "signatures"}, 0.0),
              "zonewarden: signing x.: 0/10 signatures (0%), starting");
    EXPECT_EQ(progress_text(ProgressState{"checking x.", 10, 10, "names"}, 1.0),
              "zonewarden: checking x.: 10/10 names (100%), 10/s");
}

TEST(Progress, DisabledDrawsNothing) {
    int asked = 0;
    {
        zw::app::ProgressLine line(
            [&] {
                ++asked;
                return ProgressState{"x", 1, 2, "u"};
            },
            false);
        std::this_thread::sleep_for(std::chrono::milliseconds(450));
    }
    EXPECT_EQ(asked, 0);
}

TEST(DaemonMetrics, CountersInTheExpositionFormat) {
    zw::app::DaemonMetrics m(zw::Instant{zw::Seconds{1'700'000'000}});
    m.pass_done(zw::Instant{zw::Seconds{1'700'000'060}}, 1.5, 3, 1);
    m.pass_done(zw::Instant{zw::Seconds{1'700'000'120}}, 0.5, 3, 0);
    m.registrar_submission("lab-\"update\"", false);
    m.registrar_submission("lab-\"update\"", true);
    zw::live::ZoneReport r;
    zw::live::ParentServerReport parent;
    parent.where = zw::live::ServerAddress{*zw::dns::Name::from_text("ns1.lab."),
                                           zw::live::Server{"192.0.2.1", 53}};
    r.parent.push_back(parent);
    zw::live::ChildServerReport child;
    child.where = zw::live::ServerAddress{*zw::dns::Name::from_text("ns2.z.lab."),
                                          zw::live::Server{"192.0.2.2", 53}};
    child.fault = zw::live::ServerFault::timeout;
    r.child.push_back(child);
    m.live_check_done(r);
    m.live_check_done(r);
    std::string t = m.prometheus();
    for (const char* line :
         {"zonewarden_pass_duration_seconds_sum 2.000000\n",
          "zonewarden_pass_duration_seconds_count 2\n",
          "zonewarden_last_pass_timestamp_seconds 1700000120\n",
          "zonewarden_zone_pass_failures_total 1\n",
          "zonewarden_registrar_submissions_total{registrar=\"lab-\\\"update\\\"\"} 2\n",
          "zonewarden_registrar_errors_total{registrar=\"lab-\\\"update\\\"\"} 1\n",
          "zonewarden_live_check_server_checks_total{server=\"ns1.lab./192.0.2.1\"} 2\n",
          "zonewarden_live_check_server_checks_total{server=\"ns2.z.lab./192.0.2.2\"} 2\n",
          "zonewarden_live_check_server_errors_total{server=\"ns2.z.lab./"
          "192.0.2.2\",fault=\"timeout\"} 2\n",
          "# TYPE zonewarden_pass_duration_seconds summary\n"})
        EXPECT_NE(t.find(line), std::string::npos) << line << "\n" << t;
    EXPECT_EQ(t.find("server=\"ns1.lab./192.0.2.1\",fault"), std::string::npos);
}

}  // namespace
