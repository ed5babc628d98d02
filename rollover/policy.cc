#include "rollover/policy.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "rollover/timeline.h"

namespace zw::rollover {

namespace {
constexpr std::array<std::pair<std::string_view, std::uint8_t>, 8> algorithms{{
    {"rsasha1", 5},
    {"rsasha1-nsec3-sha1", 7},
    {"rsasha256", 8},
    {"rsasha512", 10},
    {"ecdsap256sha256", 13},
    {"ecdsap384sha384", 14},
    {"ed25519", 15},
    {"ed448", 16},
}};
}  // namespace

std::optional<std::uint8_t> algorithm_number(std::string_view mnemonic) {
    for (auto [n, v] : algorithms)
        if (n == mnemonic) return v;
    return std::nullopt;
}

std::string algorithm_mnemonic(std::uint8_t number) {
    for (auto [n, v] : algorithms)
        if (v == number) return std::string(n);
    return fmt::format("{}", number);
}

std::string_view name(Roles r) {
    switch (r) {
        case Roles::ksk_zsk:
            return "ksk+zsk";
        case Roles::csk:
            return "csk";
    }
    return "?";
}

std::string_view name(ZskMethod m) {
    switch (m) {
        case ZskMethod::pre_publication:
            return "pre-publication";
        case ZskMethod::double_signature:
            return "double-signature";
    }
    return "?";
}

std::string_view name(KskMethod m) {
    switch (m) {
        case KskMethod::double_ksk:
            return "double-ksk";
        case KskMethod::double_ds:
            return "double-ds";
        case KskMethod::double_rrset:
            return "double-rrset";
    }
    return "?";
}

Result<void> validate(const Policy& p) {
    auto bad = [&](std::string_view field, std::string why) {
        return fail(config_error(fmt::format("policy {}: {}: {}", p.name, field, why)));
    };
    if (p.dnskey_ttl <= Seconds{0}) return bad("dnskey-ttl", "must be positive");
    if (p.max_zone_ttl <= Seconds{0}) return bad("max-zone-ttl", "must be positive");
    if (p.parent.ds_ttl && *p.parent.ds_ttl <= Seconds{0})
        return bad("parent.ds-ttl", "must be positive");
    const auto& s = p.signatures;
    if (s.refresh >= s.validity)
        return bad("signatures.refresh", "must be shorter than signatures.validity");
    if (s.jitter >= s.refresh)
        return bad("signatures.jitter", "must be shorter than signatures.refresh");
    // A signature must outlive every cache that may hold it, or validators see expired
    // RRSIGs (RFC 6781 §4.4.2). The signer pulls each expiration up to `jitter` earlier,
    // so validity - jitter - refresh is the shortest remaining life at a refresh.
    if (s.validity - s.jitter - s.refresh <= p.max_zone_ttl + p.propagation_delay)
        return bad("signatures.refresh",
                   "validity - jitter - refresh must exceed max-zone-ttl + propagation-delay");

    // A lifetime shorter than the rollover it starts would need a successor before the
    // current key is even in use (RFC 7583 §3: Tpub(N+1) must not precede Tact(N)).
    Timeline t{p, std::nullopt, std::nullopt};
    auto check_life = [&](std::string_view field, std::optional<Seconds> life,
                          Role role) -> Result<void> {
        if (!life) return {};
        Seconds lead = t.successor_lead(role);
        if (*life <= lead)
            return bad(field, fmt::format("{} is not longer than the rollover lead time {}",
                                          format_duration(*life), format_duration(lead)));
        return {};
    };
    if (p.roles == Roles::csk) {
        if (auto r = check_life("csk.lifetime", p.csk_lifetime, Role::csk); !r) return r;
    } else {
        if (auto r = check_life("ksk.lifetime", p.ksk_lifetime, Role::ksk); !r) return r;
        if (auto r = check_life("zsk.lifetime", p.zsk_lifetime, Role::zsk); !r) return r;
    }
    return {};
}

}  // namespace zw::rollover
