#include "app/config.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "base/regular_file.h"
#include "dns/name.h"
#include "rollover/policy_yaml.h"

namespace zw::app {

namespace {

struct Reader {
    std::string file;
    std::filesystem::path base;  // relative paths are relative to the config's directory

    [[nodiscard]] Error at(const YAML::Node& n, std::string_view field, std::string_view why) const {
        auto m = n.Mark();
        return config_error(fmt::format("{}: {}", field, why),
                            SourceLocation{file, m.line >= 0 ? static_cast<std::uint64_t>(m.line) + 1 : 0});
    }
    [[nodiscard]] Result<std::string> scalar(const YAML::Node& n, std::string_view field) const {
        if (!n.IsScalar()) return fail(at(n, field, "expected a single value"));
        return n.Scalar();
    }
    [[nodiscard]] Result<std::string> path(const YAML::Node& n, std::string_view field) const {
        auto s = scalar(n, field);
        if (!s) return s;
        if (s->empty()) return fail(at(n, field, "empty path"));
        std::filesystem::path p(*s);
        return (p.is_absolute() ? p : base / p).lexically_normal().string();
    }
    [[nodiscard]] Result<Seconds> duration(const YAML::Node& n, std::string_view field) const {
        auto s = scalar(n, field);
        if (!s) return fail(s.error());
        auto d = parse_duration(*s);
        if (!d) return fail(at(n, field, d.error().message));
        return *d;
    }
    [[nodiscard]] Result<long> integer(const YAML::Node& n, std::string_view field, long lo, long hi) const {
        auto s = scalar(n, field);
        if (!s) return fail(s.error());
        long v = 0;
        std::istringstream in(*s);
        if (!(in >> v) || !in.eof() || v < lo || v > hi)
            return fail(at(n, field, fmt::format("expected a whole number from {} to {}", lo, hi)));
        return v;
    }
};

using Handler = std::function<Result<void>(const Reader&, const YAML::Node&, Config&)>;

Result<void> walk(const Reader& r, const YAML::Node& map, std::string_view prefix,
                  const std::map<std::string, Handler, std::less<>>& fields, Config& c) {
    if (!map.IsMap()) return fail(r.at(map, prefix.empty() ? "configuration" : prefix, "expected a map"));
    for (const auto& kv : map) {
        std::string key = kv.first.Scalar();
        std::string full = prefix.empty() ? key : fmt::format("{}.{}", prefix, key);
        auto f = fields.find(key);
        if (f == fields.end()) return fail(r.at(kv.first, full, "unknown field"));
        if (auto ok = f->second(r, kv.second, c); !ok) return ok;
    }
    return {};
}

Handler path_into(std::string Config::*member, std::string_view field) {
    return [member, field](const Reader& r, const YAML::Node& n, Config& c) -> Result<void> {
        auto p = r.path(n, field);
        if (!p) return fail(p.error());
        c.*member = *p;
        return {};
    };
}

Handler text_into(std::string Config::*member, std::string_view field) {
    return [member, field](const Reader& r, const YAML::Node& n, Config& c) -> Result<void> {
        auto s = r.scalar(n, field);
        if (!s) return fail(s.error());
        c.*member = *s;
        return {};
    };
}

Result<void> read_dns(const Reader& r, const YAML::Node& n, Config& c) {
    std::map<std::string, Handler, std::less<>> fields{
        {"resolver", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto s = r.scalar(v, "dns.resolver");
             if (!s) return fail(s.error());
             c.dns.resolver = *s;
             return {};
         }},
        {"trust-anchor", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto p = r.path(v, "dns.trust-anchor");
             if (!p) return fail(p.error());
             c.dns.trust_anchor = *p;
             return {};
         }},
        {"timeout", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto d = r.duration(v, "dns.timeout");
             if (!d) return fail(d.error());
             if (*d <= Seconds{0} || *d > std::chrono::milliseconds{max_dns_timeout_ms})
                 return fail(r.at(v, "dns.timeout", fmt::format("must be from 1s to {}s", max_dns_timeout_ms / 1000)));
             c.dns.timeout = *d;
             return {};
         }},
        {"attempts", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto i = r.integer(v, "dns.attempts", 1, max_dns_attempts);
             if (!i) return fail(i.error());
             c.dns.attempts = static_cast<int>(*i);
             return {};
         }},
    };
    return walk(r, n, "dns", fields, c);
}

Result<void> read_http(const Reader& r, const YAML::Node& n, Config& c) {
    c.http.emplace();
    std::map<std::string, Handler, std::less<>> fields{
        {"listen", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto s = r.scalar(v, "http.listen");
             if (!s) return fail(s.error());
             unsigned char buf[16];
             if (::inet_pton(AF_INET, s->c_str(), buf) != 1 && ::inet_pton(AF_INET6, s->c_str(), buf) != 1)
                 return fail(r.at(v, "http.listen", "expected an IPv4 or IPv6 address, such as 127.0.0.1 or ::1"));
             c.http->listen = *s;
             return {};
         }},
        {"port", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto i = r.integer(v, "http.port", 1, 65535);
             if (!i) return fail(i.error());
             c.http->port = static_cast<std::uint16_t>(*i);
             return {};
         }},
    };
    if (auto ok = walk(r, n, "http", fields, c); !ok) return ok;
    if (c.http->listen.empty() || c.http->port == 0)
        return fail(r.at(n, "http", "needs both 'listen' (an address) and 'port'"));
    return {};
}

Result<void> read_registrars(const Reader& r, const YAML::Node& n, Config& c) {
    if (!n.IsMap()) return fail(r.at(n, "registrars", "expected a map of registrar names"));
    for (const auto& reg : n) {
        std::string name = reg.first.Scalar();
        std::string field = "registrars." + name;
        if (!reg.second.IsMap()) return fail(r.at(reg.second, field, "expected a map of settings"));
        registrar::Settings settings;
        for (const auto& kv : reg.second) {
            auto v = r.scalar(kv.second, field + "." + kv.first.Scalar());
            if (!v) return fail(v.error());
            std::string key = kv.first.Scalar();
            // File settings are paths: relative ones follow the configuration file.
            if (key.ends_with("-file") && !v->empty() && !std::filesystem::path(*v).is_absolute())
                *v = (r.base / *v).lexically_normal().string();
            settings[key] = *v;
        }
        if (!settings.contains("type")) return fail(r.at(reg.second, field, "missing 'type'"));
        // Checked whole now (unknown keys, bad values, unreadable credentials), not days
        // later when a zone first hands this registrar a DS set. Nothing is sent.
        auto journal = registrar::Journal::open(":memory:");
        if (!journal) return fail(journal.error());
        NullLogSink quiet;
        if (auto made = registrar::make_registrar(name, settings, *journal, quiet); !made)
            return fail(r.at(reg.second, field, made.error().message));
        c.registrars[name] = std::move(settings);
    }
    return {};
}

Result<void> read_defaults(const Reader& r, const YAML::Node& n, Config& c) {
    std::map<std::string, Handler, std::less<>> fields{
        {"policy", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto s = r.scalar(v, "defaults.policy");
             if (!s) return fail(s.error());
             if (!c.policies.contains(*s)) return fail(r.at(v, "defaults.policy", fmt::format("no policy named '{}'", *s)));
             c.default_policy = *s;
             return {};
         }},
        {"registrar", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto s = r.scalar(v, "defaults.registrar");
             if (!s) return fail(s.error());
             if (!c.registrars.contains(*s))
                 return fail(r.at(v, "defaults.registrar", fmt::format("no registrar named '{}'", *s)));
             c.default_registrar = *s;
             return {};
         }},
    };
    return walk(r, n, "defaults", fields, c);
}

Result<Config> parse_root(const YAML::Node& root, const std::string& path, std::string_view text) {
    Reader r{path, std::filesystem::absolute(path).parent_path()};
    Config c;
    c.file = path;
    // Policies first: `defaults` refers to them. Their loader reports its own file:line.
    auto policies = rollover::parse_policies_text(text, path);
    if (!policies) return fail(policies.error());
    c.policies = std::move(*policies);
    std::map<std::string, Handler, std::less<>> fields{
        {"state", path_into(&Config::state, "state")},
        {"key-dir", path_into(&Config::key_dir, "key-dir")},
        {"zones-in", path_into(&Config::zones_in, "zones-in")},
        {"zones-out", path_into(&Config::zones_out, "zones-out")},
        {"publish", text_into(&Config::publish, "publish")},
        {"notify", text_into(&Config::notify, "notify")},
        {"notify-after", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto d = r.duration(v, "notify-after");
             if (!d) return fail(d.error());
             c.notify_after = *d;
             return {};
         }},
        {"threads", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto i = r.integer(v, "threads", 1, 256);
             if (!i) return fail(i.error());
             c.threads = static_cast<unsigned>(*i);
             return {};
         }},
        {"serial", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto s = r.scalar(v, "serial");
             if (!s) return fail(s.error());
             auto p = zones::serial_policy_from_text(*s);
             if (!p) return fail(r.at(v, "serial", p.error().message));
             c.serial = *p;
             return {};
         }},
        {"denial", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             auto s = r.scalar(v, "denial");
             if (!s) return fail(s.error());
             if (*s != "nsec" && *s != "nsec3") return fail(r.at(v, "denial", "expected nsec or nsec3"));
             c.nsec3 = *s == "nsec3";
             return {};
         }},
        {"dns", read_dns},
        {"daemon", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
             std::map<std::string, Handler, std::less<>> f{
                 {"max-sleep", [](const Reader& r, const YAML::Node& v, Config& c) -> Result<void> {
                      auto d = r.duration(v, "daemon.max-sleep");
                      if (!d) return fail(d.error());
                      if (*d < Seconds{1}) return fail(r.at(v, "daemon.max-sleep", "must be at least 1s"));
                      c.max_sleep = *d;
                      return {};
                  }}};
             return walk(r, v, "daemon", f, c);
         }},
        {"http", read_http},
        {"policies", [](const Reader&, const YAML::Node&, Config&) -> Result<void> { return {}; }},
        {"registrars", read_registrars},
        {"defaults", [](const Reader&, const YAML::Node&, Config&) -> Result<void> { return {}; }},
    };
    if (auto ok = walk(r, root, "", fields, c); !ok) return fail(ok.error());
    if (root["defaults"]) {
        if (auto ok = read_defaults(r, root["defaults"], c); !ok) return fail(ok.error());
    }
    for (auto [field, value] : {std::pair{"state", &c.state}, {"key-dir", &c.key_dir}, {"zones-in", &c.zones_in},
                                {"zones-out", &c.zones_out}}) {
        if (value->empty())
            return fail(config_error(fmt::format("'{}' is required", field), SourceLocation{path, 1}));
    }
    if (c.dns.trust_anchor.empty()) c.dns.trust_anchor = "/usr/share/dns/root.ds";
    if (c.policies.empty())
        return fail(config_error("no policies: define at least one under 'policies:'", SourceLocation{path, 1}));
    if (!c.default_policy && c.policies.size() == 1) c.default_policy = c.policies.begin()->first;
    if (!c.default_registrar && c.registrars.size() == 1) c.default_registrar = c.registrars.begin()->first;
    return c;
}

}  // namespace

std::string zone_file_stem(std::string_view zone) {
    auto name = dns::Name::from_text(zone);
    // Zone names reach here checked (normalize_zone); anything else is written whole as
    // %XX, so it still cannot name a path.
    if (!name) {
        std::string out;
        for (unsigned char c : zone) out += fmt::format("%{:02X}", c);
        return out;
    }
    if (name->is_root()) return "root";
    std::string stem = dns::file_name_text(*name);
    stem.pop_back();
    return stem;
}

std::string Config::input_file(std::string_view zone) const {
    return (std::filesystem::path(zones_in) / (zone_file_stem(zone) + ".zone")).string();
}
std::string Config::output_file(std::string_view zone) const {
    return (std::filesystem::path(zones_out) / (zone_file_stem(zone) + ".zone")).string();
}
std::string Config::zone_key_dir(std::string_view zone) const {
    return (std::filesystem::path(key_dir) / zone_file_stem(zone)).string();
}

Result<const rollover::Policy*> Config::policy(std::string_view name) const {
    auto it = policies.find(std::string(name));
    if (it == policies.end())
        return fail(config_error(fmt::format("{}: no policy named '{}'", file, name)));
    return &it->second;
}

Result<Config> parse_config(std::string_view text, const std::string& path) {
    try {
        YAML::Node root = YAML::Load(std::string(text));
        if (!root.IsMap()) return fail(config_error("expected a map of settings", SourceLocation{path, 1}));
        return parse_root(root, path, text);
    } catch (const YAML::Exception& e) {
        return fail(config_error(e.msg, SourceLocation{path, static_cast<std::uint64_t>(e.mark.line) + 1}));
    }
}

Result<Config> load_config(const std::string& path) {
    auto text = read_regular_file(path, "configuration file", max_config_file_bytes);
    if (!text) return fail(config_error(text.error().message));
    auto config = parse_config(*text, path);
    if (!config) return config;
    if (const char* hooks = std::getenv("ZW_TEST_HOOKS"); hooks && *hooks) {
        if (std::string_view(hooks) != "turn-back-midway")
            return fail(config_error(fmt::format(
                "ZW_TEST_HOOKS={}: the only test hook is turn-back-midway", hooks)));
        config->engine_test_hooks.turn_back_midway = true;
        fmt::print(stderr, "zonewarden: warning: test hook turn-back-midway is on (ZW_TEST_HOOKS): "
                           "the rollover engine deadlocks on purpose; tests only\n");
    }
    return config;
}

}  // namespace zw::app
