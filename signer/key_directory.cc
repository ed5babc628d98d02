#include "signer/key_directory.h"

#include <dirent.h>
#include <fmt/format.h>
#include <strings.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "base/c_handle.h"

namespace zw::signer {

namespace {

constexpr unsigned private_half = 1, public_half = 2;
constexpr std::string_view private_suffix = ".private", public_suffix = ".key";
// K<zone>+AAA+TTTTT.private: the zone is what comes between the K and "+AAA+TTTTT".
constexpr std::size_t tag_tail = std::string_view("+AAA+TTTTT").size();

// Calls fn(file name) for each entry of dir. readdir in place: a hosting provider's key
// directory holds tens of thousands of files, and building a path object for each name
// made the scan most of the cost of signing a small zone.
template <typename Fn>
Result<void> for_each_entry(const std::string& dir, Fn fn) {
    std::unique_ptr<DIR, Free<closedir>> d(::opendir(dir.c_str()));
    if (!d)
        return fail(
            bad_input(fmt::format("cannot read key directory {}: {}", dir, std::strerror(errno))));
    struct stat st {};
    if (::fstat(::dirfd(d.get()), &st) != 0)
        return fail(
            bad_input(fmt::format("cannot read key directory {}: {}", dir, std::strerror(errno))));
    if (auto ok = check_key_directory(dir, st); !ok) return fail(ok.error());
    while (const dirent* entry = ::readdir(d.get())) fn(std::string_view(entry->d_name));
    return {};
}

bool ends_with_nocase(std::string_view file, std::string_view suffix) {
    return file.size() > suffix.size() && ::strncasecmp(file.data() + file.size() - suffix.size(),
                                                        suffix.data(), suffix.size()) == 0;
}

// Which half of a key pair the file is (0: not a key file), and its name without extension.
std::pair<unsigned, std::string_view> key_file_half(std::string_view file) {
    for (auto [half, suffix] :
         {std::pair{private_half, private_suffix}, {public_half, public_suffix}}) {
        if (!ends_with_nocase(file, suffix)) continue;
        std::string_view base = file.substr(0, file.size() - suffix.size());
        if (base.size() > 1 + tag_tail && (base[0] == 'K' || base[0] == 'k') &&
            base[base.size() - tag_tail] == '+')
            return {half, base};
        return {0, {}};
    }
    return {0, {}};
}

std::string_view zone_part(std::string_view base) {
    return base.substr(1, base.size() - 1 - tag_tail);
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Error lone_half_error(const std::string& base, unsigned halves) {
    if (halves == public_half)
        return bad_input(
            fmt::format("{}.key has no .private beside it: the private half of that key is "
                        "missing, and signing without it "
                        "would leave the key out. Restore {}.private, or move the .key away if the "
                        "key is retired",
                        base, base));
    return bad_input(
        fmt::format("{}.private has no .key beside it: the key's generation did not finish (the "
                    ".key is put in place last). "
                    "Remove {}.private, or restore its .key",
                    base, base));
}

Result<std::vector<KeyPair>> read_bases(const KeyDirectory::Bases& bases, const dns::Name& zone,
                                        LoneHalves lone) {
    std::vector<KeyPair> keys;
    for (const auto& [base, halves] : bases) {  // in file-name order
        if (halves != (private_half | public_half)) {
            if (lone == LoneHalves::refuse) return fail(lone_half_error(base, halves));
            continue;
        }
        auto key = read_key_pair(base);
        if (!key) return fail(key.error());
        if (key->zone() != zone) {
            return fail(bad_input(fmt::format("{}.key is for {}, not {}", base,
                                              key->zone().to_text(), zone.to_text())));
        }
        keys.push_back(std::move(*key));
    }
    return keys;
}

}  // namespace

Result<std::vector<KeyPair>> read_zone_keys(const std::string& dir, const dns::Name& zone,
                                            LoneHalves lone) {
    // Compared without case, in place: zone names are case-insensitive, and BIND writes
    // the %XX of a file name in capitals.
    const std::string zone_text = dns::file_name_text(zone);
    KeyDirectory::Bases bases;
    auto scanned = for_each_entry(dir, [&](std::string_view file) {
        auto [half, base] = key_file_half(file);
        if (half == 0) return;
        auto z = zone_part(base);
        if (z.size() == zone_text.size() &&
            ::strncasecmp(z.data(), zone_text.data(), z.size()) == 0)
            bases[(std::filesystem::path(dir) / base).string()] |= half;
    });
    if (!scanned) return fail(scanned.error());
    return read_bases(bases, zone, lone);
}

Result<KeyDirectory> KeyDirectory::scan(const std::string& dir) {
    KeyDirectory index;
    auto scanned = for_each_entry(dir, [&](std::string_view file) {
        auto [half, base] = key_file_half(file);
        if (half == 0) return;
        index.zones_[lowercase(zone_part(base))][(std::filesystem::path(dir) / base).string()] |=
            half;
    });
    if (!scanned) return fail(scanned.error());
    return index;
}

Result<std::vector<KeyPair>> KeyDirectory::read_zone_keys(const dns::Name& zone,
                                                          LoneHalves lone) const {
    auto it = zones_.find(lowercase(dns::file_name_text(zone)));
    if (it == zones_.end()) return std::vector<KeyPair>{};
    return read_bases(it->second, zone, lone);
}

}  // namespace zw::signer
