#include "app/hooks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "../../testutil/temp_dir.h"

namespace zw::app {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(Hooks, SubstitutedValuesCannotBecomeShellSyntax) {
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(expand_hook("reload {zone} {file} {other}",
                          {{"zone", "a.example"}, {"file", "/x/$(rm -rf)"}}),
              "reload 'a.example' '/x/$(rm -rf)' {other}");
    testutil::TempDir dir;
    std::string out = dir.file("out");
    HookRun run{expand_hook("printf '%s' {v} > " + shell_quote(out), {{"v", "a'b; touch pwned"}}),
                {},
                "",
                Seconds{10}};
    ASSERT_TRUE(run_hook(run));
    EXPECT_EQ(slurp(out), "a'b; touch pwned");
}

TEST(Hooks, EnvironmentAndStdinReachTheCommand) {
    testutil::TempDir dir;
    std::string out = dir.file("out");
    HookRun run{"{ printf '%s|' \"$ZW_ZONE\"; cat; } > " + shell_quote(out),
                {{"ZW_ZONE", "alpha.lab."}},
                "the message\n",
                Seconds{10}};
    ASSERT_TRUE(run_hook(run));
    EXPECT_EQ(slurp(out), "alpha.lab.|the message\n");
}

TEST(Hooks, FailureAndTimeoutAreOutsideErrors) {
    auto failed = run_hook(HookRun{"exit 7", {}, "", Seconds{10}});
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().kind, ErrorKind::outside);
    EXPECT_NE(failed.error().message.find("status 7"), std::string::npos);
    // Everything the hook started goes with it: a grandchild keeping the pipe open would
    // make the pipe's reader wait.
    auto started = std::chrono::steady_clock::now();
    auto slow = run_hook(HookRun{"sleep 30 & sleep 30; true", {}, "", Seconds{1}});
    ASSERT_FALSE(slow);
    EXPECT_NE(slow.error().message.find("killed"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    // A hook that ignores its stdin must not block the pass.
    EXPECT_TRUE(run_hook(HookRun{"true", {}, std::string(1 << 20, 'x'), Seconds{10}}));
}

}  // namespace
}  // namespace zw::app
