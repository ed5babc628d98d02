#include "store/action_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

namespace zw::store {

using namespace zw::rollover;

namespace {

// Kinds older versions journaled for what the zone publishes, which now follows the key
// states alone: a row of one left pending by a crash has nothing to execute.
constexpr std::array<std::string_view, 3> retired_kinds{"publish-dnskey", "sign-with",
                                                        "publish-cds"};

std::string key(const KeyRef& k) {
    return fmt::format("{}:{}:{}:{}", k.id, k.algorithm, name(k.role),
                       k.tag ? fmt::format("{}", *k.tag) : "-");
}

std::string keys(const std::vector<KeyRef>& ks) {
    if (ks.empty()) return "-";
    std::string s;
    for (const auto& k : ks) s += (s.empty() ? "" : ",") + key(k);
    return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        auto p = s.find(sep);
        out.push_back(s.substr(0, p));
        if (p == std::string_view::npos) return out;
        s.remove_prefix(p + 1);
    }
}

template <typename T>
std::optional<T> number(std::string_view s) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<KeyRef> parse_key(std::string_view s) {
    auto f = split(s, ':');
    if (f.size() != 4) return std::nullopt;
    auto id = number<std::uint32_t>(f[0]);
    auto alg = number<unsigned>(f[1]);
    auto role = parse_role(f[2]);
    if (!id || !alg || *alg > 255 || !role) return std::nullopt;
    KeyRef k{*id, static_cast<std::uint8_t>(*alg), *role, std::nullopt};
    if (f[3] != "-") {
        auto tag = number<std::uint16_t>(f[3]);
        if (!tag) return std::nullopt;
        k.tag = tag;
    }
    return k;
}

std::optional<std::vector<KeyRef>> parse_keys(std::string_view s) {
    std::vector<KeyRef> out;
    if (s == "-") return out;
    for (auto part : split(s, ',')) {
        auto k = parse_key(part);
        if (!k) return std::nullopt;
        out.push_back(*k);
    }
    return out;
}

}  // namespace

std::string encode(const Action& a) {
    struct V {
        std::string operator()(const GenerateKey& g) const {
            return fmt::format("generate-key {} {}", key(g.key),
                               g.predecessor ? fmt::format("{}", *g.predecessor) : "-");
        }
        std::string operator()(const SubmitDsSet& s) const { return "submit-ds " + keys(s.keys); }
        std::string operator()(const Probe& p) const {
            return fmt::format("probe {} {} {}", key(p.key), name(p.record),
                               p.expect == Expect::present ? "present" : "absent");
        }
        std::string operator()(const PurgeKey& p) const { return "purge-key " + key(p.key); }
    };
    return std::visit(V{}, a);
}

Result<std::optional<Action>> decode(std::string_view line) {
    auto bad = [&] {
        return fail(internal_error(fmt::format("cannot decode stored action '{}'", line)));
    };
    auto f = split(line, ' ');
    const auto kind = f[0];
    if (std::ranges::find(retired_kinds, kind) != retired_kinds.end()) return std::nullopt;
    if (kind == "generate-key" && f.size() == 3) {
        auto k = parse_key(f[1]);
        if (!k) return bad();
        std::optional<std::uint32_t> pred;
        if (f[2] != "-") {
            pred = number<std::uint32_t>(f[2]);
            if (!pred) return bad();
        }
        return Action{GenerateKey{*k, pred}};
    }
    if (kind == "submit-ds" && f.size() == 2) {
        auto ks = parse_keys(f[1]);
        if (!ks) return bad();
        return Action{SubmitDsSet{*ks}};
    }
    if (kind == "probe" && f.size() == 4) {
        auto k = parse_key(f[1]);
        auto r = parse_record(f[2]);
        if (!k || !r || (f[3] != "present" && f[3] != "absent")) return bad();
        return Action{Probe{*k, *r, f[3] == "present" ? Expect::present : Expect::absent}};
    }
    if (kind == "purge-key" && f.size() == 2) {
        auto k = parse_key(f[1]);
        if (!k) return bad();
        return Action{PurgeKey{*k}};
    }
    return bad();
}

}  // namespace zw::store
