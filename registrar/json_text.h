#pragma once
// Reading strings out of a registrar's JSON answer without throwing: nlohmann's value()
// throws when a member is there with another type, or when the answer is not an object,
// and an answer from outside must never abort a pass (fuzz/registrar_answers.cc).

#include <nlohmann/json.hpp>

#include <string>

namespace zw::registrar {

// The string member `key` of j, or `fallback`.
[[nodiscard]] inline std::string text_of(const nlohmann::json& j, const char* key,
                                         const char* fallback) {
    if (!j.is_object()) return fallback;
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

}  // namespace zw::registrar
