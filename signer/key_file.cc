#include "signer/key_file.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include "base/directories.h"
#include "base/regular_file.h"
#include "dns/encoding.h"
#include "dns/openssl.h"
#include "zones/atomic_file.h"

namespace zw::signer {

namespace fs = std::filesystem;
using dns::Bignum;
using dns::OsslFree;
using dns::ParamBld;

namespace {

using dns::EcGroup;
using dns::EcPoint;

struct PrivateFile {
    std::string path;
    std::map<std::string, std::string> fields;
    std::map<std::string, std::uint64_t> lines;

    Error error(const std::string& field, std::string message) const {
        auto it = lines.find(field);
        return bad_input(std::move(message),
                         SourceLocation{path, it == lines.end() ? 0 : it->second});
    }
    Result<dns::Bytes> bytes(const std::string& field) const {
        auto it = fields.find(field);
        if (it == fields.end())
            return fail(
                bad_input(fmt::format("missing field '{}'", field), SourceLocation{path, 0}));
        auto decoded = dns::base64_decode(it->second);
        if (!decoded || decoded->empty())
            return fail(error(field, fmt::format("field '{}' is not valid base64", field)));
        return *decoded;
    }
};

// A private key that others can read is no longer private; one that its group can write
// could be replaced. Group read is left to the operator (a name server group, say).
Result<void> check_private_mode(const std::string& path, const RegularFile& file) {
    struct stat st {};
    if (::fstat(file.fd.get(), &st) != 0)
        return fail(bad_input(
            fmt::format("cannot read the private key file {}: {}", path, std::strerror(errno))));
    if ((st.st_mode & 0027) == 0) return {};
    return fail(bad_input(fmt::format(
        "the private key file {} is open to {} (mode {:04o}): a private key must not be; "
        "run 'chmod 600 {}'",
        path, (st.st_mode & 0007) != 0 ? "others" : "writing by its group", st.st_mode & 07777,
        path)));
}

Result<PrivateFile> parse_private(const std::string& path) {
    auto file = open_regular_file(path, "private key file", max_key_file_bytes);
    if (!file) return fail(file.error());
    if (auto ok = check_private_mode(path, *file); !ok) return fail(ok.error());
    auto text = read_regular_file(*file, path, "private key file", max_key_file_bytes);
    if (!text) return fail(text.error());
    PrivateFile pf{path, {}, {}};
    std::istringstream in(*text);
    std::string line;
    std::uint64_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line[0] == ';') continue;
        auto colon = line.find(':');
        if (colon == std::string::npos)
            return fail(bad_input("expected 'Field: value'", SourceLocation{path, n}));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
        pf.fields[line.substr(0, colon)] = value;
        pf.lines[line.substr(0, colon)] = n;
    }
    if (!pf.fields.contains("Private-key-format")) {
        return fail(bad_input("not a BIND private key file (no Private-key-format line)",
                              SourceLocation{path, 1}));
    }
    return pf;
}

Result<EvpPkey> from_params(const char* type, ParamBld& bld) {
    EvpPkey key = dns::pkey_from_params(type, bld, EVP_PKEY_KEYPAIR);
    if (!key)
        return fail(
            bad_input(fmt::format("cannot build the {} key: {}", type, dns::openssl_error())));
    return key;
}

Result<EvpPkey> rsa_private(const PrivateFile& pf) {
    static constexpr std::pair<const char*, const char*> fields[] = {
        {"Modulus", OSSL_PKEY_PARAM_RSA_N},
        {"PublicExponent", OSSL_PKEY_PARAM_RSA_E},
        {"PrivateExponent", OSSL_PKEY_PARAM_RSA_D},
        {"Prime1", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"Prime2", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"Exponent1", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"Exponent2", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"Coefficient", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    ParamBld bld(OSSL_PARAM_BLD_new());
    std::vector<Bignum> keep;
    for (auto [field, param] : fields) {
        auto b = pf.bytes(field);
        if (!b) return fail(b.error());
        keep.emplace_back(BN_bin2bn(b->data(), static_cast<int>(b->size()), nullptr));
        OSSL_PARAM_BLD_push_BN(bld.get(), param, keep.back().get());
    }
    return from_params("RSA", bld);
}

Result<EvpPkey> ec_private(const PrivateFile& pf, std::uint8_t algorithm) {
    bool p256 = algorithm == dns::alg::ecdsap256sha256;
    auto priv = pf.bytes("PrivateKey");
    if (!priv) return fail(priv.error());
    // dnssec-keygen and ldns-keygen drop leading zero octets of the scalar (about one key
    // in 256 is one octet short): pad back to the curve's width.
    std::size_t width = p256 ? 32 : 48;
    if (priv->size() > width)
        return fail(pf.error("PrivateKey", "ECDSA private key is too long for its curve"));
    priv->insert(priv->begin(), width - priv->size(), 0);
    Bignum d(BN_bin2bn(priv->data(), static_cast<int>(priv->size()), nullptr));
    // OpenSSL wants the public point too; derive it as d·G.
    EcGroup group(EC_GROUP_new_by_curve_name(p256 ? NID_X9_62_prime256v1 : NID_secp384r1));
    EcPoint point(EC_POINT_new(group.get()));
    if (!group || !point ||
        EC_POINT_mul(group.get(), point.get(), d.get(), nullptr, nullptr, nullptr) != 1) {
        return fail(pf.error("PrivateKey", "invalid ECDSA private key"));
    }
    dns::Bytes pub(1 + 2 * priv->size());
    if (EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, pub.data(),
                           pub.size(), nullptr) != pub.size()) {
        return fail(pf.error("PrivateKey", "invalid ECDSA private key"));
    }
    ParamBld bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                    p256 ? "prime256v1" : "secp384r1", 0);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get());
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size());
    return from_params("EC", bld);
}

Result<EvpPkey> eddsa_private(const PrivateFile& pf, std::uint8_t algorithm) {
    auto priv = pf.bytes("PrivateKey");
    if (!priv) return fail(priv.error());
    bool ed25519 = algorithm == dns::alg::ed25519;
    if (priv->size() != (ed25519 ? 32u : 57u))
        return fail(pf.error("PrivateKey", "EdDSA private key has the wrong length"));
    EvpPkey key(EVP_PKEY_new_raw_private_key(ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448, nullptr,
                                             priv->data(), priv->size()));
    if (!key) return fail(pf.error("PrivateKey", "invalid EdDSA private key"));
    return key;
}

std::optional<Instant> parse_timestamp(const std::string& text) {
    // YYYYMMDDHHMMSS, UTC.
    if (text.size() < 14 || !std::all_of(text.begin(), text.begin() + 14, ::isdigit))
        return std::nullopt;
    auto num = [&](int pos, int len) { return std::stoi(text.substr(pos, len)); };
    std::chrono::year_month_day ymd{std::chrono::year{num(0, 4)},
                                    std::chrono::month{static_cast<unsigned>(num(4, 2))},
                                    std::chrono::day{static_cast<unsigned>(num(6, 2))}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd} + std::chrono::hours{num(8, 2)} +
           std::chrono::minutes{num(10, 2)} + Seconds{num(12, 2)};
}

std::string format_timestamp(Instant t) {
    std::string s = format_instant(t);  // 2026-11-28T21:15:53Z
    std::string out;
    for (char c : s)
        if (std::isdigit(static_cast<unsigned char>(c))) out += c;
    return out;
}

Result<KeyTiming> parse_timing(const PrivateFile& pf) {
    KeyTiming t;
    std::pair<const char*, std::optional<Instant>*> fields[] = {{"Created", &t.created},
                                                                {"Publish", &t.publish},
                                                                {"Activate", &t.activate},
                                                                {"Inactive", &t.inactive},
                                                                {"Delete", &t.remove}};
    for (auto [field, slot] : fields) {
        auto it = pf.fields.find(field);
        if (it == pf.fields.end()) continue;
        *slot = parse_timestamp(it->second);
        if (!*slot)
            return fail(pf.error(field, fmt::format("'{}' is not a YYYYMMDDHHMMSS time", field)));
    }
    return t;
}

Result<dns::Rr> read_public(const std::string& path) {
    auto text = read_regular_file(path, "key file", max_key_file_bytes);
    if (!text) return fail(text.error());
    std::istringstream in(*text);
    std::string line;
    std::uint64_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == ';') continue;
        // ldns-keygen appends ";{id = ...}" to the record line.
        if (auto semi = line.find(';'); semi != std::string::npos) line.resize(semi);
        auto rr = dns::rr_from_text(line);
        if (!rr) return fail(bad_input(rr.error().message, SourceLocation{path, n}));
        if (rr->type != dns::rrtype::DNSKEY)
            return fail(bad_input("expected a DNSKEY record", SourceLocation{path, n}));
        return rr;
    }
    return fail(bad_input("no DNSKEY record found", SourceLocation{path, 0}));
}

std::string strip_extension(const std::string& path) {
    for (const char* ext : {".private", ".key"}) {
        std::string e(ext);
        if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) {
            return path.substr(0, path.size() - e.size());
        }
    }
    return path;
}

std::string private_text(const KeyPair& key) {
    std::string out = "Private-key-format: v1.3\n";
    out += fmt::format("Algorithm: {} ({})\n", key.algorithm(),
                       dns::algorithm_mnemonic(key.algorithm()));
    EVP_PKEY* p = key.pkey();
    auto put = [&](const char* field, const std::optional<dns::Bytes>& b) {
        out += fmt::format("{}: {}\n", field, b ? dns::base64_encode(*b) : std::string());
    };
    switch (key.algorithm()) {
        case dns::alg::rsasha256:
            put("Modulus", dns::bn_param(p, OSSL_PKEY_PARAM_RSA_N));
            put("PublicExponent", dns::bn_param(p, OSSL_PKEY_PARAM_RSA_E));
            put("PrivateExponent", dns::bn_param(p, OSSL_PKEY_PARAM_RSA_D));
            put("Prime1", dns::bn_param(p, OSSL_PKEY_PARAM_RSA_FACTOR1));
            put("Prime2", dns::bn_param(p, OSSL_PKEY_PARAM_RSA_FACTOR2));
            put("Exponent1", dns::bn_param(p, OSSL_PKEY_PARAM_RSA_EXPONENT1));
            put("Exponent2", dns::bn_param(p, OSSL_PKEY_PARAM_RSA_EXPONENT2));
            put("Coefficient", dns::bn_param(p, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
            break;
        case dns::alg::ecdsap256sha256:
        case dns::alg::ecdsap384sha384:
            put("PrivateKey",
                dns::bn_param_padded(p, OSSL_PKEY_PARAM_PRIV_KEY,
                                     key.algorithm() == dns::alg::ecdsap256sha256 ? 32 : 48));
            break;
        default: {
            std::size_t len = 0;
            EVP_PKEY_get_raw_private_key(p, nullptr, &len);
            dns::Bytes raw(len);
            EVP_PKEY_get_raw_private_key(p, raw.data(), &len);
            put("PrivateKey", raw);
            OPENSSL_cleanse(raw.data(), raw.size());
        }
    }
    const KeyTiming& t = key.timing();
    std::pair<const char*, std::optional<Instant>> times[] = {{"Created", t.created},
                                                              {"Publish", t.publish},
                                                              {"Activate", t.activate},
                                                              {"Inactive", t.inactive},
                                                              {"Delete", t.remove}};
    for (auto [field, value] : times) {
        if (value) out += fmt::format("{}: {}\n", field, format_timestamp(*value));
    }
    return out;
}

Result<void> prepare_key_dir(const std::string& dir) {
    if (auto made = make_directories(dir, key_directory_mode); !made) return fail(made.error());
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return fail(bad_input(fmt::format("{} is not a directory", dir)));
    }
    return check_key_directory(dir, st);
}

}  // namespace

Result<KeyPair> read_key_pair(const std::string& path) {
    std::string base = strip_extension(path);
    auto pf = parse_private(base + ".private");
    if (!pf) return fail(pf.error());
    auto alg_field = pf->fields.find("Algorithm");
    if (alg_field == pf->fields.end())
        return fail(pf->error("Algorithm", "missing field 'Algorithm'"));
    auto algorithm =
        dns::algorithm_from_text(alg_field->second.substr(0, alg_field->second.find(' ')));
    if (!algorithm) return fail(pf->error("Algorithm", algorithm.error().message));

    Result<EvpPkey> pkey = *algorithm == dns::alg::rsasha256 ? rsa_private(*pf)
                           : (*algorithm == dns::alg::ed25519 || *algorithm == dns::alg::ed448)
                               ? eddsa_private(*pf, *algorithm)
                               : ec_private(*pf, *algorithm);
    if (!pkey) return fail(pkey.error());
    auto timing = parse_timing(*pf);
    if (!timing) return fail(timing.error());

    auto pub_rr = read_public(base + ".key");
    if (!pub_rr) return fail(pub_rr.error());
    auto dnskey = dns::Dnskey::from_rdata(pub_rr->rdata);
    if (!dnskey) return fail(bad_input(dnskey.error().message, SourceLocation{base + ".key", 0}));
    auto derived = public_key_field(pkey->get(), *algorithm);
    if (!derived) return fail(derived.error());
    if (dnskey->algorithm != *algorithm || dnskey->public_key != *derived) {
        return fail(bad_input(
            fmt::format("{}.key does not hold the public half of {}.private", base, base)));
    }
    return KeyPair(pub_rr->owner, std::move(*dnskey), std::move(*pkey), *timing);
}

Result<void> check_key_directory(const std::string& dir, const struct ::stat& st) {
    if ((st.st_mode & 0022) == 0) return {};
    return fail(bad_input(fmt::format(
        "key directory {} is writable by {} (mode {:04o}): whoever can write there can "
        "add or remove keys; run 'chmod go-w {}' (zonewarden makes it 0700)",
        dir, (st.st_mode & 0002) != 0 ? "others" : "its group", st.st_mode & 07777, dir)));
}

Result<void> key_file_name_fits(const dns::Name& zone) {
    // "K" + zone + "+AAA+TTTTT.private"
    constexpr std::size_t max_file_name = 255, around_zone = 1 + 18;
    const std::size_t zone_length = dns::file_name_text(zone).size();
    if (zone_length + around_zone <= max_file_name) return {};
    return fail(bad_input(
        fmt::format("the zone name {} takes {} characters in a file name, more than the {} its key "
                    "files leave room for",
                    zone.to_text(), zone_length, max_file_name - around_zone)));
}

Result<std::string> write_key_pair(const std::string& dir, const KeyPair& key, KeyRole role) {
    if (auto ok = key_file_name_fits(key.zone()); !ok) return fail(ok.error());
    if (auto ok = prepare_key_dir(dir); !ok) return fail(ok.error());
    std::string base = (fs::path(dir) / key.base_name()).string();
    for (const char* ext : {".key", ".private"}) {
        if (fs::exists(base + ext))
            return fail(bad_input(fmt::format("{}{} exists already", base, ext)));
    }
    auto dnskey_text =
        dns::rr_to_text(dns::Rr{key.zone(), dns::rrtype::DNSKEY, 3600, key.dnskey_rdata()});
    if (!dnskey_text) return fail(dnskey_text.error());
    const char* kind = role == KeyRole::ksk   ? "key-signing key"
                       : role == KeyRole::zsk ? "zone-signing key"
                                              : "combined signing key";
    std::string pub = fmt::format("; This is a {}, keyid {}, for {}\n{}\n", kind, key.tag(),
                                  key.zone().to_text(), *dnskey_text);
    // Both halves whole on disk before either is in place: a full disk or a failed write
    // leaves nothing. The .key goes last, so a crash between the renames leaves a
    // .private alone, which readers name as an unfinished generation.
    auto private_half = zones::StagedFile::write(base + ".private", 0600,
                                                 [&](zones::BufferedWriter& w) -> Result<void> {
                                                     std::string text = private_text(key);
                                                     w.write(text);
                                                     OPENSSL_cleanse(text.data(), text.size());
                                                     return {};
                                                 });
    if (!private_half) return fail(private_half.error());
    auto public_half = zones::StagedFile::write(base + ".key", 0644,
                                                [&](zones::BufferedWriter& w) -> Result<void> {
                                                    w.write(pub);
                                                    return {};
                                                });
    if (!public_half) return fail(public_half.error());
    if (auto ok = private_half->commit(); !ok) return fail(ok.error());
    if (auto ok = public_half->commit(); !ok) return fail(ok.error());
    return base;
}

}  // namespace zw::signer
