#pragma once
// What the jobs of one zone pass share (zone_pass.cc runs them in order): the zone, its
// policy and key material, and the result the operator sees — what happened, the most
// severe error, when to come back.

#include <optional>
#include <string>

#include "app/key_material.h"
#include "app/zone_pass.h"
#include "dns/name.h"
#include "rollover/policy.h"

namespace zw::app {

struct PassContext {
    PassEnv& env;
    const store::ZoneInfo& info;
    PassResult& result;
    dns::Name origin{};
    const rollover::Policy* policy = nullptr;
    std::optional<KeyMaterial> keys = {};
    bool notifying = false;  // a notification under way: its own failure does not notify

    // One line for the operator, also logged with the zone's name.
    void note(std::string line);
    // Keeps the most severe outcome: an error beats "pending", a higher kind a lower one.
    // A mistake only a human can fix (a broken zone file, configuration) also notifies:
    // until it is fixed the zone is not re-signed and its signatures age.
    void failed(const Error& e);
    void wake_no_later(Instant t);
};

}  // namespace zw::app
