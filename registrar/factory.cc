#include "registrar/factory.h"

#include <fmt/format.h>
#include <unistd.h>

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

// The fields of one registrar's settings; every message starts "registrar NAME: ".
class Reader : public Fields {
  public:
    Reader(const std::string& name, const Settings& s)
        : Fields(s, fmt::format("registrar {}: ", name)) {}
    // Absent and empty alike leave the default.
    std::string get(std::string_view key, std::string fallback = "") {
        std::string v;
        return text(key, v) && !v.empty() ? v : fallback;
    }
    Result<std::string> require(std::string_view key) {
        std::string v;
        required_text(key, v);
        if (auto ok = status(); !ok) return fail(ok.error());
        return v;
    }
    Result<std::int64_t> number(std::string_view key, std::int64_t fallback, std::int64_t lo,
                                std::int64_t hi) {
        integer(key, fallback, lo, hi);
        if (auto ok = status(); !ok) return fail(ok.error());
        return fallback;
    }
    Result<Seconds> duration(std::string_view key, Seconds fallback) {
        Fields::duration(key, fallback);
        if (auto ok = status(); !ok) return fail(ok.error());
        return fallback;
    }
    Result<std::string> require_file(std::string_view key) {
        auto v = require(key);
        if (!v) return v;
        return file(key);
    }
    std::string file(std::string_view key) {
        std::string v;
        path(key, v);
        return v;
    }
    Result<SecretSource> secret(const std::string& prefix) {
        SecretSource source{file(prefix + "-file"), get(prefix + "-env")};
        if (auto ok = status(); !ok) return fail(ok.error());
        return source;
    }
    // A mistake of a value read already, with its file:line:column.
    Error wrong(std::string_view key, std::string_view why) const {
        const ConfigNode* at = whole().find(key);
        return error_at(at ? at->mark : whole().mark, key, why);
    }
};

Result<std::unique_ptr<Api>> rfc2136(Reader& r) {
    Rfc2136Config c;
    auto server = r.require("server");
    if (!server) return fail(server.error());
    auto port = r.number("port", 53, 1, 65535);
    if (!port) return fail(port.error());
    auto at = live::parse_server(*server, static_cast<std::uint16_t>(*port));
    if (!at || at->address != *server)
        return fail(
            r.wrong("server", "must be an IP address (IPv4 or IPv6); use `port` for the port"));
    c.server = *at;
    // Like nsupdate's `local` or Knot's `via`: ADDR, or with a port IPV4:PORT / [IPV6]:PORT.
    if (auto source = r.get("source"); !source.empty()) {
        auto from = live::parse_server(source, 0);
        if (!from) return fail(r.wrong("source", from.error().message));
        c.source = *from;
    }
    auto keyfile = r.require_file("tsig-key-file");
    if (!keyfile) return fail(keyfile.error());
    auto key = read_tsig_key_file(*keyfile);
    if (!key) return fail(key.error());
    c.key = *key;
    if (auto p = r.get("parent-zone"); !p.empty()) {
        auto n = dns::Name::from_text(p);
        if (!n) return fail(r.wrong("parent-zone", n.error().message));
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
    h.ca_file = r.file("ca-file");
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

Result<std::string> https_url(Reader& r, const std::string& fallback) {
    auto url = r.get("url", fallback);
    if (!url.starts_with("https://")) return fail(r.wrong("url", "must start with https://"));
    while (url.ends_with("/")) url.pop_back();
    return url;
}

Result<std::unique_ptr<Api>> gandi(const std::string& name, Reader& r, LogSink& log) {
    GandiConfig c;
    auto url = https_url(r, c.url);
    if (!url) return fail(url.error());
    c.url = *url;
    auto source = r.secret("token");
    if (!source) return fail(source.error());
    auto token = read_secret(*source, fmt::format("registrar {} token", name));
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
    auto url = https_url(r, c.url);
    if (!url) return fail(url.error());
    c.url = *url;
    auto source = r.secret("credentials");
    if (!source) return fail(source.error());
    auto creds = read_secret(*source, fmt::format("registrar {} credentials", name));
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
    if (type == "rfc2136") return rfc2136(r);
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
    if (auto u = r.finish(); !u) return fail(u.error());
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
        if (!program->starts_with("/")) return fail(r.wrong("program", "must be an absolute path"));
        if (::access(program->c_str(), X_OK) != 0)
            return fail(r.wrong("program", fmt::format("{} is not executable", *program)));
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
    if (auto u = r.finish(); !u) return fail(u.error());
    return made;
}

}  // namespace zw::registrar
