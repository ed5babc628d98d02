#include "app/policy_config.h"

#include <fmt/format.h>

#include <charconv>

namespace zw::app {

namespace {

using rollover::KskMethod;
using rollover::Policy;
using rollover::ZskMethod;

// A lifetime may be "unlimited": the key then never rolls on schedule.
void lifetime(Fields& f, std::optional<Seconds>& into) {
    std::string s;
    if (!f.text("lifetime", s)) return;
    if (s == "unlimited") {
        into.reset();
        return;
    }
    Seconds d{0};
    if (!f.duration("lifetime", d)) return;
    if (d <= Seconds{0}) return f.refuse("lifetime", "must be positive or 'unlimited'");
    into = d;
}

void ksk_method(Fields& f, KskMethod& into) {
    f.choice("method", into,
             {{"double-ksk", KskMethod::double_ksk},
              {"double-ds", KskMethod::double_ds},
              {"double-rrset", KskMethod::double_rrset}},
             "method");
}

void algorithm(Fields& f, Policy& p) {
    std::string s;
    if (!f.text("algorithm", s)) return;
    if (auto a = rollover::algorithm_number(s)) {
        p.algorithm = *a;
        return;
    }
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size() && v > 0 && v < 256) {
        p.algorithm = static_cast<std::uint8_t>(v);
        return;
    }
    f.refuse("algorithm", fmt::format("unknown algorithm '{}'", s));
}

void read_policy(Fields& f, Policy& p) {
    algorithm(f, p);
    f.duration("dnskey-ttl", p.dnskey_ttl);
    f.duration("max-zone-ttl", p.max_zone_ttl);
    f.duration("propagation-delay", p.propagation_delay);
    f.duration("sign-delay", p.sign_delay);
    f.duration("publish-safety", p.publish_safety);
    f.duration("retire-safety", p.retire_safety);
    if (f.whole().find("ksk") && f.whole().find("csk"))
        return f.refuse("csk", "a policy has either ksk+zsk or csk");
    f.map("ksk", [&](Fields& k) {
        lifetime(k, p.ksk_lifetime);
        ksk_method(k, p.ksk_method);
    });
    f.map("zsk", [&](Fields& z) {
        lifetime(z, p.zsk_lifetime);
        z.choice("method", p.zsk_method,
                 {{"pre-publication", ZskMethod::pre_publication},
                  {"double-signature", ZskMethod::double_signature}},
                 "method");
    });
    if (f.map("csk", [&](Fields& c) {
            lifetime(c, p.csk_lifetime);
            ksk_method(c, p.ksk_method);
        }))
        p.roles = rollover::Roles::csk;
    f.map("signatures", [&](Fields& s) {
        s.duration("validity", p.signatures.validity);
        s.duration("refresh", p.signatures.refresh);
        s.duration("jitter", p.signatures.jitter);
        s.duration("inception-offset", p.signatures.inception_offset);
    });
    f.map("parent", [&](Fields& s) {
        s.duration("propagation-delay", p.parent.propagation_delay);
        Seconds ds_ttl{0};
        if (s.duration("ds-ttl", ds_ttl)) p.parent.ds_ttl = ds_ttl;
        // RFC 7583's Dreg depends on the registrar and the day; zonewarden measures it
        // (submission → DS seen at every parent server) instead of trusting a guess.
        if (s.node("registration-delay"))
            s.refuse("registration-delay",
                     "Dreg is measured at each submission, not configured; remove it");
    });
    if (f.node("denial"))
        f.refuse(
            "denial",
            "NSEC or NSEC3 is chosen for every zone by the top-level 'denial:'; remove it here");
}

}  // namespace

Result<std::map<std::string, Policy>> read_policies(const ConfigNode& policies) {
    std::map<std::string, Policy> out;
    if (policies.kind != ConfigNode::Kind::map)
        return fail(config_error("policies: expected a map", policies.mark.location()));
    for (const auto& entry : policies.entries) {
        Policy p;
        p.name = entry.key;
        Fields f(entry.value, fmt::format("policy {}: ", p.name));
        read_policy(f, p);
        if (auto done = f.finish(); !done) return fail(done.error());
        if (auto valid = rollover::validate(p); !valid) {
            Error e = valid.error();
            e.where = entry.key_mark.location();
            return fail(e);
        }
        out.emplace(p.name, std::move(p));
    }
    return out;
}

}  // namespace zw::app
