#include "registrar/answer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace zw::registrar {

namespace {

std::string_view type_name(const nlohmann::json& v) {
    switch (v.type()) {
        case nlohmann::json::value_t::null:
            return "null";
        case nlohmann::json::value_t::object:
            return "an object";
        case nlohmann::json::value_t::array:
            return "an array";
        case nlohmann::json::value_t::string:
            return "a string";
        case nlohmann::json::value_t::boolean:
            return "a boolean";
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
            return "an integer";
        case nlohmann::json::value_t::number_float:
            return "a fractional number";
        case nlohmann::json::value_t::binary:
        case nlohmann::json::value_t::discarded:
            break;
    }
    return "not a JSON value";
}

}  // namespace

std::string Exchange::describe() const {
    return fmt::format("{} {} → HTTP {}", method, url, response.status);
}

RegistrarError bad_answer(std::string_view registrar, const Exchange& ex, std::string_view path,
                          std::string_view problem) {
    return RegistrarError{ErrorKind::bad_answer,
                          fmt::format("{} {}: field `{}`: {}", registrar, ex.describe(),
                                      path.empty() ? std::string_view("(body)") : path, problem),
                          std::nullopt, static_cast<int>(ex.response.status)};
}

std::string text_member(const nlohmann::json& j, std::string_view key) {
    if (!j.is_object()) return "";
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string path_index(std::string_view path, std::size_t i) {
    return fmt::format("{}[{}]", path, i);
}

std::string path_key(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

RegistrarError AnswerReader::fail(std::string_view path, std::string_view problem) const {
    return bad_answer(registrar_, *ex_, path, problem);
}

RResult<nlohmann::json> AnswerReader::body() const {
    auto j = nlohmann::json::parse(ex_->response.body, nullptr, false);
    if (j.is_discarded())
        return std::unexpected(
            fail("(body)", fmt::format("not JSON ({} bytes; truncated or not an API answer)",
                                       ex_->response.body.size())));
    return j;
}

RResult<std::int64_t> AnswerReader::integer(const nlohmann::json& v, std::string_view path,
                                            std::int64_t lo, std::int64_t hi) const {
    std::int64_t n = 0;
    if (v.is_number_unsigned()) {
        auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(hi))
            return std::unexpected(
                fail(path, fmt::format("{} is out of range [{}, {}]", u, lo, hi)));
        n = static_cast<std::int64_t>(u);
    } else if (v.is_number_integer()) {
        n = v.get<std::int64_t>();
    } else {
        return std::unexpected(
            fail(path, fmt::format("expected an integer, got {}", type_name(v))));
    }
    if (n < lo || n > hi)
        return std::unexpected(fail(path, fmt::format("{} is out of range [{}, {}]", n, lo, hi)));
    return n;
}

RResult<std::string> AnswerReader::string(const nlohmann::json& v, std::string_view path) const {
    if (!v.is_string())
        return std::unexpected(fail(path, fmt::format("expected a string, got {}", type_name(v))));
    return v.get_ref<const std::string&>();
}

RResult<void> AnswerReader::object(const nlohmann::json& v, std::string_view path) const {
    if (!v.is_object())
        return std::unexpected(fail(path, fmt::format("expected an object, got {}", type_name(v))));
    return {};
}

RResult<void> AnswerReader::array(const nlohmann::json& v, std::string_view path) const {
    if (!v.is_array())
        return std::unexpected(fail(path, fmt::format("expected an array, got {}", type_name(v))));
    return {};
}

RResult<const nlohmann::json*> AnswerReader::member(const nlohmann::json& obj,
                                                    std::string_view path,
                                                    std::string_view key) const {
    if (auto ok = object(obj, path); !ok) return std::unexpected(ok.error());
    auto it = obj.find(key);
    if (it == obj.end()) return std::unexpected(fail(path_key(path, key), "missing"));
    return &*it;
}

RResult<std::int64_t> AnswerReader::integer(const nlohmann::json& obj, std::string_view path,
                                            std::string_view key, std::int64_t lo,
                                            std::int64_t hi) const {
    auto m = member(obj, path, key);
    if (!m) return std::unexpected(m.error());
    return integer(**m, path_key(path, key), lo, hi);
}

RResult<std::string> AnswerReader::string(const nlohmann::json& obj, std::string_view path,
                                          std::string_view key) const {
    auto m = member(obj, path, key);
    if (!m) return std::unexpected(m.error());
    return string(**m, path_key(path, key));
}

RResult<std::optional<std::string>> AnswerReader::nullable_string(const nlohmann::json& obj,
                                                                  std::string_view path,
                                                                  std::string_view key) const {
    if (auto ok = object(obj, path); !ok) return std::unexpected(ok.error());
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::optional<std::string>{};
    auto s = string(*it, path_key(path, key));
    if (!s) return std::unexpected(s.error());
    return std::optional<std::string>(std::move(*s));
}

}  // namespace zw::registrar
