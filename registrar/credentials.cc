#include "registrar/credentials.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace zw::registrar {

namespace {

Result<std::string> read_private_file(const std::string& path, std::string_view what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return fail(config_error(fmt::format("{}: cannot read {}", what, path)));
    if ((st.st_mode & 077) != 0)
        return fail(config_error(
            fmt::format("{}: {} is readable by group or others (mode {:o}); chmod 600 it", what,
                        path, st.st_mode & 0777)));
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(config_error(fmt::format("{}: cannot open {}", what, path)));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
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

Result<TsigKey> read_tsig_key_file(const std::string& path) {
    auto text = read_private_file(path, "TSIG key");
    if (!text) return fail(text.error());
    static const std::regex key_re(R"re(key\s+"?([A-Za-z0-9._-]+?)\.?"?\s*\{)re");
    static const std::regex alg_re(R"re(algorithm\s+"?([A-Za-z0-9-]+)"?\s*;)re");
    static const std::regex secret_re(R"re(secret\s+"([A-Za-z0-9+/=]+)"\s*;)re");
    std::smatch k, a, s;
    if (!std::regex_search(*text, k, key_re) || !std::regex_search(*text, a, alg_re) ||
        !std::regex_search(*text, s, secret_re))
        return fail(config_error(fmt::format(
            "{}: not a key file (key \"name\" {{ algorithm ...; secret \"...\"; }};)", path)));
    TsigKey key{k[1].str() + ".", a[1].str(), s[1].str()};
    // RFC 8945 §6: HMAC-SHA256 is the algorithm to implement; MD5 and SHA-1 are not accepted.
    if (key.algorithm != "hmac-sha256")
        return fail(config_error(fmt::format(
            "{}: TSIG algorithm {} is not supported (use hmac-sha256)", path, key.algorithm)));
    return key;
}

}  // namespace zw::registrar
