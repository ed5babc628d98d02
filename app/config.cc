#include "app/config.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "app/policy_config.h"
#include "app/yaml_tree.h"
#include "base/regular_file.h"
#include "dns/name.h"

namespace zw::app {

namespace {

void read_dns(Fields& f, DnsSettings& dns) {
    f.text("resolver", dns.resolver);
    f.path("trust-anchor", dns.trust_anchor);
    if (f.duration("timeout", dns.timeout) &&
        (dns.timeout <= Seconds{0} || dns.timeout > std::chrono::milliseconds{max_dns_timeout_ms}))
        f.refuse("timeout", fmt::format("must be from 1s to {}s", max_dns_timeout_ms / 1000));
    f.integer("attempts", dns.attempts, 1, max_dns_attempts);
}

void read_http(Fields& f, HttpSettings& http) {
    if (f.text("listen", http.listen)) {
        unsigned char buf[16];
        if (::inet_pton(AF_INET, http.listen.c_str(), buf) != 1 &&
            ::inet_pton(AF_INET6, http.listen.c_str(), buf) != 1)
            f.refuse("listen", "expected an IPv4 or IPv6 address, such as 127.0.0.1 or ::1");
    }
    f.integer("port", http.port, 1, 65535);
    if (f.status() && (http.listen.empty() || http.port == 0))
        f.keep(config_error("http: needs both 'listen' (an address) and 'port'",
                            f.whole().mark.location()));
}

// Each registrar is built once now, with a journal in memory and nothing sent, so that its
// mistakes (unknown keys, bad values, unreadable credentials) are reported at load time,
// not days later when a zone first hands it a DS set.
Result<void> check_registrar(const std::string& name, const ConfigNode& settings) {
    auto journal = registrar::Journal::open(":memory:");
    if (!journal) return fail(journal.error());
    NullLogSink quiet;
    auto made = registrar::make_registrar(name, settings, *journal, quiet);
    if (made) return {};
    Error e = made.error();
    if (!e.where) {
        e.message = fmt::format("registrars.{}: {}", name, e.message);
        e.where = settings.mark.location();
    }
    return fail(e);
}

Result<void> read_registrars(const ConfigNode& n, Config& c) {
    if (n.kind != ConfigNode::Kind::map)
        return fail(
            config_error("registrars: expected a map of registrar names", n.mark.location()));
    for (const auto& entry : n.entries) {
        const ConfigNode& settings = entry.value;
        if (settings.kind != ConfigNode::Kind::map)
            return fail(
                config_error(fmt::format("registrars.{}: expected a map of settings", entry.key),
                             settings.mark.location()));
        if (!settings.find("type"))
            return fail(config_error(fmt::format("registrars.{}: missing 'type'", entry.key),
                                     settings.mark.location()));
        if (auto ok = check_registrar(entry.key, settings); !ok) return ok;
        c.registrars[entry.key] = settings;
    }
    return {};
}

// `defaults` names a policy and a registrar defined above it.
void read_defaults(Fields& f, Config& c) {
    auto defined = [&f](std::string_view key, const auto& known, std::optional<std::string>& into) {
        std::string name;
        if (!f.text(key, name)) return;
        if (known.contains(name))
            into = name;
        else
            f.refuse(key, fmt::format("no {} named '{}'", key, name));
    };
    defined("policy", c.policies, c.default_policy);
    defined("registrar", c.registrars, c.default_registrar);
}

void read_settings(Fields& f, Config& c) {
    f.path("state", c.state);
    f.path("key-dir", c.key_dir);
    f.path("zones-in", c.zones_in);
    f.path("zones-out", c.zones_out);
    f.text("publish", c.publish);
    f.text("notify", c.notify);
    f.duration("notify-after", c.notify_after);
    f.integer("threads", c.threads, 1, 256);
    std::string text;
    if (f.text("serial", text)) {
        if (auto p = zones::serial_policy_from_text(text))
            c.serial = *p;
        else
            f.refuse("serial", p.error().message);
    }
    if (f.text("denial", text)) {
        if (text != "nsec" && text != "nsec3") f.refuse("denial", "expected nsec or nsec3");
        c.nsec3 = text == "nsec3";
    }
    f.map("dns", [&](Fields& d) { read_dns(d, c.dns); });
    f.map("daemon", [&](Fields& d) {
        if (d.duration("max-sleep", c.max_sleep) && c.max_sleep < Seconds{1})
            d.refuse("max-sleep", "must be at least 1s");
    });
    f.map("http", [&](Fields& h) { read_http(h, c.http.emplace()); });
    // Policies and registrars before `defaults`, which names them.
    if (const ConfigNode* p = f.node("policies")) {
        if (auto policies = read_policies(*p); policies)
            c.policies = std::move(*policies);
        else
            f.keep(policies.error());
    }
    if (const ConfigNode* r = f.node("registrars")) {
        if (auto ok = read_registrars(*r, c); !ok) f.keep(ok.error());
    }
    if (const ConfigNode* t = f.node("tls")) {
        if (auto services = read_tls_services(*t); services)
            c.tls = std::move(*services);
        else
            f.keep(services.error());
    }
    f.map("defaults", [&](Fields& d) { read_defaults(d, c); });
}

Result<Config> parse_root(const ConfigNode& root, const std::string& path) {
    Config c;
    c.file = path;
    Fields f(root);
    read_settings(f, c);
    if (auto ok = f.finish(); !ok) return fail(ok.error());
    for (auto [field, value] : {std::pair{"state", &c.state},
                                {"key-dir", &c.key_dir},
                                {"zones-in", &c.zones_in},
                                {"zones-out", &c.zones_out}}) {
        if (value->empty())
            return fail(
                config_error(fmt::format("'{}' is required", field), SourceLocation{path, 1}));
    }
    if (c.dns.trust_anchor.empty()) c.dns.trust_anchor = "/usr/share/dns/root.ds";
    if (c.policies.empty())
        return fail(config_error("no policies: define at least one under 'policies:'",
                                 SourceLocation{path, 1}));
    if (!c.default_policy && c.policies.size() == 1) c.default_policy = c.policies.begin()->first;
    if (!c.default_registrar && c.registrars.size() == 1)
        c.default_registrar = c.registrars.begin()->first;
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
    auto root = parse_yaml_tree(text, path);
    if (!root) return fail(root.error());
    if (root->kind != ConfigNode::Kind::map)
        return fail(config_error("expected a map of settings", SourceLocation{path, 1}));
    return parse_root(*root, path);
}

Result<Config> load_config(const std::string& path) {
    auto text = read_regular_file(path, "configuration file", max_config_file_bytes);
    if (!text) return fail(config_error(text.error().message));
    auto config = parse_config(*text, path);
    if (!config) return config;
    if (const char* hooks = std::getenv("ZW_TEST_HOOKS"); hooks && *hooks) {
        if (std::string_view(hooks) != "turn-back-midway")
            return fail(config_error(
                fmt::format("ZW_TEST_HOOKS={}: the only test hook is turn-back-midway", hooks)));
        config->engine_test_hooks.turn_back_midway = true;
        fmt::print(stderr,
                   "zonewarden: warning: test hook turn-back-midway is on (ZW_TEST_HOOKS): "
                   "the rollover engine deadlocks on purpose; tests only\n");
    }
    return config;
}

}  // namespace zw::app
