#pragma once
// Reading and building zones from text in tests.

#include <gtest/gtest.h>

#include <string>

#include "../../testutil/temp_dir.h"
#include "zones/build.h"

namespace zw::zones {

struct Loaded {
    Zone zone;
    Diagnostics diag;
};

inline Loaded load(const testutil::TempDir& dir, const std::string& text,
                   const char* origin = "example.test.") {
    Loaded out;
    std::string path = dir.write("zone.db", text);
    auto name = dns::Name::from_text(origin).value();
    auto read = read_zone_file(path, name, {}, out.diag);
    if (out.diag.errors.empty()) out.zone = build_zone(name, std::move(read), out.diag);
    return out;
}

// The first error or warning containing needle, as "file:line: message", or "" if none.
inline std::string find(const std::vector<Error>& list, const std::string& needle) {
    for (const auto& e : list)
        if (e.message.find(needle) != std::string::npos) return e.describe();
    return "";
}

inline const char* const soa_and_ns =
    "$ORIGIN example.test.\n$TTL 300\n"
    "@ SOA ns1 host 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.1\n";

}  // namespace zw::zones
