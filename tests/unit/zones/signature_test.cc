#include "zones/signature.h"

#include <gtest/gtest.h>

#include <vector>

namespace zw::zones {
namespace {

TEST(Signature, AnOwnedSignatureIsACopyAndCopiesDeeply) {
    std::vector<std::uint8_t> source{1, 2, 3, 4};
    Signature owned(source);
    source[0] = 9;  // the signature made its own copy
    EXPECT_EQ(owned[0], 1);
    EXPECT_FALSE(owned.is_borrowed());
    Signature copy = owned;
    EXPECT_NE(copy.data(), owned.data());
    EXPECT_EQ(copy, owned);
    Signature moved = std::move(copy);
    EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): a moved-from signature is empty
    EXPECT_EQ(moved, owned);
    moved = Signature(std::vector<std::uint8_t>{7});
    EXPECT_EQ(moved.size(), 1u);
}

TEST(Signature, ABorrowedSignatureViewsTheBytesItWasGiven) {
    std::vector<std::uint8_t> storage{5, 6, 7};
    Signature view = Signature::borrowed(storage);
    EXPECT_TRUE(view.is_borrowed());
    EXPECT_EQ(view.data(), storage.data());
    Signature copy = view;  // still a view of the same bytes
    EXPECT_EQ(copy.data(), storage.data());
    storage[1] = 0;
    EXPECT_EQ(copy[1], 0);
    EXPECT_EQ(copy, Signature(std::vector<std::uint8_t>{5, 0, 7}));
    EXPECT_FALSE(Signature().is_borrowed());
}

}  // namespace
}  // namespace zw::zones
