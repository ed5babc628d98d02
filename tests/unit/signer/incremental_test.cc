// Incremental signing must give the zone a full sign gives: after random edits (records
// added, removed, changed; delegations and DS added and removed; empty non-terminals made
// and emptied) the output is byte for byte the full sign's with Ed25519 (deterministic
// signatures) at the same time, and the work done is proportional to the edit.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "base/unique_fd.h"
#include "dns/encoding.h"
#include "dns/rdata.h"
#include "dns/rrsig.h"
#include "incremental_fixture.h"
#include "signer/signing_state.h"
#include "signer/verify_zone.h"
#include "signer/zone_writer.h"

namespace zw::signer {
namespace {

TEST(IncrementalSigning, RandomEditsGiveTheFullSignByteForByte) {
    auto keys = ed25519_keys();
    auto use = select_keys(keys, t_now).value();
    for (const Mode& mode : modes) {
        SCOPED_TRACE(mode.name);
        SigningParams p = params_at(t_now);
        p.nsec3 = mode.nsec3;
        EditableZone zone;
        std::mt19937 rng(7);
        SigningState state =
            SigningState::of(sign_zone(load_zone(zone.text().c_str()), use, p).value());
        for (int step = 0; step < 25; ++step) {
            zone.edit(rng);
            SCOPED_TRACE(fmt::format("after edit {}", step + 1));
            SigningStats inc_stats, full_stats;
            auto inc =
                sign_zone_incremental(load_zone(zone.text().c_str()), use, p, state, &inc_stats);
            ASSERT_TRUE(inc) << inc.error().message;
            auto full = sign_zone(load_zone(zone.text().c_str()), use, p, &full_stats);
            ASSERT_TRUE(full) << full.error().message;
            ASSERT_EQ(text_of(*inc), text_of(*full));
            // O(change): the SOA, the edited RRsets and a few chain links, never the zone.
            EXPECT_LE(inc_stats.signatures, 12u) << zone.text();
            EXPECT_EQ(inc_stats.signatures + inc_stats.signatures_reused, full_stats.signatures);
            EXPECT_GT(inc_stats.signatures_reused, full_stats.signatures / 2);
            state = SigningState::of(*inc);
        }
    }
}

std::uint32_t expiration_of(std::span<const std::uint8_t> rrsig) {
    return dns::read_u32(rrsig.data() + 8);
}

// Everything but the RRSIG timing and signature bytes, which differ when signatures are kept.
std::map<std::string, std::multiset<std::string>> content(const SignedZone& sz) {
    std::map<std::string, std::multiset<std::string>> out;
    sz.for_each_node([&](const zones::Node& node) {
        for (const auto& set : node.rrsets) {
            auto& entry = out[node.name.to_text() + "/" + dns::type_to_text(set.type) + "/" +
                              std::to_string(set.ttl)];
            for (const auto& r : set.rdatas) entry.insert(dns::hex_encode(r));
            for (const auto& s : set.signatures) {
                entry.insert("RRSIG " + dns::hex_encode(std::span(s).first(8)) +
                             dns::hex_encode(std::span(s).subspan(16, 2)));
            }
        }
    });
    return out;
}

TEST(IncrementalSigning, RenewsInsideTheRefreshPointSpreadByJitterAndKeepsTheRest) {
    auto keys = ed25519_keys();
    auto use = select_keys(keys, t_now).value();
    SigningParams p = params_at(t_now);  // validity 14d, jitter 12h, refresh 5d
    EditableZone zone;
    SigningState state =
        SigningState::of(sign_zone(load_zone(zone.text().c_str()), use, p).value());

    // 8d 18h on, what is left of each signature is 5d 6h minus its jitter (0 to 12h): about
    // half fall inside the 5d refresh point.
    SigningParams later = p;
    later.now = t_now + Seconds{8 * 86400 + 18 * 3600};
    SigningStats stats;
    auto inc =
        sign_zone_incremental(load_zone(zone.text().c_str()), use, later, state, &stats).value();
    EXPECT_GT(stats.signatures_reused, 20u);
    EXPECT_GT(stats.signatures_renewed, 20u);
    EXPECT_EQ(stats.signatures, stats.signatures_renewed);
    const std::uint32_t now = dns::to_sig_time(later.now);
    inc.for_each_node([&](const zones::Node& node) {
        for (const auto& set : node.rrsets)
            for (const auto& s : set.signatures)
                EXPECT_GT(expiration_of(s) - now, static_cast<std::uint32_t>(later.refresh.count()))
                    << node.name.to_text();
    });
    // Every signature, kept or new, verifies when nothing is trusted.
    EXPECT_TRUE(verify_zone(inc, later.now, 2));
    auto full = sign_zone(load_zone(zone.text().c_str()), use, later).value();
    EXPECT_EQ(content(inc), content(full));

    // Past the refresh point for all of them, nothing is kept.
    later.now = t_now + Seconds{10 * 86400};
    stats = {};
    (void)sign_zone_incremental(load_zone(zone.text().c_str()), use, later, state, &stats).value();
    EXPECT_EQ(stats.signatures_reused, 0u);

    // A shorter validity renews what would outlive a fresh signature, however far off its end.
    SigningParams shorter = p;
    shorter.validity = Seconds{7 * 86400};
    shorter.refresh = Seconds{86400};
    stats = {};
    (void)sign_zone_incremental(load_zone(zone.text().c_str()), use, shorter, state, &stats)
        .value();
    EXPECT_EQ(stats.signatures_reused, 0u);
    EXPECT_GT(stats.signatures_renewed, 50u);
}

TEST(IncrementalSigning, KeysThatLeaveLeaveNoSignatureAndKeysThatJoinSignEverything) {
    auto keys = ed25519_keys();
    keys.push_back(make_key(dns::alg::ed25519, KeyRole::zsk));
    const KeyPair &ksk = keys[0], &zsk1 = keys[1], &zsk2 = keys[2];
    SigningParams p = params_at(t_now);
    EditableZone zone;
    KeyUse before{{&ksk, &zsk1}, {&ksk}, {&zsk1}};
    SigningStats first;
    SigningState state =
        SigningState::of(sign_zone(load_zone(zone.text().c_str()), before, p, &first).value());

    auto tags = [](const SignedZone& sz) {
        std::multiset<std::uint16_t> out;
        sz.for_each_node([&](const zones::Node& node) {
            for (const auto& set : node.rrsets)
                for (const auto& s : set.signatures) out.insert(dns::read_u16(s.data() + 16));
        });
        return out;
    };
    // Double signature: zsk2 joins and signs every RRset; zsk1's signatures are kept.
    KeyUse both{{&ksk, &zsk1, &zsk2}, {&ksk}, {&zsk1, &zsk2}};
    SigningStats stats;
    auto doubled =
        sign_zone_incremental(load_zone(zone.text().c_str()), both, p, state, &stats).value();
    auto t = tags(doubled);
    EXPECT_EQ(t.count(zsk2.tag()), t.count(zsk1.tag()));
    EXPECT_EQ(text_of(doubled),
              text_of(sign_zone(load_zone(zone.text().c_str()), both, p).value()));
    EXPECT_GT(stats.signatures_reused, 0u);

    // zsk1 leaves: not one of its signatures may stay, though all are still fresh.
    KeyUse after{{&ksk, &zsk2}, {&ksk}, {&zsk2}};
    stats = {};
    auto rolled = sign_zone_incremental(load_zone(zone.text().c_str()), after, p,
                                        SigningState::of(doubled), &stats)
                      .value();
    EXPECT_EQ(tags(rolled).count(zsk1.tag()), 0u);
    EXPECT_GT(stats.signatures_dropped, 0u);
    EXPECT_EQ(text_of(rolled),
              text_of(sign_zone(load_zone(zone.text().c_str()), after, p).value()));
}

// The same random edits through the files a run leaves: the state read back from disk,
// and the output written over the previous one, copying the text of chunks of nodes that
// did not change. The file must be the full sign's text byte for byte, and the state read
// back, whether written in full or as a delta against its base, the zone's record for record.
TEST(IncrementalSigning,
     RandomEditsThroughTheFilesCopyUnchangedTextAndGiveTheFullSignsTextAndState) {
    auto keys = ed25519_keys();
    auto use = select_keys(keys, t_now).value();
    const dns::Name origin = dns::Name::from_text("example.test.").value();
    for (const Mode& mode : modes) {
        SCOPED_TRACE(mode.name);
        SigningParams p = params_at(t_now);
        p.nsec3 = mode.nsec3;
        testutil::TempDir dir;
        const std::string out = dir.file("zone.signed");
        EditableZone zone;
        std::mt19937 rng(11);
        write_output_and_state(sign_zone(load_zone(zone.text().c_str()), use, p).value(), out, 1);
        std::uint64_t copied = 0, total = 0;
        int deltas = 0, full_states = 0;
        for (int step = 0; step < 30; ++step) {
            zone.edit(rng);
            SCOPED_TRACE(fmt::format("after edit {}", step + 1));
            auto state = SigningState::read(state_path_for(out), origin);
            ASSERT_TRUE(state && state->has_value())
                << (state ? "no state" : state.error().message);
            ASSERT_FALSE((*state)->text().chunks.empty());
            auto inc = sign_zone_incremental(load_zone(zone.text().c_str()), use, p, **state);
            ASSERT_TRUE(inc) << inc.error().message;
            state->reset();
            WrittenText written = write_output_and_state(*inc, out, 1 + step % 2);
            auto full = sign_zone(load_zone(zone.text().c_str()), use, p).value();
            ASSERT_EQ(file_text(out), text_of(full));
            EXPECT_EQ(written.bytes, file_text(out).size());
            EXPECT_LT(written.copied_bytes, written.bytes);  // the SOA changes every time
            copied += written.copied_bytes;
            total += written.bytes;

            has_delta(out) ? ++deltas : ++full_states;
            auto back = SigningState::read(state_path_for(out), origin);
            ASSERT_TRUE(back && back->has_value()) << (back ? "no state" : back.error().message);
            const SigningState expected = SigningState::of(*inc);
            ASSERT_EQ(records_of(**back), records_of(expected));
            EXPECT_EQ((*back)->keys(), expected.keys());
            EXPECT_EQ((*back)->nsec3().has_value(), expected.nsec3().has_value());
        }
        // Most of the text of each run is the previous run's (the edits are small).
        EXPECT_GT(copied, total / 2);
        // Small edits write deltas; as they add up past an eighth of the base, the base is
        // written again.
        EXPECT_GT(deltas, 10);
        EXPECT_GT(full_states, 0);
    }
}

// Text is copied only from the file the state was written with: an output edited in
// place (same size, new modification time) or replaced is formatted again, in full.
TEST(IncrementalSigning, AnOutputChangedSinceTheStateIsNotCopiedFrom) {
    auto keys = ed25519_keys();
    auto use = select_keys(keys, t_now).value();
    const SigningParams p = params_at(t_now);
    const dns::Name origin = dns::Name::from_text("example.test.").value();
    EditableZone zone;
    auto text = zone.text();
    testutil::TempDir dir;
    const std::string out = dir.file("zone.signed");
    auto again = [&] {
        auto state = SigningState::read(state_path_for(out), origin).value();
        auto inc = sign_zone_incremental(load_zone(text.c_str()), use, p, *state).value();
        return std::pair(write_output_and_state(inc, out, 2), text_of(inc));
    };
    const std::string expected = text_of(sign_zone(load_zone(text.c_str()), use, p).value());
    write_output_and_state(sign_zone(load_zone(text.c_str()), use, p).value(), out, 1);

    auto [untouched, untouched_text] = again();
    EXPECT_EQ(untouched.copied_bytes,
              untouched.bytes - untouched.index.head_bytes);  // all but the SOA
    EXPECT_EQ(file_text(out), expected);

    // Same size, one byte changed in the middle of the text, as an edit in place would.
    std::string damaged = file_text(out);
    damaged[damaged.size() / 2] ^= 0x20;
    {
        std::ofstream f(out, std::ios::binary | std::ios::trunc);
        f << damaged;
    }
    auto [after_edit, after_edit_text] = again();
    EXPECT_EQ(after_edit.copied_bytes, 0u);
    EXPECT_EQ(file_text(out), expected);

    // Replaced by a copy of itself: another inode.
    std::filesystem::copy_file(out, out + ".copy");
    std::filesystem::rename(out + ".copy", out);
    auto [replaced, replaced_text] = again();
    EXPECT_EQ(replaced.copied_bytes, 0u);
    EXPECT_EQ(file_text(out), expected);

    // And a missing output leaves nothing to copy, not an error.
    std::filesystem::remove(out);
    auto [missing, missing_text] = again();
    EXPECT_EQ(missing.copied_bytes, 0u);
    EXPECT_EQ(file_text(out), expected);
}

// An edit in place that keeps the output's size, inode and modification time (one byte
// rewritten, the time set back) passes the file identity test; the chunk digests catch it:
// the edited chunk is formatted afresh, the others are still copied.
TEST(IncrementalSigning, AnEditInPlaceThatKeepsSizeInodeAndTimeIsNotCopied) {
    auto keys = ed25519_keys();
    auto use = select_keys(keys, t_now).value();
    const SigningParams p = params_at(t_now);
    const dns::Name origin = dns::Name::from_text("example.test.").value();
    EditableZone zone;
    const auto text = zone.text();
    testutil::TempDir dir;
    const std::string out = dir.file("zone.signed");
    const std::string expected = text_of(sign_zone(load_zone(text.c_str()), use, p).value());
    write_output_and_state(sign_zone(load_zone(text.c_str()), use, p).value(), out, 1);

    struct ::stat before {};
    ASSERT_EQ(::stat(out.c_str(), &before), 0);
    const std::string original = file_text(out);
    const std::size_t at = original.find("198.51.100.7\n");
    ASSERT_NE(at, std::string::npos);
    {
        UniqueFd fd(::open(out.c_str(), O_WRONLY | O_CLOEXEC));
        ASSERT_TRUE(fd);
        ASSERT_EQ(::pwrite(fd.get(), "Z", 1, static_cast<off_t>(at + 11)), 1);  // 198.51.100.Z
        const struct ::timespec times[2] = {before.st_atim, before.st_mtim};
        ASSERT_EQ(::futimens(fd.get(), times), 0);
    }
    struct ::stat after {};
    ASSERT_EQ(::stat(out.c_str(), &after), 0);
    ASSERT_EQ(identity_of(after), identity_of(before));
    ASSERT_NE(file_text(out), original);

    auto state = SigningState::read(state_path_for(out), origin).value();
    auto inc = sign_zone_incremental(load_zone(text.c_str()), use, p, *state).value();
    const WrittenText written = write_output_and_state(inc, out, 2);
    EXPECT_EQ(file_text(out), expected);
    EXPECT_EQ(file_text(out).find("198.51.100.Z"), std::string::npos);
    EXPECT_GT(written.copied_bytes, 0u);
    EXPECT_LT(written.copied_bytes, written.bytes - written.index.head_bytes);
}

// A zone signed in full with Ed25519, and where its state goes in a fresh directory.
struct SignedWithStatePath {
    std::vector<KeyPair> keys = ed25519_keys();
    KeyUse use = select_keys(keys, t_now).value();
    SigningParams p = params_at(t_now);
    EditableZone zone;
    SignedZone full = sign_zone(load_zone(zone.text().c_str()), use, p).value();
    testutil::TempDir dir;
    std::string path = state_path_for(dir.path() + "/zone.signed");
    dns::Name origin = dns::Name::from_text("example.test.").value();
};

TEST(IncrementalSigning, TheStateFileRoundTripsAndIsRefusedWhenDamagedOrForAnotherZone) {
    SignedWithStatePath s;
    auto& [keys, use, p, zone, sz, dir, path, origin] = s;

    auto missing = SigningState::read(path, origin);
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());

    ASSERT_TRUE(write_signing_state(sz, path));
    auto read = SigningState::read(path, origin);
    ASSERT_TRUE(read && read->has_value()) << (read ? "" : read.error().message);
    SigningStats stats;
    auto again =
        sign_zone_incremental(load_zone(zone.text().c_str()), use, p, **read, &stats).value();
    EXPECT_EQ(stats.signatures, 0u);
    EXPECT_EQ(text_of(again), text_of(sz));

    EXPECT_FALSE(SigningState::read(path, dns::Name::from_text("other.test.").value()));

    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    char c = 0;
    f.read(&c, 1);
    f.seekp(200);
    c = static_cast<char>(c ^ 0x01);
    f.write(&c, 1);
    f.close();
    auto damaged = SigningState::read(path, origin);
    ASSERT_FALSE(damaged);
    EXPECT_NE(damaged.error().message.find("checksum"), std::string::npos);

    // A state of the first format (signed RRsets only, no text index) is named as such.
    std::ofstream(path, std::ios::binary | std::ios::trunc) << "ZWSTATE1" << std::string(64, '\0');
    auto old = SigningState::read(path, origin);
    ASSERT_FALSE(old);
    EXPECT_NE(old.error().message.find("older zonewarden"), std::string::npos)
        << old.error().message;
}

// Kept signatures are read where they lie in the state, not copied: the zone must keep
// the state's bytes alive after the state itself is gone.
TEST(IncrementalSigning, KeptSignaturesAreBorrowedAndOutliveTheStateTheyCameFrom) {
    SignedWithStatePath s;
    auto& [keys, use, p, zone, full, dir, path, origin] = s;
    ASSERT_TRUE(write_signing_state(full, path));
    std::optional<SignedZone> again;
    {
        auto state = SigningState::read(path, origin).value();
        ASSERT_TRUE(state);
        again = sign_zone_incremental(load_zone(zone.text().c_str()), use, p, *state).value();
    }  // the state, and the caller's hold on its mapping, end here
    std::size_t borrowed = 0, total = 0;
    again->for_each_node([&](const zones::Node& node) {
        for (const auto& set : node.rrsets)
            for (const auto& s : set.signatures) {
                ++total;
                borrowed += s.is_borrowed();
            }
    });
    EXPECT_EQ(borrowed, total);
    EXPECT_GT(total, 100u);
    std::filesystem::remove(path);  // the mapping outlives the file's name too
    EXPECT_TRUE(verify_zone(*again, t_now, 2));
    EXPECT_EQ(text_of(*again), text_of(full));
}

}  // namespace
}  // namespace zw::signer
