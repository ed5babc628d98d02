#include "app/key_material.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "base/directories.h"
#include "signer/key_directory.h"

namespace zw::app {

namespace fs = std::filesystem;

signer::KeyRole key_role(rollover::Role role) {
    switch (role) {
        case rollover::Role::ksk:
            return signer::KeyRole::ksk;
        case rollover::Role::zsk:
            return signer::KeyRole::zsk;
        case rollover::Role::csk:
            return signer::KeyRole::csk;
    }
    return signer::KeyRole::zsk;
}

Result<KeyMaterial> KeyMaterial::open(const std::string& dir, const dns::Name& zone) {
    // The parent key-dir holds every tenant's keys: it is as private as each zone's.
    if (auto made = make_directories(dir, key_directory_mode); !made) return fail(made.error());
    // A half without the other is a generation that did not finish or a purge that did
    // not (purge removes the .private first): the state names the keys it needs, and a
    // key it needs but cannot find is reported by whoever needs it.
    auto keys = signer::read_zone_keys(dir, zone, signer::LoneHalves::skip);
    if (!keys) return fail(keys.error());
    return KeyMaterial(dir, zone, std::move(*keys));
}

const signer::KeyPair* KeyMaterial::find(const rollover::KeyRef& key) const {
    if (!key.tag) return nullptr;
    for (const auto& k : keys_)
        if (k.tag() == *key.tag && k.algorithm() == key.algorithm) return &k;
    return nullptr;
}

Result<std::uint16_t> KeyMaterial::generate(const rollover::KeyRef& key, Instant now) {
    // A handful of draws is plenty: a zone has a few keys out of 65536 tags.
    for (int attempt = 0; attempt < 16; ++attempt) {
        auto made = signer::generate_key(zone_, key.algorithm, key_role(key.role), 0, now);
        if (!made) return fail(made.error());
        bool collides = std::ranges::any_of(keys_, [&](const signer::KeyPair& k) {
            return k.tag() == made->tag() && k.algorithm() == made->algorithm();
        });
        if (collides) continue;
        auto written = signer::write_key_pair(dir_, *made, key_role(key.role));
        if (!written) return fail(written.error());
        std::uint16_t tag = made->tag();
        keys_.push_back(std::move(*made));
        return tag;
    }
    return fail(
        internal_error(fmt::format("no free key tag for {} after 16 keys", zone_.to_text())));
}

Result<std::vector<const signer::KeyPair*>> KeyMaterial::adopt(const std::string& from) {
    auto found = signer::read_zone_keys(from, zone_);
    if (!found) return fail(found.error());
    if (found->empty())
        return fail(
            bad_input(fmt::format("no keys for {} in {} (expected K{}+AAA+TTTTT.key/.private)",
                                  zone_.to_text(), from, zone_.to_text())));
    std::vector<std::uint16_t> adopted;
    for (auto& k : *found) {
        if (find(rollover::KeyRef{0, k.algorithm(), rollover::Role::zsk, k.tag()})) {
            adopted.push_back(k.tag());
            continue;  // already copied (an earlier, interrupted onboard)
        }
        signer::KeyRole role = k.is_ksk() ? signer::KeyRole::ksk : signer::KeyRole::zsk;
        auto written = signer::write_key_pair(dir_, k, role);
        if (!written) return fail(written.error());
        adopted.push_back(k.tag());
        keys_.push_back(std::move(k));
    }
    std::vector<const signer::KeyPair*> out;
    for (const auto& k : keys_)
        if (std::ranges::find(adopted, k.tag()) != adopted.end()) out.push_back(&k);
    return out;
}

Result<void> KeyMaterial::purge(const rollover::KeyRef& key) {
    const signer::KeyPair* k = find(key);
    if (!k) return {};  // gone already: purging twice is harmless
    std::string base = (fs::path(dir_) / k->base_name()).string();
    std::error_code ec;
    // The public half last, mirroring write_key_pair: a lone .key is harmless.
    for (const char* ext : {".private", ".key"}) {
        fs::remove(base + ext, ec);
        if (ec)
            return fail(
                outside_error(fmt::format("cannot delete {}{}: {}", base, ext, ec.message())));
    }
    std::erase_if(keys_, [&](const signer::KeyPair& p) { return &p == k; });
    return {};
}

}  // namespace zw::app
