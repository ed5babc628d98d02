#include "registrar/gandi.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "dns/encoding.h"

namespace zw::registrar {

namespace {

constexpr std::string_view registrar_name = "gandi";

// The text of a Gandi error body: "message (cause); name: description; …". Only string
// members are read; anything else in the body is ignored, never trusted.
std::string error_text(const HttpResponse& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    std::string msg = text_member(j, "message");
    if (auto cause = text_member(j, "cause"); !cause.empty()) msg += fmt::format(" ({})", cause);
    if (j.is_object())
        if (auto errs = j.find("errors"); errs != j.end() && errs->is_array())
            for (const auto& e : *errs) {
                if (!e.is_object()) continue;
                auto name = text_member(e, "name");
                msg += fmt::format("; {}: {}", name.empty() ? "?" : name,
                                   text_member(e, "description"));
            }
    if (msg.empty()) msg = r.body.substr(0, 200);
    return msg;
}

RResult<Entry> parse_key(const AnswerReader& r, const nlohmann::json& o, const std::string& path) {
    Entry e;
    auto id = r.integer(o, path, "id", 0, INT64_MAX);
    if (!id) return std::unexpected(id.error());
    e.id = std::to_string(*id);
    auto type = r.string(o, path, "type");
    if (!type) return std::unexpected(type.error());
    auto flags = gandi_type_flags(*type);
    if (!flags)
        return std::unexpected(r.fail(path_key(path, "type"),
                                      fmt::format("key {} has type \"{}\": its DNSKEY flags (KSK "
                                                  "or ZSK) cannot be known and are not guessed; "
                                                  "fix or delete the key at Gandi",
                                                  e.id, *type)));
    e.flags = *flags;
    auto tag = r.integer(o, path, "keytag", 0, 65535);
    if (!tag) return std::unexpected(tag.error());
    e.key_tag = static_cast<std::uint16_t>(*tag);
    auto alg = r.integer(o, path, "algorithm", 0, 255);
    if (!alg) return std::unexpected(alg.error());
    e.algorithm = static_cast<std::uint8_t>(*alg);
    auto digest_type = r.integer(o, path, "digest_type", 0, 255);
    if (!digest_type) return std::unexpected(digest_type.error());
    auto digest_text = r.string(o, path, "digest");
    if (!digest_text) return std::unexpected(digest_text.error());
    auto digest = dns::hex_decode(*digest_text);
    if (!digest) return std::unexpected(r.fail(path_key(path, "digest"), "not hexadecimal"));
    e.digest_type = static_cast<std::uint8_t>(*digest_type);
    e.digest = std::move(*digest);
    // public_key is optional in the listing; the digest alone identifies the key then.
    auto public_key = r.nullable_string(o, path, "public_key");
    if (!public_key) return std::unexpected(public_key.error());
    if (*public_key) {
        auto key = dns::base64_decode(**public_key);
        if (!key || key->empty())
            return std::unexpected(r.fail(path_key(path, "public_key"), "not base64"));
        e.public_key = std::move(*key);
    }
    return e;
}

}  // namespace

std::optional<std::uint16_t> gandi_type_flags(std::string_view type) {
    if (type == "ksk") return std::uint16_t{257};
    if (type == "zsk") return std::uint16_t{256};
    return std::nullopt;
}

std::optional<std::string_view> gandi_flags_type(std::uint16_t flags) {
    if (flags == 257) return "ksk";
    if (flags == 256) return "zsk";
    return std::nullopt;
}

RegistrarError gandi_error(const HttpResponse& r, std::string_view what) {
    auto msg = fmt::format("{} {}: {}", registrar_name, what, error_text(r));
    auto kind = ErrorKind::bad_answer;  // a status the API does not answer with
    if (r.status == 400 || r.status == 422)
        kind = ErrorKind::invalid;
    else if (r.status == 401)
        kind = ErrorKind::authentication;
    else if (r.status == 403) {
        kind = ErrorKind::authentication;
        msg += " (the token has no rights on this domain or has expired)";
    } else if (r.status == 404)
        kind = ErrorKind::not_found;
    else if (r.status == 409)
        kind = ErrorKind::in_progress;  // another operation on the domain runs
    else if (r.status == 405 || r.status == 501)
        kind = ErrorKind::unsupported;
    else if (r.status == 429 || r.status >= 500)
        kind = ErrorKind::transient;
    return RegistrarError{kind, msg, retry_after(r), static_cast<int>(r.status)};
}

RResult<GandiPage> gandi_parse_list(const Exchange& ex) {
    if (ex.response.status != 200) return std::unexpected(gandi_error(ex.response, ex.describe()));
    AnswerReader r(registrar_name, ex);
    auto j = r.body();
    if (!j) return std::unexpected(j.error());
    if (auto ok = r.array(*j, "(body)"); !ok) return std::unexpected(ok.error());
    GandiPage page;
    for (std::size_t i = 0; i < j->size(); ++i) {
        auto e = parse_key(r, (*j)[i], path_index("", i));
        if (!e) return std::unexpected(e.error());
        page.keys.push_back(std::move(*e));
    }
    if (auto link = ex.response.header("Link")) page.next = link_next(*link);
    return page;
}

RResult<Submitted> gandi_parse_add(const Exchange& ex) {
    if (ex.response.status >= 200 && ex.response.status < 300) return Submitted{"", true};
    return std::unexpected(gandi_error(ex.response, ex.describe()));
}

RResult<Submitted> gandi_parse_remove(const Exchange& ex) {
    if (ex.response.status == 202) return Submitted{"", true};
    if (ex.response.status == 200 || ex.response.status == 204) return Submitted{"", false};
    return std::unexpected(gandi_error(ex.response, ex.describe()));
}

namespace {

class GandiApi final : public Api {
  public:
    GandiApi(GandiConfig c, LogSink& log, std::string name)
        : c_(std::move(c)), http_(c_.http, log, std::move(name)) {}

    Capabilities capabilities() const override {
        Capabilities caps;
        caps.accepts = EntryView::dnskey;
        caps.granularity = Granularity::per_record;
        caps.async = true;
        caps.algorithms = {dns::alg::rsasha256, dns::alg::ecdsap256sha256,
                           dns::alg::ecdsap384sha384, dns::alg::ed25519, dns::alg::ed448};
        return caps;
    }

    RResult<std::vector<Entry>> list(const dns::Name& zone) override {
        std::vector<Entry> out;
        std::string url = fmt::format("{}?page=1&per_page={}", base(zone), c_.page_size);
        // Bounded: 100 pages is far beyond any real DNSKEY set.
        for (int page = 0; page < 100; ++page) {
            auto ex = call("GET", url, "");
            if (!ex) return std::unexpected(ex.error());
            auto p = gandi_parse_list(*ex);
            if (!p) return std::unexpected(p.error());
            for (auto& e : p->keys) out.push_back(std::move(e));
            if (!p->next) return out;
            auto next = same_api(*p->next);
            if (!next)
                return std::unexpected(bad_answer(
                    registrar_name, *ex, "Link",
                    fmt::format("rel=\"next\" points outside {} ({}); the token is not sent there",
                                c_.url, *p->next)));
            if (*next == url)
                return std::unexpected(
                    bad_answer(registrar_name, *ex, "Link", "rel=\"next\" points to this page"));
            url = std::move(*next);
        }
        return reg_fail(ErrorKind::bad_answer, "gandi list dnskeys: more than 100 pages of keys");
    }

    RResult<Submitted> add(const dns::Name& zone, const Entry& e) override {
        auto type = gandi_flags_type(e.flags.value_or(257));
        if (!type)
            return reg_fail(
                ErrorKind::invalid,
                fmt::format("gandi takes KSKs (flags 257) and ZSKs (256), not flags {}", *e.flags));
        nlohmann::json body{{"algorithm", e.algorithm},
                            {"type", *type},
                            {"public_key", dns::base64_encode(e.public_key)}};
        auto ex = call("POST", base(zone), body.dump());
        if (!ex) return std::unexpected(ex.error());
        return gandi_parse_add(*ex);
    }

    RResult<Submitted> remove(const dns::Name& zone, const Entry& held) override {
        if (held.id.empty())
            return reg_fail(ErrorKind::invalid, "gandi dnskey without an id cannot be deleted");
        auto ex = call("DELETE", fmt::format("{}/{}", base(zone), held.id), "");
        if (!ex) return std::unexpected(ex.error());
        return gandi_parse_remove(*ex);
    }

  private:
    std::string base(const dns::Name& zone) const {
        auto fqdn = zone.to_text();
        if (fqdn.size() > 1 && fqdn.back() == '.') fqdn.pop_back();
        return fmt::format("{}/domain/domains/{}/dnskeys", c_.url, fqdn);
    }

    // A next-page URL, absolute or absolute-path (RFC 3986 §4.2), that stays under the
    // configured API URL; anything else is refused so the token never leaves for elsewhere.
    std::optional<std::string> same_api(const std::string& target) const {
        std::string url = target;
        if (target.starts_with("/") && !target.starts_with("//")) {
            auto host_end = c_.url.find('/', std::string_view("https://").size());
            url = c_.url.substr(0, host_end) + target;
        }
        if (!url.starts_with(c_.url + "/")) return std::nullopt;
        return url;
    }

    RResult<Exchange> call(std::string method, std::string url, std::string body) const {
        HttpRequest req{method,
                        url,
                        {{"Authorization", "Bearer " + c_.token}, {"Accept", "application/json"}},
                        std::move(body)};
        if (!req.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
        auto r = http_.send(req);
        if (!r) return std::unexpected(r.error());
        return Exchange{std::move(method), std::move(url), std::move(*r)};
    }

    GandiConfig c_;
    HttpClient http_;
};

}  // namespace

std::unique_ptr<Api> make_gandi_api(GandiConfig config, LogSink& log, std::string name) {
    return std::make_unique<GandiApi>(std::move(config), log, std::move(name));
}

}  // namespace zw::registrar
