// The OVH answer parsers: typed reads of what the published schema says each call returns.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "dns/encoding.h"
#include "registrar/ovh.h"

namespace zw::registrar {

namespace {

constexpr std::string_view registrar_name = "ovh";

RResult<nlohmann::json> ok_body(const Exchange& ex, const AnswerReader& r) {
    if (ex.response.status != 200) return std::unexpected(ovh_error(ex.response, ex.describe()));
    return r.body();
}

}  // namespace

RegistrarError ovh_error(const HttpResponse& r, std::string_view what) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    std::string code = text_member(j, "errorCode"), cls = text_member(j, "class"),
                message = text_member(j, "message");
    if (message.empty()) message = r.body.substr(0, 200);
    auto kind = ErrorKind::bad_answer;  // a status the API does not answer with
    if (code == "INVALID_SIGNATURE" || code == "INVALID_CREDENTIAL" || code == "NOT_CREDENTIAL" ||
        code == "NOT_GRANTED_CALL" || code == "INVALID_KEY" || code == "FORBIDDEN" ||
        r.status == 401 || r.status == 403)
        kind = ErrorKind::authentication;
    else if (code == "QUERY_TIME_OUT")
        kind = ErrorKind::transient;  // clock drift: the caller re-reads /auth/time
    else if (r.status == 404)
        kind = ErrorKind::not_found;
    else if (r.status == 409)
        kind = ErrorKind::in_progress;  // a task for the domain is pending
    else if (r.status == 400 || r.status == 422)
        kind = ErrorKind::invalid;
    else if (r.status == 405 || r.status == 501)
        kind = ErrorKind::unsupported;
    else if (r.status == 429 || r.status >= 500)
        kind = ErrorKind::transient;
    auto label = !code.empty() ? code : cls;
    auto query = r.header("X-Ovh-QueryID");
    return RegistrarError{kind,
                          fmt::format("{} {}: {}{}{}", registrar_name, what, message,
                                      label.empty() ? "" : " [" + label + "]",
                                      query ? " (query " + *query + ")" : ""),
                          retry_after(r), static_cast<int>(r.status)};
}

RResult<std::int64_t> ovh_parse_time(const Exchange& ex) {
    AnswerReader r(registrar_name, ex);
    auto j = ok_body(ex, r);
    if (!j) return std::unexpected(j.error());
    return r.integer(*j, "(body)", 0, INT64_MAX);
}

RResult<std::vector<std::int64_t>> ovh_parse_ids(const Exchange& ex) {
    AnswerReader r(registrar_name, ex);
    auto j = ok_body(ex, r);
    if (!j) return std::unexpected(j.error());
    if (auto ok = r.array(*j, "(body)"); !ok) return std::unexpected(ok.error());
    if (j->size() > 1024)
        return std::unexpected(
            r.fail("(body)", fmt::format("{} ids: implausibly many", j->size())));
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < j->size(); ++i) {
        auto id = r.integer((*j)[i], path_index("", i), 0, INT64_MAX);
        if (!id) return std::unexpected(id.error());
        ids.push_back(*id);
    }
    return ids;
}

RResult<Entry> ovh_parse_ds_record(const Exchange& ex) {
    AnswerReader r(registrar_name, ex);
    auto j = ok_body(ex, r);
    if (!j) return std::unexpected(j.error());
    Entry e;
    auto id = r.integer(*j, "", "id", 0, INT64_MAX);
    if (!id) return std::unexpected(id.error());
    e.id = std::to_string(*id);
    auto alg = r.integer(*j, "", "algorithm", 0, 255);  // dnssec.KeyAlgorithmEnum
    if (!alg) return std::unexpected(alg.error());
    e.algorithm = static_cast<std::uint8_t>(*alg);
    auto flags = r.integer(*j, "", "flags", 256, 257);  // dnssec.KeyFlagEnum: 256, 257
    if (!flags) return std::unexpected(flags.error());
    e.flags = static_cast<std::uint16_t>(*flags);
    auto tag = r.integer(*j, "", "tag", 0, 65535);
    if (!tag) return std::unexpected(tag.error());
    e.key_tag = static_cast<std::uint16_t>(*tag);
    auto text = r.string(*j, "", "publicKey");
    if (!text) return std::unexpected(text.error());
    auto key = dns::base64_decode(*text);
    if (!key || key->empty()) return std::unexpected(r.fail("publicKey", "not base64"));
    e.public_key = std::move(*key);
    return e;
}

RResult<OvhTask> ovh_parse_task(const Exchange& ex) {
    AnswerReader r(registrar_name, ex);
    auto j = ok_body(ex, r);
    if (!j) return std::unexpected(j.error());
    OvhTask t;
    auto id = r.integer(*j, "", "id", 0, INT64_MAX);
    if (!id) return std::unexpected(id.error());
    t.id = *id;
    auto function = r.string(*j, "", "function");
    if (!function) return std::unexpected(function.error());
    t.function = std::move(*function);
    auto status = r.string(*j, "", "status");
    if (!status) return std::unexpected(status.error());
    t.status = std::move(*status);
    auto comment = r.nullable_string(*j, "", "comment");
    if (!comment) return std::unexpected(comment.error());
    t.comment = std::move(*comment);
    return t;
}

TaskStatus ovh_task_status(const OvhTask& t) {
    auto detail = fmt::format("task {} ({}) {}{}{}", t.id, t.function, t.status,
                              t.comment ? ": " : "", t.comment.value_or(""));
    if (t.status == "todo" || t.status == "doing") return TaskStatus{TaskState::pending, detail};
    if (t.status == "done") return TaskStatus{TaskState::done, detail};
    if (t.status == "error" || t.status == "cancelled")
        return TaskStatus{TaskState::failed, detail};
    return TaskStatus{TaskState::unknown, detail};
}

}  // namespace zw::registrar
