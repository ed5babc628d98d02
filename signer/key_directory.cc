#include "signer/key_directory.h"

#include <dirent.h>
#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "base/c_handle.h"

namespace zw::signer {

namespace {

// K<zone>+AAA+TTTTT.private: the zone is what comes between the K and this tail.
constexpr std::size_t key_name_tail = std::string_view("+AAA+TTTTT.private").size();
constexpr std::string_view private_suffix = ".private";

// Calls fn(file name) for each entry of dir. readdir in place: a hosting provider's key
// directory holds tens of thousands of files, and building a path object for each name
// made the scan most of the cost of signing a small zone.
template <typename Fn>
Result<void> for_each_entry(const std::string& dir, Fn fn) {
    std::unique_ptr<DIR, Free<closedir>> d(::opendir(dir.c_str()));
    if (!d) return fail(bad_input(fmt::format("cannot read key directory {}: {}", dir, std::strerror(errno))));
    while (const dirent* entry = ::readdir(d.get())) fn(std::string_view(entry->d_name));
    return {};
}

// dir/K<zone>+AAA+TTTTT, the name read_key_pair takes.
std::string base_path(const std::string& dir, std::string_view file) {
    return (std::filesystem::path(dir) / file.substr(0, file.size() - private_suffix.size())).string();
}

bool is_private_key_file(std::string_view file) {
    return file.size() > 1 + key_name_tail && (file[0] == 'K' || file[0] == 'k') &&
           file[file.size() - key_name_tail] == '+' &&
           ::strcasecmp(file.data() + file.size() - private_suffix.size(), private_suffix.data()) == 0;
}

Result<std::vector<KeyPair>> read_bases(std::vector<std::string> bases, const dns::Name& zone) {
    std::sort(bases.begin(), bases.end());
    std::vector<KeyPair> keys;
    for (const auto& base : bases) {
        auto key = read_key_pair(base);
        if (!key) return fail(key.error());
        if (key->zone() != zone) {
            return fail(bad_input(fmt::format("{}.key is for {}, not {}", base, key->zone().to_text(), zone.to_text())));
        }
        keys.push_back(std::move(*key));
    }
    return keys;
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

Result<std::vector<KeyPair>> read_zone_keys(const std::string& dir, const dns::Name& zone) {
    // Compared without case, in place: zone names are case-insensitive.
    const std::string zone_text = zone.to_text();
    std::vector<std::string> bases;
    auto scanned = for_each_entry(dir, [&](std::string_view file) {
        if (is_private_key_file(file) && file.size() == 1 + zone_text.size() + key_name_tail &&
            ::strncasecmp(file.data() + 1, zone_text.data(), zone_text.size()) == 0) {
            bases.push_back(base_path(dir, file));
        }
    });
    if (!scanned) return fail(scanned.error());
    return read_bases(std::move(bases), zone);
}

Result<KeyDirectory> KeyDirectory::scan(const std::string& dir) {
    KeyDirectory index;
    auto scanned = for_each_entry(dir, [&](std::string_view file) {
        if (!is_private_key_file(file)) return;
        index.bases_[lowercase(file.substr(1, file.size() - 1 - key_name_tail))].push_back(base_path(dir, file));
    });
    if (!scanned) return fail(scanned.error());
    return index;
}

Result<std::vector<KeyPair>> KeyDirectory::read_zone_keys(const dns::Name& zone) const {
    auto it = bases_.find(lowercase(zone.to_text()));
    if (it == bases_.end()) return std::vector<KeyPair>{};
    return read_bases(it->second, zone);
}

}  // namespace zw::signer
