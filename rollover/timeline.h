#pragma once
// The RFC 7583 quantities by their names, and the waits and lead times derived from them.
//
//   TTLkey  DNSKEY TTL                 TTLsig  largest TTL of a signed RRset
//   TTLds   DS TTL at the parent       Dprp    child propagation delay (DprpC)
//   DprpP   parent propagation delay   Dreg    registration delay (observed, never set)
//   Dsgn    time to re-sign the zone   Lzsk/Lksk/Lcsk  key lifetimes
//   Ipub  = Dprp + TTLkey                (§3.2.1, a new DNSKEY reaches every cache)
//   IpubC = DprpC + TTLkey               (§3.3.1)
//   IpubP = DprpP + TTLds                (§3.3.2, a new DS reaches every cache)
//   Iret  = Dsgn + Dprp + TTLsig         (§3.2.1, old signatures leave every cache)
//   IretP = DprpP + TTLds                (§3.3.1, an old DS leaves every cache)

#include <optional>

#include "base/duration.h"
#include "rollover/policy.h"
#include "rollover/types.h"

namespace zw::rollover {

class Timeline {
  public:
    // observed_dreg: submission → first confirmation at every parent server, as last
    // measured for this zone. observed_ds_ttl: the DS TTL served by the parent.
    Timeline(const Policy& policy, std::optional<Seconds> observed_dreg,
             std::optional<Seconds> observed_ds_ttl)
        : p_(policy), dreg_(observed_dreg), observed_ds_ttl_(observed_ds_ttl) {}

    [[nodiscard]] Seconds TTLkey() const { return p_.dnskey_ttl; }
    [[nodiscard]] Seconds TTLsig() const { return p_.max_zone_ttl; }
    // The policy's DS TTL wins; else the TTL seen live; unknown until observed.
    [[nodiscard]] std::optional<Seconds> TTLds() const;
    [[nodiscard]] Seconds Dprp() const { return p_.propagation_delay; }
    [[nodiscard]] Seconds DprpC() const { return p_.propagation_delay; }
    [[nodiscard]] Seconds DprpP() const { return p_.parent.propagation_delay; }
    // Unobserved Dreg counts as zero: the first rollover then starts late by Dreg, never
    // unsafely early (the engine waits for the DS to be seen, whatever Dreg is).
    [[nodiscard]] Seconds Dreg() const { return dreg_.value_or(Seconds{0}); }
    [[nodiscard]] Seconds Dsgn() const { return p_.sign_delay; }
    [[nodiscard]] std::optional<Seconds> L(Role role) const;

    [[nodiscard]] Seconds Ipub() const { return Dprp() + TTLkey(); }
    [[nodiscard]] Seconds IpubC() const { return DprpC() + TTLkey(); }
    [[nodiscard]] std::optional<Seconds> IpubP() const;
    [[nodiscard]] Seconds Iret() const { return Dsgn() + Dprp() + TTLsig(); }
    [[nodiscard]] std::optional<Seconds> IretP() const { return IpubP(); }

    // How long a record must stay rumoured (introduce = true) or unretentive before it is
    // omnipresent / hidden, counted from the confirmation that every server serves it
    // (or that none does). Empty when it depends on a TTLds not yet known.
    [[nodiscard]] std::optional<Seconds> wait(Record record, bool introduce) const;

    // Lead time of a successor: from Tpub(N+1) (its first record published) to Tret(N)
    // (the predecessor stops being used at the servers), for the policy's method:
    //   ZSK pre-publication   Ipub + safety                            §3.2.1
    //   ZSK double-signature  max(Ipub, Iret) + safety                  §3.2.2
    //   KSK double-KSK        IpubC + safety + Dreg                     §3.3.1
    //   KSK double-DS         Dreg + IpubP + safety                     §3.3.2
    //   KSK double-RRset      max(IpubC, Dreg + IpubP) + safety         §3.3.3
    //   CSK                   as its KSK method; double-DS adds IpubC + safety, since the
    //                         new key signs the zone only once its DNSKEY is everywhere.
    // The successor is introduced at Tpub(N+1) = Tact(N) + L - lead, so that the old key
    // retires exactly at Tret(N) = Tact(N) + L.
    [[nodiscard]] Seconds successor_lead(Role role) const;

    // Tpub(N+1) for a key active since `activated`; empty if the role never rolls.
    [[nodiscard]] std::optional<Instant> successor_publish_time(Role role, Instant activated) const;

  private:
    const Policy& p_;
    std::optional<Seconds> dreg_;
    std::optional<Seconds> observed_ds_ttl_;
};

}  // namespace zw::rollover
