#include "app/tls_config.h"

#include <fmt/format.h>

namespace zw::app {

namespace {

Result<dane::TlsService> read_service(const ConfigNode& item, const dns::Name& zone) {
    const std::string what = fmt::format("tls.{}: ", zone.to_text());
    if (item.kind != ConfigNode::Kind::map)
        return fail(config_error(what + "expected a map (owner, cert, ...)", item.mark.location()));
    Fields f(item, what);
    dane::TlsService s;
    s.where = item.mark.location();
    std::string owner;
    f.required_text("owner", owner);
    f.path("cert", s.cert);
    f.path("chain", s.chain);
    f.path("key", s.key);
    int usage = 3, selector = 1, matching = 1;
    f.integer("usage", usage, 0, 255);
    f.integer("selector", selector, 0, 255);
    f.integer("matching", matching, 0, 255);
    f.integer("ttl", s.ttl, 0, 2147483647);
    if (auto done = f.finish(); !done) return fail(done.error());
    if (s.cert.empty() == s.key.empty())
        return fail(config_error(what + "give exactly one of 'cert' and 'key'", s.where));
    auto params = dane::tlsa_params(usage, selector, matching);
    if (!params) return fail(config_error(what + params.error().message, s.where));
    s.params = *params;
    auto name = dns::Name::from_text(owner, &zone);
    if (!name) return fail(config_error(what + name.error().message, s.where));
    if (!name->is_subdomain_of(zone) || *name == zone)
        return fail(config_error(
            fmt::format("{}owner {} is not below the zone", what, name->to_text()), s.where));
    s.owner = *name;
    return s;
}

}  // namespace

Result<TlsServices> read_tls_services(const ConfigNode& tls) {
    if (tls.kind != ConfigNode::Kind::map)
        return fail(config_error("tls: expected a map of zone names", tls.mark.location()));
    TlsServices out;
    for (const auto& entry : tls.entries) {
        auto zone = dns::Name::from_text(entry.key);
        if (!zone)
            return fail(config_error(fmt::format("tls.{}: {}", entry.key, zone.error().message),
                                     entry.key_mark.location()));
        if (entry.value.kind != ConfigNode::Kind::list)
            return fail(config_error(fmt::format("tls.{}: expected a list of services", entry.key),
                                     entry.value.mark.location()));
        auto& services = out[zone->to_text()];
        for (const ConfigNode& item : entry.value.items) {
            auto s = read_service(item, *zone);
            if (!s) return fail(s.error());
            services.push_back(std::move(*s));
        }
    }
    return out;
}

}  // namespace zw::app
