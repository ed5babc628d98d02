#pragma once
#include <gtest/gtest.h>

#include "driver.h"

namespace zw::rollover::testing {

using namespace std::chrono_literals;
using S = RecordState;

// Distinct, round numbers so that every expected time identifies its formula.
inline Policy test_policy() {
    Policy p;
    p.algorithm = 13;
    p.dnskey_ttl = 1000s;        // TTLkey
    p.propagation_delay = 100s;  // Dprp
    p.max_zone_ttl = 5000s;      // TTLsig
    p.sign_delay = 0s;           // Dsgn
    p.publish_safety = 10s;
    p.retire_safety = 20s;
    p.parent.ds_ttl = 7000s;            // TTLds
    p.parent.propagation_delay = 300s;  // DprpP
    p.zsk_lifetime = Seconds{30 * 86400};
    p.ksk_lifetime = Seconds{365 * 86400};
    p.csk_lifetime = Seconds{180 * 86400};
    p.signatures.validity = Seconds{14 * 86400};
    return p;
}

constexpr Seconds Ipub = 100s + 1000s;       // Dprp + TTLkey
constexpr Seconds Iret = 0s + 100s + 5000s;  // Dsgn + Dprp + TTLsig
constexpr Seconds IpubP = 300s + 7000s;      // DprpP + TTLds
constexpr Seconds ps = 10s, rs = 20s;        // publish / retire safety

// Sign an insecure zone and run until the first keys are everywhere (DS included).
inline Driver signed_zone(Policy p) {
    Driver d;
    d.policy = p;
    d.run_for(Seconds{86400});
    return d;
}

}  // namespace zw::rollover::testing
