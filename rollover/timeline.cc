#include "rollover/timeline.h"

#include <algorithm>

namespace zw::rollover {

std::optional<Seconds> Timeline::TTLds() const {
    if (p_.parent.ds_ttl) return p_.parent.ds_ttl;
    return observed_ds_ttl_;
}

std::optional<Seconds> Timeline::IpubP() const {
    auto ttl = TTLds();
    if (!ttl) return std::nullopt;
    return DprpP() + *ttl;
}

std::optional<Seconds> Timeline::L(Role role) const {
    switch (role) {
        case Role::ksk:
            return p_.ksk_lifetime;
        case Role::zsk:
            return p_.zsk_lifetime;
        case Role::csk:
            return p_.csk_lifetime;
    }
    return std::nullopt;
}

std::optional<Seconds> Timeline::wait(Record record, bool introduce) const {
    Seconds margin = introduce ? p_.publish_safety : p_.retire_safety;
    switch (record) {
        case Record::dnskey:
        case Record::krrsig:
            // The RRSIG over the DNSKEY RRset is cached with it: both use Ipub.
            return Ipub() + margin;
        case Record::zrrsig:
            return Iret() + margin;
        case Record::ds: {
            auto i = IpubP();
            if (!i) return std::nullopt;
            return *i + margin;
        }
    }
    return std::nullopt;
}

Seconds Timeline::successor_lead(Role role) const {
    const Seconds ps = p_.publish_safety;
    // Planning with an unknown TTLds uses zero: the waits themselves still need it known.
    const Seconds ipubp = IpubP().value_or(DprpP());
    auto ksk_lead = [&] {
        switch (p_.ksk_method) {
            case KskMethod::double_ksk:
                return IpubC() + ps + Dreg();
            case KskMethod::double_ds:
                return Dreg() + ipubp + ps;
            case KskMethod::double_rrset:
                return std::max(IpubC(), Dreg() + ipubp) + ps;
        }
        return IpubC() + ps + Dreg();
    };
    switch (role) {
        case Role::zsk:
            switch (p_.zsk_method) {
                case ZskMethod::pre_publication:
                    return Ipub() + ps;
                case ZskMethod::double_signature:
                    return std::max(Ipub(), Iret()) + ps;
            }
            return Ipub() + ps;
        case Role::ksk:
            return ksk_lead();
        case Role::csk:
            if (p_.ksk_method == KskMethod::double_ds) return ksk_lead() + IpubC() + ps;
            return ksk_lead();
    }
    return Ipub() + ps;
}

std::optional<Instant> Timeline::successor_publish_time(Role role, Instant activated) const {
    auto life = L(role);
    if (!life) return std::nullopt;
    return activated + *life - successor_lead(role);
}

}  // namespace zw::rollover
