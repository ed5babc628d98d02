// A run that changed little writes its state as a delta against the base file (random
// edits through the files: incremental_test.cc). A delta that belongs to another base or
// is damaged must never be applied, and one is written only against the base that was read.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "incremental_fixture.h"
#include "signer/signing_state.h"

namespace zw::signer {
namespace {

struct DeltaBesideBase {
    std::vector<KeyPair> keys = ed25519_keys();
    KeyUse use = select_keys(keys, t_now).value();
    SigningParams p = params_at(t_now);
    dns::Name origin = dns::Name::from_text("example.test.").value();
    testutil::TempDir dir;
    std::string out = dir.file("zone.signed");
    std::string path = state_path_for(out);
    EditableZone zone;
    std::mt19937 rng{5};

    // Signs the zone after one more edit against the state on disk, and writes both.
    SignedZone next() {
        zone.edit(rng);
        auto state = SigningState::read(path, origin).value();
        auto inc = sign_zone_incremental(load_zone(zone.text().c_str()), use, p, *state).value();
        write_output_and_state(inc, out, 1);
        return inc;
    }
};

// The full state is renamed over the base before the old delta is removed: a crash in
// between leaves a delta naming the old base, which must not be applied to the new one.
TEST(StateDelta, ADeltaLeftBesideANewBaseIsIgnored) {
    DeltaBesideBase s;
    write_output_and_state(sign_zone(load_zone(s.zone.text().c_str()), s.use, s.p).value(), s.out,
                           1);
    (void)s.next();
    ASSERT_TRUE(has_delta(s.out));
    const std::string delta = file_text(delta_path_for(s.path));

    // A zone signed without a state gives a full state, and the delta goes.
    s.zone.edit(s.rng);
    auto fresh = sign_zone(load_zone(s.zone.text().c_str()), s.use, s.p).value();
    write_output_and_state(fresh, s.out, 1);
    ASSERT_FALSE(has_delta(s.out));
    std::ofstream(delta_path_for(s.path), std::ios::binary) << delta;

    auto read = SigningState::read(s.path, s.origin);
    ASSERT_TRUE(read && read->has_value()) << (read ? "" : read.error().message);
    EXPECT_EQ(records_of(**read), records_of(SigningState::of(fresh)));
}

TEST(StateDelta, ADamagedDeltaIsRefusedByName) {
    DeltaBesideBase s;
    write_output_and_state(sign_zone(load_zone(s.zone.text().c_str()), s.use, s.p).value(), s.out,
                           1);
    (void)s.next();
    ASSERT_TRUE(has_delta(s.out));
    std::string delta = file_text(delta_path_for(s.path));
    delta[delta.size() / 2] ^= 0x01;
    std::ofstream(delta_path_for(s.path), std::ios::binary | std::ios::trunc) << delta;
    auto read = SigningState::read(s.path, s.origin);
    ASSERT_FALSE(read);
    EXPECT_NE(read.error().message.find("checksum"), std::string::npos) << read.error().message;
    EXPECT_NE(read.error().message.find(".delta"), std::string::npos) << read.error().message;
}

// A delta names base records by their place, so one is written only against the very
// base file that was read: a base replaced since (restored from a backup, say) gets a
// full state.
TEST(StateDelta, ABaseReplacedSinceItWasReadGetsAFullState) {
    DeltaBesideBase s;
    write_output_and_state(sign_zone(load_zone(s.zone.text().c_str()), s.use, s.p).value(), s.out,
                           1);
    s.zone.edit(s.rng);
    auto state = SigningState::read(s.path, s.origin).value();
    auto inc = sign_zone_incremental(load_zone(s.zone.text().c_str()), s.use, s.p, *state).value();
    std::filesystem::copy_file(s.path, s.path + ".copy");
    std::filesystem::rename(s.path + ".copy", s.path);
    write_output_and_state(inc, s.out, 1);
    EXPECT_FALSE(has_delta(s.out));
    EXPECT_EQ(records_of(*SigningState::read(s.path, s.origin).value()),
              records_of(SigningState::of(inc)));

    // With the base left alone, the same zone goes out as a delta.
    (void)s.next();
    EXPECT_TRUE(has_delta(s.out));
}

}  // namespace
}  // namespace zw::signer
