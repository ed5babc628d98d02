#include "app/yaml_tree.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace zw::app {
namespace {

TEST(YamlTree, KeepsEachPlaceAndTheFileOrder) {
    auto t = parse_yaml_tree("b: 1\na:\n  - x\n  - { y: 2 }\n", "/etc/zw/zw.yaml");
    ASSERT_TRUE(t) << t.error().describe();
    ASSERT_EQ(t->entries.size(), 2u);
    EXPECT_EQ(t->entries[0].key, "b");
    EXPECT_EQ(t->entries[0].value.text, "1");
    EXPECT_EQ(t->entries[0].value.mark.column, 4u);
    const ConfigNode* a = t->find("a");
    ASSERT_TRUE(a);
    ASSERT_EQ(a->kind, ConfigNode::Kind::list);
    ASSERT_EQ(a->items.size(), 2u);
    EXPECT_EQ(a->items[1].find("y")->mark.line, 4u);
    EXPECT_EQ(a->items[1].find("y")->mark.source->dir, "/etc/zw");
}

// A few lines of aliases would expand to a million values; the reader stops early.
TEST(YamlTree, AliasesCannotExpandWithoutBound) {
    std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    const char* names = "abcdef";
    for (int i = 1; i < 6; ++i) {
        std::string prev(1, names[i - 1]);
        text += fmt::format("{0}: &{0} [", names[i]);
        for (int j = 0; j < 10; ++j) text += (j ? ", *" : "*") + prev;
        text += "]\n";
    }
    auto t = parse_yaml_tree(text, "zw.yaml");
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().message.find("too many values"), std::string::npos) << t.error().describe();
}

TEST(YamlTree, KeysAreSingleWords) {
    auto t = parse_yaml_tree("? [a, b]\n: 1\n", "zw.yaml");
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().describe().find("zw.yaml:1:"), std::string::npos) << t.error().describe();
}

}  // namespace
}  // namespace zw::app
