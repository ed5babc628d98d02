// Liveness over the whole state space of a rollover: a key and its successor, every
// combination of the states of their records (hidden, rumoured, omnipresent, unretentive),
// either goal for each, every rollover method, while the zone stays or is going insecure,
// with the other role settled. Whatever state a request finds a zone in, the engine must
// reach the end it now aims for: every key wanted settled in every cache, or nothing left.
// The world is perfect (driver.h), so only the policy and safety gates can stop it; states
// that no run produces are included, since a store or an older version could hold them.
#include <fmt/format.h>

#include "engine_test_util.h"

namespace zw::rollover::testing {
namespace {

constexpr S all_states[] = {S::hidden, S::rumoured, S::omnipresent, S::unretentive};

KeyState key_in(std::uint32_t id, Role role, Goal goal, const std::array<S, 4>& s, Instant t) {
    KeyState k;
    k.key = KeyRef{id, 13, role, static_cast<std::uint16_t>(id)};
    k.goal = goal;
    k.created = t;
    for (Record r : all_records) {
        if (!applies(role, r)) continue;
        S st = s[index(r)];
        k.at(r) = RecordStatus{st, t, st == S::rumoured || st == S::omnipresent, t};
    }
    return k;
}

bool at_the_end(const ZoneState& z) {
    if (z.going_insecure) return z.keys.empty();
    for (const auto& k : z.keys) {
        if (k.goal != Goal::omnipresent) return false;
        for (Record r : all_records)
            if (applies(k.key.role, r) && k.at(r).state != S::omnipresent) return false;
    }
    return !z.keys.empty();
}

struct Space {
    Role role;   // of the key pair; the other role is settled
    int method;  // KskMethod or ZskMethod, as a number
};

// Returns the states from which the end was not reached, described.
std::vector<std::string> explore(const Space& sp) {
    const std::vector<Record> records =
        sp.role == Role::zsk ? std::vector<Record>{Record::dnskey, Record::zrrsig}
                             : std::vector<Record>{Record::dnskey, Record::krrsig, Record::ds};
    const int method = sp.method;
    std::vector<std::string> failures;
    int combos = 1;
    for (std::size_t i = 0; i < records.size(); ++i) combos *= 4;
    for (bool insecure : {false, true})
        for (int a = 0; a < combos; ++a)
            for (int b = 0; b < combos; ++b)
                for (int goals = 0; goals < 4; ++goals) {
                    std::array<S, 4> sa{}, sb{};
                    for (int i = 0, x = a, y = b; i < static_cast<int>(records.size());
                         ++i, x /= 4, y /= 4) {
                        sa[index(records[static_cast<std::size_t>(i)])] = all_states[x % 4];
                        sb[index(records[static_cast<std::size_t>(i)])] = all_states[y % 4];
                    }
                    Driver d;
                    d.policy = test_policy();
                    d.policy.ksk_lifetime = d.policy.zsk_lifetime = std::nullopt;
                    if (sp.role == Role::zsk)
                        d.policy.zsk_method = static_cast<ZskMethod>(method);
                    else
                        d.policy.ksk_method = static_cast<KskMethod>(method);
                    const Instant t = d.now();
                    KeyState k1 =
                        key_in(1, sp.role, goals & 1 ? Goal::omnipresent : Goal::hidden, sa, t);
                    KeyState k2 =
                        key_in(2, sp.role, goals & 2 ? Goal::omnipresent : Goal::hidden, sb, t);
                    k1.successor = 2;
                    k2.predecessor = 1;
                    Role other = sp.role == Role::zsk ? Role::ksk : Role::zsk;
                    d.zone.keys = {
                        k1, k2,
                        key_in(3, other, Goal::omnipresent,
                               {S::omnipresent, S::omnipresent, S::omnipresent, S::omnipresent},
                               t)};
                    d.zone.next_key_id = 4;
                    d.zone.going_insecure = insecure;
                    d.run_for(Seconds{20 * 86400});
                    if (at_the_end(d.zone)) continue;
                    std::string what =
                        fmt::format("method {} insecure {} key 1 goal {} key 2 goal {}:", method,
                                    insecure, name(k1.goal), name(k2.goal));
                    for (Record r : records)
                        what += fmt::format(" {} {}/{}", name(r), name(sa[index(r)]),
                                            name(sb[index(r)]));
                    for (const auto& w : d.last.waiting_on)
                        what += fmt::format("; waits key {} {}: {}", w.key,
                                            w.record ? name(*w.record) : "-", w.why);
                    failures.push_back(what);
                }
    return failures;
}

class StateSpace : public ::testing::TestWithParam<Space> {};

TEST_P(StateSpace, FromEveryStateOfAKeyPairTheEngineReachesTheEnd) {
    auto failures = explore(GetParam());
    EXPECT_TRUE(failures.empty()) << failures.size() << " states, the first: " << failures.front();
}

// One entry per method, so that ctest runs them side by side.
INSTANTIATE_TEST_SUITE_P(Methods, StateSpace,
                         ::testing::Values(Space{Role::ksk, 0}, Space{Role::ksk, 1},
                                           Space{Role::ksk, 2}, Space{Role::zsk, 0},
                                           Space{Role::zsk, 1}),
                         [](const auto& info) {
                             std::string s = std::string(name(info.param.role)) + "_";
                             s += info.param.role == Role::zsk
                                      ? name(static_cast<ZskMethod>(info.param.method))
                                      : name(static_cast<KskMethod>(info.param.method));
                             for (auto& c : s)
                                 if (c == '-') c = '_';
                             return s;
                         });

}  // namespace
}  // namespace zw::rollover::testing
