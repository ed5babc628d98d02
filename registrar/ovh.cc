#include "registrar/ovh.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "dns/encoding.h"
#include "registrar/json_text.h"

namespace zw::registrar {

std::string ovh_signature(std::string_view as, std::string_view ck, std::string_view method,
                          std::string_view url, std::string_view body, std::int64_t ts) {
    auto text = fmt::format("{}+{}+{}+{}+{}+{}", as, ck, method, url, body, ts);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text.data(), text.size(), md, &len, EVP_sha1(), nullptr);
    std::string hex = dns::hex_encode({md, len});
    for (auto& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "$1$" + hex;
}

RegistrarError ovh_error(const HttpResponse& r, std::string_view what) {
    std::string code, cls, message;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object()) {
        code = text_of(j, "errorCode", "");
        cls = text_of(j, "class", "");
        message = text_of(j, "message", "");
    }
    if (message.empty()) message = r.body.substr(0, 200);
    auto kind = ErrorKind::transient;
    if (code == "INVALID_SIGNATURE" || code == "INVALID_CREDENTIAL" || code == "NOT_CREDENTIAL" ||
        code == "NOT_GRANTED_CALL" || code == "INVALID_KEY" || r.status == 401 || r.status == 403)
        kind = ErrorKind::authentication;
    else if (code == "QUERY_TIME_OUT")
        kind = ErrorKind::transient;  // clock drift: re-read /auth/time
    else if (r.status == 404)
        kind = ErrorKind::not_found;
    else if (r.status == 409)
        kind = ErrorKind::in_progress;  // a task for the domain is pending
    else if (r.status == 400 || r.status == 422)
        kind = ErrorKind::invalid;
    else if (r.status == 405 || r.status == 501)
        kind = ErrorKind::unsupported;
    auto label = !code.empty() ? code : cls;
    return RegistrarError{
        kind, fmt::format("ovh {}: {}{}", what, message, label.empty() ? "" : " [" + label + "]"),
        retry_after(r), static_cast<int>(r.status)};
}

Result<OvhConfig> ovh_credentials(std::string_view json, OvhConfig base) {
    auto j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_object()) return fail(config_error("ovh credentials: not a JSON object"));
    base.application_key = text_of(j, "application_key", "");
    base.application_secret = text_of(j, "application_secret", "");
    base.consumer_key = text_of(j, "consumer_key", "");
    if (base.application_key.empty() || base.application_secret.empty() ||
        base.consumer_key.empty())
        return fail(config_error(
            "ovh credentials need application_key, application_secret and consumer_key"));
    return base;
}

namespace {

class OvhApi final : public Api {
  public:
    OvhApi(OvhConfig c, LogSink& log, std::string name)
        : c_(std::move(c)), http_(c_.http, log, std::move(name)) {}

    Capabilities capabilities() const override {
        Capabilities caps;
        caps.accepts = EntryView::dnskey;
        caps.granularity = Granularity::whole_set;
        caps.async = true;
        caps.max_entries = c_.max_entries;
        caps.algorithms = {dns::alg::rsasha256, dns::alg::ecdsap256sha256,
                           dns::alg::ecdsap384sha384, dns::alg::ed25519, dns::alg::ed448};
        return caps;
    }

    RResult<std::vector<Entry>> list(const dns::Name& zone) override {
        // A task can replace the set between the id listing and the per-record reads; a
        // record that vanished in between means "list again", a few times at most.
        for (int attempt = 0; attempt < 3; ++attempt) {
            auto r = list_once(zone);
            if (r || r.error().kind != ErrorKind::not_found ||
                r.error().message.find("dsRecord/") == std::string::npos)
                return r;
        }
        return reg_fail(ErrorKind::transient,
                        "ovh dsRecord: the set kept changing while it was listed");
    }

  private:
    RResult<std::vector<Entry>> list_once(const dns::Name& zone) {
        auto ids = call("GET", path(zone, "dsRecord"), "");
        if (!ids) return std::unexpected(ids.error());
        if (!ids->is_array())
            return reg_fail(ErrorKind::transient, "ovh dsRecord: not a list of ids");
        std::vector<Entry> out;
        if (ids->size() > 64)
            return reg_fail(ErrorKind::transient, "ovh dsRecord: implausibly many entries");
        for (const auto& id : *ids) {
            auto o = call("GET", path(zone, "dsRecord/" + id.dump()), "");
            if (!o) return std::unexpected(o.error());
            try {
                Entry e;
                e.id = o->at("id").dump();
                e.algorithm = o->at("algorithm").get<std::uint8_t>();
                e.flags = o->at("flags").get<std::uint16_t>();
                e.key_tag = o->at("tag").get<std::uint16_t>();
                auto key = dns::base64_decode(o->at("publicKey").get<std::string>());
                if (!key) return reg_fail(ErrorKind::transient, "ovh listed a key with bad base64");
                e.public_key = std::move(*key);
                out.push_back(std::move(e));
            } catch (const nlohmann::json::exception& ex) {
                return reg_fail(ErrorKind::transient,
                                fmt::format("ovh dsRecord {}: {}", id.dump(), ex.what()));
            }
        }
        return out;
    }

  public:
    RResult<Submitted> replace(const dns::Name& zone, const std::vector<Entry>& desired,
                               const std::vector<Entry>&) override {
        auto keys = nlohmann::json::array();
        for (const auto& e : desired)
            keys.push_back({{"algorithm", e.algorithm},
                            {"flags", e.flags.value_or(257)},
                            {"publicKey", dns::base64_encode(e.public_key)},
                            {"tag", e.key_tag}});
        auto task = call("POST", path(zone, "dsRecord"), nlohmann::json{{"keys", keys}}.dump());
        if (!task) return std::unexpected(task.error());
        if (!task->is_object() || !task->contains("id"))
            return reg_fail(ErrorKind::transient, "ovh dsRecord POST answered without a task");
        return Submitted{task->at("id").dump(), true};
    }

    RResult<TaskStatus> task(const dns::Name& zone, const std::string& ref) override {
        auto t = call("GET", path(zone, "task/" + ref), "");
        if (!t) return std::unexpected(t.error());
        auto status = text_of(*t, "status", "");
        auto comment = text_of(*t, "comment", "");
        auto detail =
            fmt::format("task {} {}{}{}", ref, status, comment.empty() ? "" : ": ", comment);
        if (status == "done") return TaskStatus{TaskState::done, detail};
        if (status == "error" || status == "cancelled")
            return TaskStatus{TaskState::failed, detail};
        return TaskStatus{TaskState::pending, detail};  // init, todo, doing
    }

    RResult<std::optional<std::string>> open_task(const dns::Name& zone) override {
        for (std::string status : {"todo", "doing", "init"}) {
            // Any pending task of the domain: the function name of a DS update is not documented
            // precisely, and adopting an unrelated task only means waiting for it, then planning
            // again from a fresh listing.
            auto ids = call("GET", path(zone, "task?status=" + status), "");
            if (!ids) return std::unexpected(ids.error());
            if (ids->is_array() && !ids->empty())
                return std::optional<std::string>(ids->front().dump());
        }
        return std::optional<std::string>{};
    }

  private:
    std::string path(const dns::Name& zone, const std::string& rest) const {
        auto fqdn = zone.to_text();
        if (fqdn.size() > 1 && fqdn.back() == '.') fqdn.pop_back();
        return fmt::format("{}/domain/{}/{}", c_.url, fqdn, rest);
    }

    static std::int64_t local_now() {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    // The offset between the server's clock and ours, read once and again after QUERY_TIME_OUT.
    RResult<std::int64_t> server_delta(bool refresh) {
        if (delta_ && !refresh) return *delta_;
        auto r = http_.send(
            HttpRequest{"GET", c_.url + "/auth/time", {{"Accept", "application/json"}}, ""});
        if (!r) return std::unexpected(r.error());
        if (r->status != 200) return std::unexpected(ovh_error(*r, "auth/time"));
        auto j = nlohmann::json::parse(r->body, nullptr, false);
        if (!j.is_number_integer())
            return reg_fail(ErrorKind::transient, "ovh auth/time: not a number");
        delta_ = j.get<std::int64_t>() - local_now();
        return *delta_;
    }

    RResult<nlohmann::json> call(const std::string& method, const std::string& url,
                                 const std::string& body) {
        for (int attempt = 0; attempt < 2; ++attempt) {
            auto delta = server_delta(attempt > 0);
            if (!delta) return std::unexpected(delta.error());
            auto ts = local_now() + *delta;
            HttpRequest req{
                method,
                url,
                {{"X-Ovh-Application", c_.application_key},
                 {"X-Ovh-Consumer", c_.consumer_key},
                 {"X-Ovh-Timestamp", std::to_string(ts)},
                 {"X-Ovh-Signature",
                  ovh_signature(c_.application_secret, c_.consumer_key, method, url, body, ts)},
                 {"Accept", "application/json"}},
                body};
            if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
            auto r = http_.send(req);
            if (!r) return std::unexpected(r.error());
            if (r->status == 200) {
                auto j = nlohmann::json::parse(r->body, nullptr, false);
                if (j.is_discarded())
                    return reg_fail(ErrorKind::transient, "ovh answered invalid JSON");
                return j;
            }
            auto e = ovh_error(*r, method + " " + url);
            if (e.message.find("QUERY_TIME_OUT") != std::string::npos && attempt == 0) continue;
            return std::unexpected(e);
        }
        return reg_fail(ErrorKind::transient, "ovh: request refused as out of time twice");
    }

    OvhConfig c_;
    HttpClient http_;
    std::optional<std::int64_t> delta_;
};

}  // namespace

std::unique_ptr<Api> make_ovh_api(OvhConfig config, LogSink& log, std::string name) {
    return std::make_unique<OvhApi>(std::move(config), log, std::move(name));
}

}  // namespace zw::registrar
