#pragma once
// The checks build_zone runs on a grouped zone with its roles assigned (zones/build.h
// lists them). Internal to zones/: errors and warnings go to Diagnostics, each at the
// file:line of the RRset at fault.

#include <string>

#include "zones/zone.h"

namespace zw::zones {

struct Checker {
    Zone& zone;
    Diagnostics& diag;

    void error(SourceRef where, std::string message) {
        diag.errors.push_back(bad_input(std::move(message), zone.location(where)));
    }
    void warning(SourceRef where, std::string message) {
        diag.warnings.push_back(bad_input(std::move(message), zone.location(where)));
    }
};

void check_apex(Zone& zone, Checker& check);
// What each node may hold: SOA only at the apex, DS only at a delegation, singleton
// types, no NS at a wildcard or beside a DNAME, RRsets that fit in a message, and the
// warnings BIND gives for deprecated DS digests and algorithms.
void check_node(const Node& node, const Zone& zone, Checker& check);
// RFC 6672 §2.3: nothing may exist below a DNAME.
void check_below_dnames(const Zone& zone, Checker& check);
// Every NS target inside the zone must be reachable (zones/glue.cc).
void check_ns_targets(const Zone& zone, Checker& check);

}  // namespace zw::zones
