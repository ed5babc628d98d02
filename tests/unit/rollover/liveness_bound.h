#pragma once
// How long a request may take: the RFC 7583 waits of the rollovers it implies, each phase
// plus the time the world needs to show a change at every server and the next check to
// see it. A phase is one record kind of one key reaching every cache ("in": the timeline's
// introduction wait) or leaving every cache ("out": its withdrawal wait):
//
//   key in/out = Dc + Ipub + publish/retire-safety       (DNSKEY, RRSIG over it)
//   sig in/out = Dc + Iret + publish/retire-safety       (zone signatures)
//   ds  in/out = Dp + IpubP/IretP + publish/retire-safety
//   Dc = the world's largest child propagation delay + one check interval
//   Dp = the world's largest Dreg + its largest parent propagation delay + one interval
//
// and the phases each request implies, in the order the engine must take them (sums of
// phases that may overlap, so an upper bound for every method):
//
//   onboard (first signing)     key in, sig in, ds in
//   ZSK rollover                key in, sig in, sig out, key out        (RFC 7583 §3.2)
//   KSK rollover                key in, ds in, ds out, key out          (§3.3)
//   CSK rollover                key in, sig in, ds in, ds out, sig out, key out
//   algorithm or roles change   sig in, key in, ds in, ds out, key out, sig out
//                               (RFC 6781 §4.1.4)
//   method change, same roles   nothing: a running rollover keeps its own bound
//   offboard                    ds out, key out, sig out                (RFC 6781 §4.2)
//   onboard again               as onboard: the records that left come back
//
// A request that arrives while others are unfinished may have to wait for them: its
// deadline counts from the latest deadline still open (liveness_run.cc).

#include "liveness_run.h"
#include "rollover/policy.h"

namespace zw::rollover::sim {

struct WorldDelays {
    Seconds child{0};   // Dc
    Seconds parent{0};  // Dp
};

[[nodiscard]] Seconds phase(const Policy& p, const WorldDelays& w, Record r, bool in);

// `role` is the role that rolls (ksk, zsk, csk) for the rollover requests.
[[nodiscard]] Seconds bound(Request r, Role role, const Policy& p, const WorldDelays& w);

}  // namespace zw::rollover::sim
