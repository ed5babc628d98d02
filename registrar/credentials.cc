#include "registrar/credentials.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdlib>

#include "base/regular_file.h"

#include "registrar/tsig.h"

namespace zw::registrar {

namespace {

Result<std::string> read_private_file(const std::string& path, std::string_view what) {
    // A regular file only: a FIFO or a device would block the configuration's loading.
    auto file = open_regular_file(path, "credentials file", max_small_file_bytes);
    if (!file) return fail(config_error(fmt::format("{}: {}", what, file.error().message)));
    struct stat st {};
    if (::fstat(file->fd.get(), &st) != 0)
        return fail(config_error(fmt::format("{}: cannot read {}", what, path)));
    if ((st.st_mode & 077) != 0)
        return fail(config_error(
            fmt::format("{}: {} is readable by group or others (mode {:o}); chmod 600 it", what,
                        path, st.st_mode & 0777)));
    auto text = read_regular_file(*file, path, "credentials file", max_small_file_bytes);
    if (!text) return fail(config_error(fmt::format("{}: {}", what, text.error().message)));
    return *text;
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

}  // namespace

Result<std::string> read_secret(const SecretSource& source, std::string_view what) {
    if (!source.file.empty() && !source.env.empty())
        return fail(config_error(
            fmt::format("{}: give a file or an environment variable, not both", what)));
    if (!source.file.empty()) {
        auto text = read_private_file(source.file, what);
        if (!text) return text;
        auto s = trim(std::move(*text));
        if (s.empty()) return fail(config_error(fmt::format("{}: {} is empty", what, source.file)));
        return s;
    }
    if (!source.env.empty()) {
        const char* v = std::getenv(source.env.c_str());
        if (v == nullptr || *v == '\0')
            return fail(config_error(
                fmt::format("{}: environment variable {} is not set", what, source.env)));
        return trim(v);
    }
    return fail(config_error(
        fmt::format("{}: no credentials file or environment variable configured", what)));
}

namespace {

// The value after `word` in a key file: up to the next `{` or `;`, quotes and blanks removed.
// (A hand parser: std::regex trips a GCC 12 -Wmaybe-uninitialized false positive under ASan.)
std::string value_after(const std::string& text, std::string_view word) {
    auto at = text.find(word);
    while (at != std::string::npos && at > 0 &&
           std::isalnum(static_cast<unsigned char>(text[at - 1])))
        at = text.find(word, at + 1);
    if (at == std::string::npos) return "";
    auto start = at + word.size();
    auto end = text.find_first_of("{;", start);
    if (end == std::string::npos) return "";
    std::string v;
    for (auto c : text.substr(start, end - start))
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '"') v += c;
    return v;
}

}  // namespace

Result<TsigKey> read_tsig_key_file(const std::string& path) {
    auto text = read_private_file(path, "TSIG key");
    if (!text) return fail(text.error());
    TsigKey key{value_after(*text, "key"), value_after(*text, "algorithm"),
                value_after(*text, "secret")};
    if (key.name.empty() || key.algorithm.empty() || key.secret.empty())
        return fail(config_error(fmt::format(
            "{}: not a key file (key \"name\" {{ algorithm ...; secret \"...\"; }};)", path)));
    if (key.name.back() != '.') key.name += '.';
    // RFC 8945 §6: HMAC-SHA256 is mandatory, SHA-384/512 optional; MD5 and SHA-1 are not
    // accepted.
    for (auto& c : key.algorithm)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!key.algorithm.empty() && key.algorithm.back() == '.') key.algorithm.pop_back();
    if (!tsig_algorithm_supported(key.algorithm))
        return fail(config_error(
            fmt::format("{}: TSIG algorithm {} is not supported (use hmac-sha256, hmac-sha384 or "
                        "hmac-sha512)",
                        path, key.algorithm)));
    return key;
}

}  // namespace zw::registrar
