#include "base/inline_vector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace zw {
namespace {

// Counts live objects, so every path that constructs also destroys.
struct Tracked {
    static inline int alive = 0;
    std::string text;
    explicit Tracked(std::string t) : text(std::move(t)) { ++alive; }
    Tracked(const Tracked& o) : text(o.text) { ++alive; }
    Tracked(Tracked&& o) noexcept : text(std::move(o.text)) { ++alive; }
    Tracked& operator=(const Tracked&) = default;
    Tracked& operator=(Tracked&&) noexcept = default;
    ~Tracked() { --alive; }
    friend bool operator==(const Tracked& a, const Tracked& b) { return a.text == b.text; }
};

std::vector<std::string> texts(const InlineVector<Tracked>& v) {
    std::vector<std::string> out;
    for (const auto& t : v) out.push_back(t.text);
    return out;
}

// Strings too long for the small-string buffer, so a lost move or copy shows as a leak.
std::string long_text(int i) {
    return "a string longer than any small-string buffer #" + std::to_string(i);
}

TEST(InlineVector, KeepsOneElementInPlaceAndMovesToTheHeapForTwo) {
    {
        InlineVector<Tracked> v;
        EXPECT_TRUE(v.empty());
        v.emplace_back(long_text(0));
        EXPECT_FALSE(v.on_heap());
        EXPECT_EQ(v.size(), 1u);
        v.emplace_back(long_text(1));
        v.push_back(Tracked(long_text(2)));
        EXPECT_TRUE(v.on_heap());
        EXPECT_EQ(texts(v), (std::vector<std::string>{long_text(0), long_text(1), long_text(2)}));
        EXPECT_EQ(Tracked::alive, 3);
    }
    EXPECT_EQ(Tracked::alive, 0);
}

TEST(InlineVector, CopiesAndMovesInPlaceAndHeapContents) {
    for (int n : {0, 1, 2, 5}) {
        {
            InlineVector<Tracked> v;
            for (int i = 0; i < n; ++i) v.emplace_back(long_text(i));
            InlineVector<Tracked> copy(v);
            EXPECT_EQ(copy, v);
            InlineVector<Tracked> moved(std::move(v));
            EXPECT_EQ(moved, copy);
            EXPECT_TRUE(v.empty());  // NOLINT: moved-from is empty and usable
            v.emplace_back(long_text(9));
            InlineVector<Tracked> assigned;
            assigned.emplace_back(long_text(7));
            assigned = moved;
            EXPECT_EQ(assigned, copy);
            assigned = std::move(v);
            EXPECT_EQ(texts(assigned), std::vector<std::string>{long_text(9)});
            EXPECT_EQ(Tracked::alive, 2 * n + 1);  // copy, moved and assigned
        }
        EXPECT_EQ(Tracked::alive, 0) << n;
    }
}

TEST(InlineVector, PushingAnElementOfItselfWhenFullCopiesItBeforeGrowing) {
    {
        InlineVector<Tracked> v;
        v.emplace_back(long_text(0));
        v.push_back(v[0]);  // full: the argument lives in the storage that grows
        v.push_back(v[1]);
        EXPECT_EQ(texts(v), (std::vector<std::string>{long_text(0), long_text(0), long_text(0)}));
    }
    EXPECT_EQ(Tracked::alive, 0);
}

TEST(InlineVector, SortsAndErasesLikeAVector) {
    InlineVector<int> v{5, 3, 5, 1, 3};
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    EXPECT_EQ(std::vector<int>(v.begin(), v.end()), (std::vector<int>{1, 3, 5}));
    v.erase(v.begin());
    EXPECT_EQ(v.front(), 3);
    EXPECT_EQ(v.back(), 5);
    EXPECT_EQ(v.at(1), 5);
    EXPECT_THROW((void)v.at(2), std::out_of_range);
    std::span<const int> view = v;
    EXPECT_EQ(view.size(), 2u);
    v.clear();
    EXPECT_TRUE(v.empty());
    v.reserve(8);
    EXPECT_GE(v.capacity(), 8u);
}

}  // namespace
}  // namespace zw
