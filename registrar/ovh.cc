#include "registrar/ovh.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "dns/encoding.h"

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

Result<OvhConfig> ovh_credentials(std::string_view json, OvhConfig base) {
    auto j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_object()) return fail(config_error("ovh credentials: not a JSON object"));
    base.application_key = text_member(j, "application_key");
    base.application_secret = text_member(j, "application_secret");
    base.consumer_key = text_member(j, "consumer_key");
    if (base.application_key.empty() || base.application_secret.empty() ||
        base.consumer_key.empty())
        return fail(config_error(
            "ovh credentials need application_key, application_secret and consumer_key (strings)"));
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
        // dnssec.KeyAlgorithmEnum lists 5, 7, 8, 10, 13, 14 and 15 (no Ed448).
        caps.algorithms = {dns::alg::rsasha256, dns::alg::ecdsap256sha256,
                           dns::alg::ecdsap384sha384, dns::alg::ed25519};
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

    RResult<Submitted> replace(const dns::Name& zone, const std::vector<Entry>& desired,
                               const std::vector<Entry>&) override {
        auto keys = nlohmann::json::array();
        for (const auto& e : desired)
            keys.push_back({{"algorithm", e.algorithm},
                            {"flags", e.flags.value_or(257)},
                            {"publicKey", dns::base64_encode(e.public_key)},
                            {"tag", e.key_tag}});
        auto ex = call("POST", path(zone, "dsRecord"), nlohmann::json{{"keys", keys}}.dump());
        if (!ex) return std::unexpected(ex.error());
        auto task = ovh_parse_task(*ex);
        if (!task) return std::unexpected(task.error());
        return Submitted{std::to_string(task->id), true};
    }

    RResult<TaskStatus> task(const dns::Name& zone, const std::string& ref) override {
        auto ex = call("GET", path(zone, "task/" + ref), "");
        if (!ex) return std::unexpected(ex.error());
        auto t = ovh_parse_task(*ex);
        if (!t) return std::unexpected(t.error());
        return ovh_task_status(*t);
    }

    RResult<std::optional<std::string>> open_task(const dns::Name& zone) override {
        // The unfinished DS update of the domain, by the published filters: function (like)
        // and status (=), once for each status that is not final.
        for (std::string_view status : {"todo", "doing"}) {
            auto ex = call(
                "GET",
                path(zone, fmt::format("task?function={}&status={}", ovh_ds_task_function, status)),
                "");
            if (!ex) return std::unexpected(ex.error());
            auto ids = ovh_parse_ids(*ex);
            if (!ids) return std::unexpected(ids.error());
            if (!ids->empty()) return std::optional<std::string>(std::to_string(ids->front()));
        }
        return std::optional<std::string>{};
    }

  private:
    RResult<std::vector<Entry>> list_once(const dns::Name& zone) {
        auto ex = call("GET", path(zone, "dsRecord"), "");
        if (!ex) return std::unexpected(ex.error());
        auto ids = ovh_parse_ids(*ex);
        if (!ids) return std::unexpected(ids.error());
        if (ids->size() > 64)
            return reg_fail(ErrorKind::bad_answer, "ovh dsRecord: implausibly many entries");
        std::vector<Entry> out;
        for (auto id : *ids) {
            auto record = call("GET", path(zone, fmt::format("dsRecord/{}", id)), "");
            if (!record) return std::unexpected(record.error());
            auto e = ovh_parse_ds_record(*record);
            if (!e) return std::unexpected(e.error());
            out.push_back(std::move(*e));
        }
        return out;
    }

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

    // The offset between the server's clock and ours, read once and again after a refusal
    // for time (python-ovh and go-ovh read it once per client).
    RResult<std::int64_t> server_delta(bool refresh) {
        if (delta_ && !refresh) return *delta_;
        std::string url = c_.url + "/auth/time";
        auto r = http_.send(HttpRequest{"GET", url, {{"Accept", "application/json"}}, ""});
        if (!r) return std::unexpected(r.error());
        auto server = ovh_parse_time(Exchange{"GET", url, std::move(*r)});
        if (!server) return std::unexpected(server.error());
        delta_ = *server - local_now();
        return *delta_;
    }

    // A signed call; a 200 answer comes back as the exchange, anything else as a typed error.
    RResult<Exchange> call(const std::string& method, const std::string& url,
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
            Exchange ex{method, url, std::move(*r)};
            if (ex.response.status == 200) return ex;
            auto e = ovh_error(ex.response, ex.describe());
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
