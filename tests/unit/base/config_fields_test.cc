#include "base/config_fields.h"

#include <gtest/gtest.h>

namespace zw {
namespace {

TEST(ConfigFields, ReadsTypedValuesAndLeavesAbsentOnesAlone) {
    ConfigNode map{{"ttl", "600"}, {"timeout", "1m30s"}, {"name", "parent"}};
    Fields f(map, "registrar r: ");
    std::int64_t ttl = 3600;
    Seconds timeout{5}, poll{7};
    std::string name, missing = "kept";
    EXPECT_TRUE(f.integer("ttl", ttl, 0, 86400));
    EXPECT_TRUE(f.duration("timeout", timeout));
    EXPECT_FALSE(f.duration("poll", poll));
    EXPECT_TRUE(f.text("name", name));
    EXPECT_FALSE(f.text("absent", missing));
    EXPECT_TRUE(f.finish());
    EXPECT_EQ(ttl, 600);
    EXPECT_EQ(timeout, Seconds{90});
    EXPECT_EQ(poll, Seconds{7});
    EXPECT_EQ(name, "parent");
    EXPECT_EQ(missing, "kept");
}

TEST(ConfigFields, AKeyNoReaderAskedForIsAnError) {
    ConfigNode map{{"type", "cds"}, {"tll", "60"}};
    Fields f(map, "registrar r: ");
    std::string type;
    f.text("type", type);
    auto done = f.finish();
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "registrar r: tll: unknown field");
    EXPECT_EQ(done.error().kind, ErrorKind::config);
}

TEST(ConfigFields, TheFirstMistakeIsKept) {
    ConfigNode map{{"port", "70000"}, {"timeout", "soon"}};
    Fields f(map, "", "http");
    int port = 0;
    Seconds timeout{1};
    EXPECT_FALSE(f.integer("port", port, 1, 65535));
    EXPECT_FALSE(f.duration("timeout", timeout));
    auto done = f.finish();
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message,
              "http.port: expected a whole number from 1 to 65535, not '70000'");
    EXPECT_EQ(timeout, Seconds{1});
}

TEST(ConfigFields, RequiredTextRefusesAbsentAndEmpty) {
    ConfigNode map{{"server", ""}};
    std::string v;
    Fields empty(map, "registrar r: ");
    EXPECT_FALSE(empty.required_text("server", v));
    EXPECT_EQ(empty.status().error().message, "registrar r: 'server' is required");
    Fields absent(map, "registrar r: ");
    EXPECT_FALSE(absent.required_text("program", v));
    EXPECT_FALSE(absent.status());
}

TEST(ConfigFields, ChoicesAndInnerMaps) {
    enum class Method { a, b };
    ConfigNode inner{{"method", "c"}};
    ConfigNode outer;
    outer.entries.push_back(ConfigEntry{"ksk", {}, inner});
    Fields f(outer, "policy p: ");
    Method m = Method::a;
    f.map("ksk", [&](Fields& k) {
        k.choice("method", m, {{"a", Method::a}, {"b", Method::b}}, "method");
    });
    auto done = f.finish();
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "policy p: ksk.method: unknown method 'c' (one of a, b)");
}

TEST(ConfigFields, ASingleValueWhereAMapBelongsAndTheReverse) {
    ConfigNode outer{{"dns", "127.0.0.1"}};
    outer.entries.push_back(ConfigEntry{"threads", {}, ConfigNode{{"x", "1"}}});
    Fields f(outer);
    EXPECT_FALSE(f.map("dns", [](Fields&) {}));
    EXPECT_EQ(f.status().error().message, "dns: expected a map");
    Fields g(outer);
    int threads = 0;
    EXPECT_FALSE(g.integer("threads", threads, 1, 256));
    EXPECT_EQ(g.status().error().message, "threads: expected a single value");
}

TEST(ConfigFields, RelativePathsFollowTheFileTheyWereReadFrom) {
    auto source = std::make_shared<const ConfigSource>(ConfigSource{"/etc/zw/zw.yaml", "/etc/zw"});
    ConfigNode map{{"state", "state/../db"}, {"key-dir", "/var/keys"}};
    for (auto& e : map.entries) e.value.mark = ConfigMark{source, 3, 8};
    Fields f(map);
    std::string state, keys;
    EXPECT_TRUE(f.path("state", state));
    EXPECT_TRUE(f.path("key-dir", keys));
    EXPECT_EQ(state, "/etc/zw/db");
    EXPECT_EQ(keys, "/var/keys");
    ConfigNode empty{{"state", ""}};
    for (auto& e : empty.entries) e.value.mark = ConfigMark{source, 3, 8};
    Fields g(empty);
    EXPECT_FALSE(g.path("state", state));
    EXPECT_EQ(g.status().error().describe(), "/etc/zw/zw.yaml:3:8: state: empty path");
}

}  // namespace
}  // namespace zw
