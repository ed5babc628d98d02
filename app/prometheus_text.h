#pragma once
// Pieces of the Prometheus text exposition format (prometheus.io/docs/instrumenting/
// exposition_formats): label values are quoted with \\, \" and \n escaped.

#include <string>
#include <string_view>

namespace zw::app {

[[nodiscard]] inline std::string prometheus_label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

}  // namespace zw::app
