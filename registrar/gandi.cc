#include "registrar/gandi.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "dns/encoding.h"
#include "registrar/json_text.h"

namespace zw::registrar {

RegistrarError gandi_error(const HttpResponse& r, std::string_view what) {
    std::string msg;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object()) {
        msg = text_of(j, "message", "");
        if (auto c = j.find("cause");
            c != j.end() && c->is_string() && !c->get<std::string>().empty())
            msg += fmt::format(" ({})", c->get<std::string>());
        if (auto errs = j.find("errors"); errs != j.end() && errs->is_array())
            for (const auto& e : *errs)
                if (e.is_object())
                    msg +=
                        fmt::format("; {}: {}", text_of(e, "name", "?"), text_of(e, "description", ""));
    }
    if (msg.empty()) msg = r.body.substr(0, 200);
    msg = fmt::format("gandi {}: {}", what, msg);
    auto kind = ErrorKind::transient;
    if (r.status == 400 || r.status == 422)
        kind = ErrorKind::invalid;
    else if (r.status == 401 || r.status == 403)
        kind = ErrorKind::authentication;
    else if (r.status == 404)
        kind = ErrorKind::not_found;
    else if (r.status == 409)
        kind = ErrorKind::in_progress;  // another operation on the domain runs
    else if (r.status == 405 || r.status == 501)
        kind = ErrorKind::unsupported;
    RegistrarError e{kind, msg, retry_after(r), static_cast<int>(r.status)};
    return e;
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
        // Bounded: 100 pages of page_size keys is far beyond any real DNSKEY set.
        for (int page = 1; page <= 100; ++page) {
            auto r = call(
                "GET", fmt::format("{}?page={}&per_page={}", base(zone), page, c_.page_size), "");
            if (!r) return std::unexpected(r.error());
            if (r->status != 200) return std::unexpected(gandi_error(*r, "list dnskeys"));
            auto j = nlohmann::json::parse(r->body, nullptr, false);
            if (!j.is_array())
                return reg_fail(ErrorKind::transient, "gandi list dnskeys: not a JSON array");
            for (const auto& o : j) {
                auto e = parse_key(o);
                if (!e) return std::unexpected(e.error());
                out.push_back(std::move(*e));
            }
            std::size_t total = 0;
            if (auto t = r->header("Total-Count")) total = std::strtoul(t->c_str(), nullptr, 10);
            if (j.size() < static_cast<std::size_t>(c_.page_size) ||
                (total != 0 && out.size() >= total))
                break;
        }
        return out;
    }

    RResult<Submitted> add(const dns::Name& zone, const Entry& e) override {
        nlohmann::json body{{"flags", e.flags.value_or(257)},
                            {"algorithm", e.algorithm},
                            {"public_key", dns::base64_encode(e.public_key)}};
        auto r = call("POST", base(zone), body.dump());
        if (!r) return std::unexpected(r.error());
        if (r->status == 201 || r->status == 202) return Submitted{"", true};
        return std::unexpected(gandi_error(*r, "add dnskey"));
    }

    RResult<Submitted> remove(const dns::Name& zone, const Entry& held) override {
        if (held.id.empty())
            return reg_fail(ErrorKind::invalid, "gandi dnskey without an id cannot be deleted");
        auto r = call("DELETE", fmt::format("{}/{}", base(zone), held.id), "");
        if (!r) return std::unexpected(r.error());
        if (r->status == 204 || r->status == 200) return Submitted{"", false};
        if (r->status == 202) return Submitted{"", true};
        return std::unexpected(gandi_error(*r, "delete dnskey"));
    }

  private:
    std::string base(const dns::Name& zone) const {
        auto fqdn = zone.to_text();
        if (fqdn.size() > 1 && fqdn.back() == '.') fqdn.pop_back();
        return fmt::format("{}/domain/domains/{}/dnskeys", c_.url, fqdn);
    }

    RResult<HttpResponse> call(std::string method, std::string url, std::string body) const {
        HttpRequest req{std::move(method),
                        std::move(url),
                        {{"Authorization", "Bearer " + c_.token}, {"Accept", "application/json"}},
                        std::move(body)};
        if (!req.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
        auto r = http_.send(req);
        if (r && r->status >= 500)
            return std::unexpected(gandi_error(*r, req.method + " " + req.url));
        if (r && r->status == 429) return std::unexpected(gandi_error(*r, "rate limited"));
        return r;
    }

    static RResult<Entry> parse_key(const nlohmann::json& o) {
        try {
            Entry e;
            e.id = o.at("id").is_string() ? o.at("id").get<std::string>() : o.at("id").dump();
            e.key_tag = o.at("keytag").get<std::uint16_t>();
            e.algorithm = o.at("algorithm").get<std::uint8_t>();
            e.flags = o.at("flags").get<std::uint16_t>();
            auto key = dns::base64_decode(o.at("public_key").get<std::string>());
            if (!key) return reg_fail(ErrorKind::transient, "gandi listed a key with bad base64");
            e.public_key = std::move(*key);
            if (o.contains("digest") && o.contains("digest_type")) {
                auto d = dns::hex_decode(o.at("digest").get<std::string>());
                if (d) {
                    e.digest = std::move(*d);
                    e.digest_type = o.at("digest_type").get<std::uint8_t>();
                }
            }
            return e;
        } catch (const nlohmann::json::exception& ex) {
            return reg_fail(ErrorKind::transient,
                            fmt::format("gandi listed a key I cannot read: {}", ex.what()));
        }
    }

    GandiConfig c_;
    HttpClient http_;
};

}  // namespace

std::unique_ptr<Api> make_gandi_api(GandiConfig config, LogSink& log, std::string name) {
    return std::make_unique<GandiApi>(std::move(config), log, std::move(name));
}

}  // namespace zw::registrar
