#include "registrar/factory.h"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <set>

#include "live/server.h"

#include "registrar/cds.h"
#include "registrar/command.h"
#include "registrar/gandi.h"
#include "registrar/manual.h"
#include "registrar/ovh.h"
#include "registrar/reconcile.h"
#include "registrar/rfc2136.h"

namespace zw::registrar {

namespace {

// Reads settings and remembers which were used, so a misspelt key is an error, not ignored.
class Reader {
  public:
    Reader(const std::string& name, const Settings& s) : name_(name), s_(s) {}
    std::string get(const std::string& key, std::string fallback = "") {
        used_.insert(key);
        auto it = s_.find(key);
        return it == s_.end() ? fallback : it->second;
    }
    Result<std::string> require(const std::string& key) {
        auto v = get(key);
        if (v.empty())
            return fail(config_error(fmt::format("registrar {}: `{}` is required", name_, key)));
        return v;
    }
    Result<std::int64_t> number(const std::string& key, std::int64_t fallback, std::int64_t lo,
                                std::int64_t hi) {
        auto v = get(key);
        if (v.empty()) return fallback;
        std::int64_t n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc{} || p != v.data() + v.size() || n < lo || n > hi)
            return fail(config_error(
                fmt::format("registrar {}: `{}` must be a number in [{}, {}], not \"{}\"", name_,
                            key, lo, hi, v)));
        return n;
    }
    Result<Seconds> duration(const std::string& key, Seconds fallback) {
        auto v = get(key);
        if (v.empty()) return fallback;
        auto d = parse_duration(v);
        if (!d)
            return fail(
                config_error(fmt::format("registrar {}: `{}`: {}", name_, key, d.error().message)));
        return *d;
    }
    SecretSource secret(const std::string& prefix) {
        return SecretSource{get(prefix + "-file"), get(prefix + "-env")};
    }
    Result<void> no_unknown_keys() {
        for (const auto& [k, v] : s_)
            if (!used_.contains(k))
                return fail(
                    config_error(fmt::format("registrar {}: unknown setting `{}`", name_, k)));
        return {};
    }

  private:
    const std::string& name_;
    const Settings& s_;
    std::set<std::string> used_;
};

Result<std::unique_ptr<Api>> rfc2136(const std::string& name, Reader& r) {
    Rfc2136Config c;
    auto server = r.require("server");
    if (!server) return fail(server.error());
    auto port = r.number("port", 53, 1, 65535);
    if (!port) return fail(port.error());
    auto at = live::parse_server(*server, static_cast<std::uint16_t>(*port));
    if (!at || at->address != *server)
        return fail(config_error(fmt::format("registrar {}: `server` must be an IP address (IPv4 or IPv6); use "
                                             "`port` for the port",
                                             name)));
    c.server = *at;
    // Like nsupdate's `local` or Knot's `via`: ADDR, or with a port IPV4:PORT / [IPV6]:PORT.
    if (auto source = r.get("source"); !source.empty()) {
        auto from = live::parse_server(source, 0);
        if (!from) return fail(config_error(fmt::format("registrar {}: `source`: {}", name, from.error().message)));
        c.source = *from;
    }
    auto keyfile = r.require("tsig-key-file");
    if (!keyfile) return fail(keyfile.error());
    auto key = read_tsig_key_file(*keyfile);
    if (!key) return fail(key.error());
    c.key = *key;
    if (auto p = r.get("parent-zone"); !p.empty()) {
        auto n = dns::Name::from_text(p);
        if (!n)
            return fail(config_error(
                fmt::format("registrar {}: parent-zone: {}", name, n.error().message)));
        c.parent_zone = *n;
    }
    auto ttl = r.number("ds-ttl", 3600, 0, 2147483647);
    if (!ttl) return fail(ttl.error());
    c.ds_ttl = static_cast<std::uint32_t>(*ttl);
    auto t = r.duration("timeout", Seconds(5));
    if (!t) return fail(t.error());
    c.timeout = *t;
    return make_rfc2136_api(std::move(c));
}

Result<HttpOptions> http_options(Reader& r) {
    HttpOptions h;
    h.ca_file = r.get("ca-file");
    auto ct = r.duration("connect-timeout", h.connect_timeout);
    if (!ct) return fail(ct.error());
    auto t = r.duration("timeout", h.timeout);
    if (!t) return fail(t.error());
    if (ct->count() < 1 || t->count() < 1)
        return fail(config_error("registrar timeouts must be at least 1s"));
    h.connect_timeout = *ct;
    h.timeout = *t;
    return h;
}

Result<std::string> https_url(const std::string& name, Reader& r, const std::string& fallback) {
    auto url = r.get("url", fallback);
    if (!url.starts_with("https://"))
        return fail(config_error(fmt::format("registrar {}: url must start with https://", name)));
    while (url.ends_with("/")) url.pop_back();
    return url;
}

Result<std::unique_ptr<Api>> gandi(const std::string& name, Reader& r, LogSink& log) {
    GandiConfig c;
    auto url = https_url(name, r, c.url);
    if (!url) return fail(url.error());
    c.url = *url;
    auto token = read_secret(r.secret("token"), fmt::format("registrar {} token", name));
    if (!token) return fail(token.error());
    c.token = *token;
    auto http = http_options(r);
    if (!http) return fail(http.error());
    c.http = *http;
    auto ps = r.number("page-size", 100, 1, 1000);
    if (!ps) return fail(ps.error());
    c.page_size = static_cast<int>(*ps);
    return make_gandi_api(std::move(c), log, name);
}

Result<std::unique_ptr<Api>> ovh(const std::string& name, Reader& r, LogSink& log) {
    OvhConfig c;
    auto url = https_url(name, r, c.url);
    if (!url) return fail(url.error());
    c.url = *url;
    auto creds =
        read_secret(r.secret("credentials"), fmt::format("registrar {} credentials", name));
    if (!creds) return fail(creds.error());
    auto http = http_options(r);
    if (!http) return fail(http.error());
    c.http = *http;
    auto max = r.number("max-entries", static_cast<std::int64_t>(c.max_entries), 1, 64);
    if (!max) return fail(max.error());
    c.max_entries = static_cast<std::size_t>(*max);
    auto full = ovh_credentials(*creds, std::move(c));
    if (!full)
        return fail(config_error(fmt::format("registrar {}: {}", name, full.error().message)));
    return make_ovh_api(std::move(*full), log, name);
}

Result<std::unique_ptr<Api>> listing_api(const std::string& name, const std::string& type,
                                         Reader& r, LogSink& log) {
    if (type == "rfc2136") return rfc2136(name, r);
    if (type == "gandi") return gandi(name, r, log);
    if (type == "ovh") return ovh(name, r, log);
    return fail(config_error(
        fmt::format("registrar {}: unknown type `{}` (rfc2136, cds, gandi, ovh, command, manual)",
                    name, type)));
}

Result<ReconcileOptions> reconcile_options(Reader& r) {
    ReconcileOptions options;
    auto settle = r.duration("settle-window", options.settle_window);
    if (!settle) return fail(settle.error());
    options.settle_window = *settle;
    auto poll = r.duration("poll-interval", options.poll_interval);
    if (!poll) return fail(poll.error());
    options.poll_interval = *poll;
    return options;
}

}  // namespace

Result<std::unique_ptr<Api>> make_api(const std::string& name, const Settings& settings,
                                      LogSink& log) {
    Reader r(name, settings);
    auto type = r.require("type");
    if (!type) return fail(type.error());
    if (auto o = reconcile_options(r); !o) return fail(o.error());
    auto api = listing_api(name, *type, r, log);
    if (!api) return fail(api.error());
    if (auto u = r.no_unknown_keys(); !u) return fail(u.error());
    return api;
}

Result<std::unique_ptr<Registrar>> make_registrar(const std::string& name, const Settings& settings,
                                                  Journal& journal, LogSink& log) {
    Reader r(name, settings);
    auto type = r.require("type");
    if (!type) return fail(type.error());
    auto options = reconcile_options(r);
    if (!options) return fail(options.error());
    std::unique_ptr<Registrar> made;
    if (*type == "cds" || *type == "manual") {
        auto ttl = r.number(*type == "cds" ? "ttl" : "ds-ttl", 3600, 0, 2147483647);
        if (!ttl) return fail(ttl.error());
        if (*type == "cds")
            made = make_cds_registrar(name, CdsConfig{static_cast<std::uint32_t>(*ttl)}, journal);
        else
            made = make_manual_registrar(name, static_cast<std::uint32_t>(*ttl), journal);
    } else if (*type == "command") {
        CommandConfig c;
        auto program = r.require("program");
        if (!program) return fail(program.error());
        if (!program->starts_with("/"))
            return fail(
                config_error(fmt::format("registrar {}: program must be an absolute path", name)));
        if (::access(program->c_str(), X_OK) != 0)
            return fail(
                config_error(fmt::format("registrar {}: {} is not executable", name, *program)));
        c.program = *program;
        auto t = r.duration("timeout", c.timeout);
        if (!t) return fail(t.error());
        c.timeout = *t;
        made = make_command_registrar(name, std::move(c), journal, log);
    } else {
        auto api = listing_api(name, *type, r, log);
        if (!api) return fail(api.error());
        made = std::make_unique<ApiRegistrar>(name, std::move(*api), journal, log, *options);
    }
    if (auto u = r.no_unknown_keys(); !u) return fail(u.error());
    return made;
}

}  // namespace zw::registrar
