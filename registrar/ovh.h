#pragma once
// OVHcloud's API, DS records of a domain. The facts relied on, each with its source, are
// listed in docs/registrars.md ("ovh"):
//   GET  /domain/{name}/dsRecord           long[] (ids)
//   GET  /domain/{name}/dsRecord/{id}      domain.DnssecKey {id, algorithm, flags, publicKey, tag,
//   status} POST /domain/{name}/dsRecord {"keys": dnssec.Key[]}   replaces the WHOLE set →
//   domain.Task GET  /domain/{name}/task?function=&status=            long[] (function: like,
//   status: =) GET  /domain/{name}/task/{id}          domain.Task {id, function, status, comment
//   (nullable),
//        domain (nullable), doneDate (nullable), …}; status one of todo, doing, done, error,
//        cancelled (and, in the 2024 schema, problem)
// Every call is signed: X-Ovh-Application, X-Ovh-Consumer, X-Ovh-Timestamp and
// X-Ovh-Signature = "$1$" + SHA1(AS+CK+METHOD+URL+BODY+TIMESTAMP joined by "+"), the
// timestamp on the server's clock (GET /auth/time). Errors are {"errorCode", "httpCode",
// "message"} or {"class", "message"}.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "registrar/answer.h"
#include "registrar/api.h"
#include "registrar/http.h"

namespace zw::registrar {

struct OvhConfig {
    std::string url = "https://eu.api.ovh.com/1.0";
    std::string application_key, application_secret, consumer_key;
    HttpOptions http;
    std::size_t max_entries = 4;  // what .com/.net and most registries behind OVH accept
};

// JSON {"application_key", "application_secret", "consumer_key"} from a secret source.
[[nodiscard]] Result<OvhConfig> ovh_credentials(std::string_view json, OvhConfig base);

[[nodiscard]] std::unique_ptr<Api> make_ovh_api(OvhConfig config, LogSink& log, std::string name);

// The function name of the task a dsRecord POST creates (OVHcloud's "Tasks Management" guide).
inline constexpr std::string_view ovh_ds_task_function = "DomainDsUpdate";

[[nodiscard]] std::string ovh_signature(std::string_view application_secret,
                                        std::string_view consumer_key, std::string_view method,
                                        std::string_view url, std::string_view body,
                                        std::int64_t timestamp);

// The answer parsers, callable on (method, url, status, headers, body) without a network.

// A non-200 answer as a typed error.
[[nodiscard]] RegistrarError ovh_error(const HttpResponse& r, std::string_view what);

struct OvhTask {
    std::int64_t id = 0;
    std::string function;
    std::string status;
    std::optional<std::string> comment;  // nullable in the schema
};
// GET /auth/time: the server's clock, seconds since the epoch.
[[nodiscard]] RResult<std::int64_t> ovh_parse_time(const Exchange& ex);
// A long[] answer (dsRecord and task listings).
[[nodiscard]] RResult<std::vector<std::int64_t>> ovh_parse_ids(const Exchange& ex);
// GET dsRecord/{id}: one key (flags 256 or 257, algorithm from dnssec.KeyAlgorithmEnum).
[[nodiscard]] RResult<Entry> ovh_parse_ds_record(const Exchange& ex);
// GET task/{id}, and the answer to POST dsRecord.
[[nodiscard]] RResult<OvhTask> ovh_parse_task(const Exchange& ex);
// What a task's status means to the journal: todo and doing → pending, done → done, error
// and cancelled → failed; problem and any status the schema does not list → unknown (waited
// for within the settle window, then an error: never an endless wait).
[[nodiscard]] TaskStatus ovh_task_status(const OvhTask& task);

}  // namespace zw::registrar
