#pragma once
// An HTTP exchange as the answer parsers of the Gandi and OVH adapters see it, and checked
// reads of its JSON body. Every read yields a value of the type the API publishes or a
// bad_answer error naming the field (a path such as "[2].keytag") and the exchange
// ("GET https://…/dnskeys?page=1 → HTTP 200"). Nothing here throws, and nothing needs a
// network: tests and fuzzers feed (status, headers, body) to the parsers directly.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "registrar/error.h"
#include "registrar/http.h"

namespace zw::registrar {

struct Exchange {
    std::string method;
    std::string url;  // never carries credentials: they travel in request headers only
    HttpResponse response;
    // "GET https://… → HTTP 200" (the body is not included: it can be large).
    [[nodiscard]] std::string describe() const;
};

// A bad_answer error: "<registrar> <exchange>: field `path`: problem".
[[nodiscard]] RegistrarError bad_answer(std::string_view registrar, const Exchange& ex,
                                        std::string_view path, std::string_view problem);

// Typed reads of one answer's JSON. `path` names the value being read for messages; the
// reads of a member append ".key" to it.
class AnswerReader {
  public:
    AnswerReader(std::string_view registrar, const Exchange& ex)
        : registrar_(registrar), ex_(&ex) {}

    // The whole body. A body that is not JSON (truncated, an HTML error page) is a
    // bad_answer naming the body.
    [[nodiscard]] RResult<nlohmann::json> body() const;

    // Values.
    [[nodiscard]] RResult<std::int64_t> integer(const nlohmann::json& v, std::string_view path,
                                                std::int64_t lo, std::int64_t hi) const;
    [[nodiscard]] RResult<std::string> string(const nlohmann::json& v, std::string_view path) const;
    [[nodiscard]] RResult<void> object(const nlohmann::json& v, std::string_view path) const;
    [[nodiscard]] RResult<void> array(const nlohmann::json& v, std::string_view path) const;

    // Members of an object (checked to be one). Required members must be present and not
    // null; a nullable or optional member may be null or absent.
    [[nodiscard]] RResult<std::int64_t> integer(const nlohmann::json& obj, std::string_view path,
                                                std::string_view key, std::int64_t lo,
                                                std::int64_t hi) const;
    [[nodiscard]] RResult<std::string> string(const nlohmann::json& obj, std::string_view path,
                                              std::string_view key) const;
    [[nodiscard]] RResult<std::optional<std::string>> nullable_string(const nlohmann::json& obj,
                                                                      std::string_view path,
                                                                      std::string_view key) const;
    [[nodiscard]] RResult<const nlohmann::json*> member(const nlohmann::json& obj,
                                                        std::string_view path,
                                                        std::string_view key) const;

    [[nodiscard]] RegistrarError fail(std::string_view path, std::string_view problem) const;

  private:
    std::string_view registrar_;
    const Exchange* ex_;
};

// A string member of an object, or "" when `j` is not an object or the member is absent or
// not a string: for error bodies and credential files, read leniently (what they carry only
// goes into a message or is checked for emptiness by the caller).
[[nodiscard]] std::string text_member(const nlohmann::json& j, std::string_view key);

// "[3]", "[3].keytag": paths for messages.
[[nodiscard]] std::string path_index(std::string_view path, std::size_t i);
[[nodiscard]] std::string path_key(std::string_view path, std::string_view key);

}  // namespace zw::registrar
