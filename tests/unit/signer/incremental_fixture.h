#pragma once
// A zone that random edits change the way incremental signing must get right, and a run
// of `sign --incremental` through the files it leaves, shared by the incremental tests.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "signer/signing_state.h"
#include "signer/zone_writer.h"
#include "signer_fixture.h"

namespace zw::signer {

// The zone as a set of record lines, so edits are simple and reproducible.
class EditableZone {
  public:
    EditableZone() {
        lines_ = {"@ SOA ns1 hostmaster 1 7200 3600 1209600 300",
                  "@ NS ns1",
                  "ns1 A 192.0.2.1",
                  "www A 192.0.2.80",
                  "*.pages A 192.0.2.81",
                  "a.deep.chain TXT \"x\"",
                  "secure NS ns.secure",
                  "secure DS 12345 13 2 " + std::string(64, 'a'),
                  "ns.secure A 192.0.2.53",
                  "insecure NS ns1.insecure",
                  "ns1.insecure A 192.0.2.54"};
        for (int i = 0; i < 60; ++i) lines_.insert(fmt::format("h{} A 198.51.100.{}", i, i));
        for (int i = 0; i < 12; ++i) {
            lines_.insert(fmt::format("d{} NS ns.d{}", i, i));
            lines_.insert(fmt::format("ns.d{} A 192.0.2.{}", i, 100 + i));
        }
    }

    // One random edit of the kinds incremental signing must get right.
    void edit(std::mt19937& rng) {
        auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
        int n = pick(60);
        switch (pick(8)) {
            case 0:
                lines_.insert(fmt::format("n{} AAAA 2001:db8::{:x}", n, pick(65535)));
                break;  // new name
            case 1:
                erase_any("h");
                break;  // delete
            case 2:
                lines_.insert(fmt::format("h{} TXT \"v{}\"", n, pick(1000)));
                break;  // new type
            case 3:
                lines_.insert(fmt::format("h{} A 203.0.113.{}", n, pick(250)));
                break;  // grow an RRset
            case 4:     // a delegation appears, with glue; DS half of the time
                lines_.insert(fmt::format("z{} NS ns.z{}", n, n));
                lines_.insert(fmt::format("ns.z{} A 192.0.2.{}", n, pick(250)));
                if (pick(2))
                    lines_.insert(
                        fmt::format("z{} DS {} 13 2 {}", n, pick(65535), std::string(64, 'b')));
                break;
            case 5:
                erase_any("d");
                erase_any("z");
                break;  // delegation, DS or glue goes
            case 6:
                lines_.insert(fmt::format("x.y{}.ent TXT \"deep\"", n));
                break;  // empty non-terminals
            case 7:
                erase_any("x.");
                break;  // and they go again
        }
        bump_serial();
    }

    [[nodiscard]] std::string text() const {
        std::string out = "$ORIGIN example.test.\n$TTL 3600\n";
        for (const auto& l : lines_) out += l + "\n";
        return out;
    }

  private:
    void erase_any(const std::string& prefix) {
        for (auto it = lines_.begin(); it != lines_.end(); ++it) {
            if (it->rfind(prefix, 0) == 0 &&
                (prefix != "d" || it->find(" NS ") != std::string::npos)) {
                // Removing a delegation's NS leaves its glue as ordinary data, as an operator
                // might.
                lines_.erase(it);
                return;
            }
        }
    }
    void bump_serial() {
        auto soa = std::find_if(lines_.begin(), lines_.end(),
                                [](const std::string& l) { return l.starts_with("@ SOA"); });
        lines_.erase(soa);
        lines_.insert(fmt::format("@ SOA ns1 hostmaster {} 7200 3600 1209600 300", ++serial_));
    }
    std::set<std::string> lines_;
    std::uint32_t serial_ = 1;
};

inline std::vector<KeyPair> ed25519_keys() {
    std::vector<KeyPair> keys;
    keys.push_back(make_key(dns::alg::ed25519, KeyRole::ksk));
    keys.push_back(make_key(dns::alg::ed25519, KeyRole::zsk));
    return keys;
}

inline std::string text_of(const SignedZone& sz) { return signed_zone_text(sz).value(); }

struct Mode {
    const char* name;
    std::optional<Nsec3Params> nsec3;
};

inline const Mode modes[] = {
    {"nsec", std::nullopt}, {"nsec3", Nsec3Params{}}, {"nsec3-optout", Nsec3Params{0, {}, true}}};

inline std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One run of `sign --incremental` as app/sign_job.cc makes it: output staged first, the
// state after it with the output's text index, both committed.
inline WrittenText write_output_and_state(const SignedZone& sz, const std::string& out,
                                          unsigned threads) {
    WrittenText written;
    EXPECT_TRUE(zones::commit(stage_signed_zone(sz, out, TextOptions{threads, 3}, &written)));
    EXPECT_TRUE(
        commit(stage_signing_state(sz, state_path_for(out), [&] { return written.index; })));
    return written;
}

// Every stored record, in order, as bytes: what a state holds, however it is stored.
inline std::vector<std::string> records_of(const SigningState& state) {
    std::vector<std::string> out;
    for (auto c = state.cursor(); !c.done(); c.next()) {
        const StoredRRset& r = c.get();
        std::string rec(1, r.nsec3_section ? '3' : '-');
        auto add = [&](std::span<const std::uint8_t> b) {
            rec.append(reinterpret_cast<const char*>(b.data()), b.size());
        };
        add(r.owner);
        rec += fmt::format("/{}/{}/{}/{}/", r.type, r.ttl, r.rdata_count, r.signature_count);
        add(r.rdatas);
        add(r.signatures);
        out.push_back(std::move(rec));
        EXPECT_EQ(c.ordinal() + 1, out.size());
    }
    return out;
}

inline bool has_delta(const std::string& out) {
    return std::filesystem::exists(delta_path_for(state_path_for(out)));
}

}  // namespace zw::signer
