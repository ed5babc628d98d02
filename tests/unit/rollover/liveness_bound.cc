#include "liveness_bound.h"

#include "rollover/timeline.h"

namespace zw::rollover::sim {

Seconds phase(const Policy& p, const WorldDelays& w, Record r, bool in) {
    Timeline tl{p, std::nullopt, p.parent.ds_ttl};
    Seconds seen = r == Record::ds ? w.parent : w.child;
    return seen + tl.wait(r, in).value_or(Seconds{0});
}

Seconds bound(Request r, Role role, const Policy& p, const WorldDelays& w) {
    auto ph = [&](Record rec, bool in) { return phase(p, w, rec, in); };
    const Seconds key_in = ph(Record::dnskey, true), key_out = ph(Record::dnskey, false);
    const Seconds sig_in = ph(Record::zrrsig, true), sig_out = ph(Record::zrrsig, false);
    const Seconds ds_in = ph(Record::ds, true), ds_out = ph(Record::ds, false);
    const Seconds first_signing = key_in + sig_in + ds_in;
    const Seconds zsk = key_in + sig_in + sig_out + key_out;
    const Seconds ksk = key_in + ds_in + ds_out + key_out;
    const Seconds every_record = key_in + sig_in + ds_in + ds_out + sig_out + key_out;
    switch (r) {
        case Request::onboard:
        case Request::onboard_again:
            return first_signing;
        case Request::ksk:
        case Request::zsk:
        case Request::csk:
        case Request::emergency:
            switch (role) {
                case Role::ksk:
                    return ksk;
                case Role::zsk:
                    return zsk;
                case Role::csk:
                    return every_record;
            }
            return every_record;
        case Request::algorithm:
            return every_record;
        case Request::method:
            return Seconds{0};
        case Request::offboard:
            return ds_out + key_out + sig_out;
    }
    return every_record;
}

}  // namespace zw::rollover::sim
