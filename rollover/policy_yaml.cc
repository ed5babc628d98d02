#include "rollover/policy_yaml.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <vector>

namespace zw::rollover {

namespace {

struct Ctx {
    std::string file;
    std::string policy;
};

Error at(const Ctx& c, const YAML::Node& n, std::string_view field, std::string_view why) {
    // yaml-cpp marks are 0-based; operators count lines from 1.
    auto m = n.Mark();
    std::optional<SourceLocation> where;
    if (m.line >= 0)
        where = SourceLocation{c.file, static_cast<std::uint64_t>(m.line) + 1};
    else
        where = SourceLocation{c.file, 0};
    return config_error(fmt::format("policy {}: {}: {}", c.policy, field, why), where);
}

Result<std::string> scalar(const Ctx& c, const YAML::Node& n, std::string_view field) {
    if (!n.IsScalar()) return fail(at(c, n, field, "expected a single value"));
    return n.Scalar();
}

Result<Seconds> duration(const Ctx& c, const YAML::Node& n, std::string_view field) {
    auto s = scalar(c, n, field);
    if (!s) return fail(s.error());
    auto d = parse_duration(*s);
    if (!d) return fail(at(c, n, field, d.error().message));
    return *d;
}

// A lifetime may be "unlimited": the key then never rolls on schedule.
Result<std::optional<Seconds>> lifetime(const Ctx& c, const YAML::Node& n, std::string_view field) {
    auto s = scalar(c, n, field);
    if (!s) return fail(s.error());
    if (*s == "unlimited") return std::optional<Seconds>{};
    auto d = duration(c, n, field);
    if (!d) return fail(d.error());
    if (*d <= Seconds{0}) return fail(at(c, n, field, "must be positive or 'unlimited'"));
    return std::optional<Seconds>{*d};
}

using Setter = std::function<Result<void>(const Ctx&, const YAML::Node&, Policy&)>;
struct Field {
    std::string_view key;
    Setter set;
};

Setter dur(Seconds Policy::*member, std::string_view field) {
    return [member, field](const Ctx& c, const YAML::Node& n, Policy& p) -> Result<void> {
        auto d = duration(c, n, field);
        if (!d) return fail(d.error());
        p.*member = *d;
        return {};
    };
}

Result<void> apply_map(const Ctx& c, const YAML::Node& map, std::string_view prefix,
                       const std::vector<Field>& fields, Policy& p) {
    if (!map.IsMap()) return fail(at(c, map, prefix, "expected a map"));
    for (const auto& kv : map) {
        std::string key = kv.first.as<std::string>();
        std::string full = prefix.empty() ? key : fmt::format("{}.{}", prefix, key);
        const Field* f = nullptr;
        for (const auto& cand : fields)
            if (cand.key == key) f = &cand;
        if (!f) return fail(at(c, kv.first, full, "unknown field"));
        if (auto r = f->set(c, kv.second, p); !r) return r;
    }
    return {};
}

template <typename E>
Setter method(E Policy::*member, std::string_view field,
              std::vector<std::pair<std::string_view, E>> choices) {
    return [=](const Ctx& c, const YAML::Node& n, Policy& p) -> Result<void> {
        auto s = scalar(c, n, field);
        if (!s) return fail(s.error());
        std::string names;
        for (auto& [w, v] : choices) {
            if (w == *s) {
                p.*member = v;
                return {};
            }
            names += names.empty() ? std::string(w) : fmt::format(", {}", w);
        }
        return fail(at(c, n, field, fmt::format("unknown method '{}' (one of {})", *s, names)));
    };
}

Setter life(std::optional<Seconds> Policy::*member, std::string_view field) {
    return [=](const Ctx& c, const YAML::Node& n, Policy& p) -> Result<void> {
        auto l = lifetime(c, n, field);
        if (!l) return fail(l.error());
        p.*member = *l;
        return {};
    };
}

Result<void> parse_ksk(const Ctx& c, const YAML::Node& n, Policy& p) {
    return apply_map(c, n, "ksk",
                     {{"lifetime", life(&Policy::ksk_lifetime, "ksk.lifetime")},
                      {"method", method(&Policy::ksk_method, "ksk.method",
                                        {{"double-ksk", KskMethod::double_ksk},
                                         {"double-ds", KskMethod::double_ds},
                                         {"double-rrset", KskMethod::double_rrset}})}},
                     p);
}

Result<void> parse_zsk(const Ctx& c, const YAML::Node& n, Policy& p) {
    return apply_map(c, n, "zsk",
                     {{"lifetime", life(&Policy::zsk_lifetime, "zsk.lifetime")},
                      {"method", method(&Policy::zsk_method, "zsk.method",
                                        {{"pre-publication", ZskMethod::pre_publication},
                                         {"double-signature", ZskMethod::double_signature}})}},
                     p);
}

Result<void> parse_csk(const Ctx& c, const YAML::Node& n, Policy& p) {
    p.roles = Roles::csk;
    return apply_map(c, n, "csk",
                     {{"lifetime", life(&Policy::csk_lifetime, "csk.lifetime")},
                      {"method", method(&Policy::ksk_method, "csk.method",
                                        {{"double-ksk", KskMethod::double_ksk},
                                         {"double-ds", KskMethod::double_ds},
                                         {"double-rrset", KskMethod::double_rrset}})}},
                     p);
}

Setter sig(Seconds SignaturePolicy::*member, std::string_view field) {
    return [=](const Ctx& c, const YAML::Node& n, Policy& p) -> Result<void> {
        auto d = duration(c, n, field);
        if (!d) return fail(d.error());
        p.signatures.*member = *d;
        return {};
    };
}

Result<void> parse_parent(const Ctx& c, const YAML::Node& n, Policy& p) {
    return apply_map(
        c, n, "parent",
        {{"propagation-delay",
          [](const Ctx& c, const YAML::Node& n, Policy& p) -> Result<void> {
              auto d = duration(c, n, "parent.propagation-delay");
              if (!d) return fail(d.error());
              p.parent.propagation_delay = *d;
              return {};
          }},
         {"ds-ttl",
          [](const Ctx& c, const YAML::Node& n, Policy& p) -> Result<void> {
              auto d = duration(c, n, "parent.ds-ttl");
              if (!d) return fail(d.error());
              p.parent.ds_ttl = *d;
              return {};
          }},
         // RFC 7583's Dreg depends on the registrar and the day; zonewarden measures it
         // (submission → DS seen at every parent server) instead of trusting a guess.
         {"registration-delay",
          [](const Ctx& c, const YAML::Node& n, Policy&) -> Result<void> {
              return fail(at(c, n, "parent.registration-delay",
                             "Dreg is measured at each submission, not configured; remove it"));
          }}},
        p);
}

const std::vector<Field>& policy_fields() {
    static const std::vector<Field> fields{
        {"algorithm",
         [](const Ctx& c, const YAML::Node& n, Policy& p) -> Result<void> {
             auto s = scalar(c, n, "algorithm");
             if (!s) return fail(s.error());
             if (auto a = algorithm_number(*s)) {
                 p.algorithm = *a;
                 return {};
             }
             unsigned v = 0;
             auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
             if (ec == std::errc{} && ptr == s->data() + s->size() && v > 0 && v < 256) {
                 p.algorithm = static_cast<std::uint8_t>(v);
                 return {};
             }
             return fail(at(c, n, "algorithm", fmt::format("unknown algorithm '{}'", *s)));
         }},
        {"dnskey-ttl", dur(&Policy::dnskey_ttl, "dnskey-ttl")},
        {"max-zone-ttl", dur(&Policy::max_zone_ttl, "max-zone-ttl")},
        {"propagation-delay", dur(&Policy::propagation_delay, "propagation-delay")},
        {"sign-delay", dur(&Policy::sign_delay, "sign-delay")},
        {"publish-safety", dur(&Policy::publish_safety, "publish-safety")},
        {"retire-safety", dur(&Policy::retire_safety, "retire-safety")},
        {"ksk", parse_ksk},
        {"zsk", parse_zsk},
        {"csk", parse_csk},
        {"signatures",
         [](const Ctx& c, const YAML::Node& n, Policy& p) -> Result<void> {
             return apply_map(c, n, "signatures",
                              {{"validity", sig(&SignaturePolicy::validity, "signatures.validity")},
                               {"refresh", sig(&SignaturePolicy::refresh, "signatures.refresh")},
                               {"jitter", sig(&SignaturePolicy::jitter, "signatures.jitter")},
                               {"inception-offset", sig(&SignaturePolicy::inception_offset,
                                                        "signatures.inception-offset")}},
                              p);
         }},
        // NSEC/NSEC3 parameters belong to signer/, which reads them from the same map.
        {"denial", [](const Ctx&, const YAML::Node&, Policy&) -> Result<void> { return {}; }},
        {"parent", parse_parent},
    };
    return fields;
}

Result<std::map<std::string, Policy>> parse_root(const YAML::Node& root, const std::string& file) {
    std::map<std::string, Policy> out;
    if (!root.IsMap()) return out;
    YAML::Node policies = root["policies"];
    if (!policies) return out;
    Ctx top{file, "-"};
    if (!policies.IsMap()) return fail(at(top, policies, "policies", "expected a map"));
    for (const auto& kv : policies) {
        Policy p;
        p.name = kv.first.as<std::string>();
        Ctx c{file, p.name};
        if (kv.second.IsMap() && kv.second["ksk"] && kv.second["csk"])
            return fail(at(c, kv.second["csk"], "csk", "a policy has either ksk+zsk or csk"));
        if (auto r = apply_map(c, kv.second, "", policy_fields(), p); !r) return fail(r.error());
        if (auto r = validate(p); !r) {
            Error e = r.error();
            e.where = SourceLocation{file, static_cast<std::uint64_t>(kv.first.Mark().line) + 1};
            return fail(e);
        }
        out.emplace(p.name, std::move(p));
    }
    return out;
}

}  // namespace

Result<std::map<std::string, Policy>> parse_policies_text(std::string_view text,
                                                          std::string_view file) {
    try {
        YAML::Node root = YAML::Load(std::string(text));
        return parse_root(root, std::string(file));
    } catch (const YAML::Exception& e) {
        return fail(config_error(
            e.msg, SourceLocation{std::string(file), static_cast<std::uint64_t>(e.mark.line) + 1}));
    }
}

Result<std::map<std::string, Policy>> load_policies_file(const std::string& path) {
    try {
        YAML::Node root = YAML::LoadFile(path);
        return parse_root(root, path);
    } catch (const YAML::BadFile&) {
        return fail(config_error("cannot read policy file", SourceLocation{path, 0}));
    } catch (const YAML::Exception& e) {
        return fail(
            config_error(e.msg, SourceLocation{path, static_cast<std::uint64_t>(e.mark.line) + 1}));
    }
}

}  // namespace zw::rollover
