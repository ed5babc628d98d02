// build_zone sorts by precomputed byte keys instead of comparing names; the result must be
// RFC 4034 §6.1 canonical order exactly, including labels holding the bytes the keys
// escape (0x00, 0x01), labels that extend one another, and names of different depths.

#include <gtest/gtest.h>

#include <random>

#include "zones/build.h"

namespace zw::zones {
namespace {

dns::Name random_name(std::mt19937& rng, const dns::Name& origin, int max_label) {
    static const std::uint8_t alphabet[] = {0x00, 0x01, 0x02, '*', '-', '0', 'a', 'b', 0x7f, 0xff};
    std::string wire;
    int labels = 1 + static_cast<int>(rng() % 3);
    for (int l = 0; l < labels; ++l) {
        int len = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_label));
        wire += static_cast<char>(len);
        for (int i = 0; i < len; ++i) wire += static_cast<char>(alphabet[rng() % sizeof alphabet]);
    }
    wire += origin.wire();
    auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size());
    return dns::Name::from_wire(bytes).value();
}

// Short labels and long ones: long keys that tie on the first sixteen bytes, which the
// sort compares without looking at the key itself.
class BuildOrder : public testing::TestWithParam<int> {};

TEST_P(BuildOrder, NodesAreInCanonicalOrderForAwkwardLabels) {
    auto origin = dns::Name::from_text("example.test.").value();
    std::mt19937 rng(11);
    ReadResult read;
    read.files = {"test"};
    auto add = [&](const dns::Name& owner, std::uint16_t type, dns::Bytes rdata) {
        read.records.push_back(SourcedRr{dns::Rr{owner, type, 300, std::move(rdata)}, {}});
    };
    add(origin, dns::rrtype::SOA,
        dns::Bytes{0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1});
    add(origin, dns::rrtype::NS, dns::Bytes(origin.bytes().begin(), origin.bytes().end()));
    add(origin, dns::rrtype::A, dns::Bytes{192, 0, 2, 1});
    // A third of the records are at a name already used, and a third below one: names that
    // share all their upper labels, and nodes of several types.
    std::vector<dns::Name> used;
    for (int i = 0; i < 3000; ++i) {
        dns::Name owner = random_name(rng, origin, GetParam());
        if (!used.empty() && rng() % 3 == 0) {
            owner = used[rng() % used.size()];
        } else if (!used.empty() && rng() % 2 == 0) {
            const dns::Name& parent = used[rng() % used.size()];
            if (parent.wire().size() + 3 * (GetParam() + 1) <= 255)
                owner = random_name(rng, parent, GetParam());
        }
        used.push_back(owner);
        add(owner, (rng() % 2) ? dns::rrtype::A : dns::rrtype::TXT,
            dns::Bytes{static_cast<std::uint8_t>(rng()), 1, 2, 3});
    }
    Diagnostics diag;
    Zone zone = build_zone(origin, std::move(read), diag);
    ASSERT_GT(zone.nodes.size(), 1000u);
    for (std::size_t i = 1; i < zone.nodes.size(); ++i) {
        ASSERT_LT(dns::canonical_compare(zone.nodes[i - 1].name, zone.nodes[i].name), 0)
            << zone.nodes[i - 1].name.to_text() << " then " << zone.nodes[i].name.to_text();
        for (std::size_t t = 1; t < zone.nodes[i].rrsets.size(); ++t)
            ASSERT_LT(zone.nodes[i].rrsets[t - 1].type, zone.nodes[i].rrsets[t].type);
        for (const auto& set : zone.nodes[i].rrsets)
            ASSERT_TRUE(std::is_sorted(set.rdatas.begin(), set.rdatas.end(), dns::rdata_less));
    }
}

INSTANTIATE_TEST_SUITE_P(LabelLengths, BuildOrder, testing::Values(3, 12, 30));

}  // namespace
}  // namespace zw::zones
