#include "registrar/rfc2136.h"

#include <fmt/format.h>
#include <ldns/ldns.h>

#include <memory>

#include "base/c_handle.h"
#include "registrar/plan.h"

namespace zw::registrar {

namespace {

using zw::Free;
using Resolver = std::unique_ptr<ldns_resolver, Free<ldns_resolver_deep_free>>;
using Pkt = std::unique_ptr<ldns_pkt, Free<ldns_pkt_free>>;
using RrList = std::unique_ptr<ldns_rr_list, Free<ldns_rr_list_deep_free>>;
using Rr = std::unique_ptr<ldns_rr, Free<ldns_rr_free>>;
using Rdf = std::unique_ptr<ldns_rdf, Free<ldns_rdf_deep_free>>;

// Update failures by RCODE (RFC 2136 §2.2, RFC 8945 §5.3 for TSIG's NOTAUTH).
std::unexpected<RegistrarError> rcode_error(ldns_pkt_rcode rc) {
    switch (rc) {
        case LDNS_RCODE_FORMERR:
            return reg_fail(ErrorKind::invalid, "server answered FORMERR");
        case LDNS_RCODE_SERVFAIL:
            return reg_fail(ErrorKind::transient, "server answered SERVFAIL");
        case LDNS_RCODE_NXDOMAIN:
        case LDNS_RCODE_YXDOMAIN:
        case LDNS_RCODE_YXRRSET:
        case LDNS_RCODE_NXRRSET:
            return reg_fail(ErrorKind::transient,
                            "prerequisite failed: the parent's DS set changed since it was listed "
                            "(a concurrent change); list again");
        case LDNS_RCODE_NOTIMPL:
            return reg_fail(ErrorKind::unsupported, "server does not implement UPDATE");
        case LDNS_RCODE_REFUSED:
            return reg_fail(ErrorKind::authentication, "server REFUSED the update (update policy)");
        case LDNS_RCODE_NOTAUTH:
            return reg_fail(ErrorKind::authentication,
                            "server answered NOTAUTH (TSIG key unknown or signature bad, or not "
                            "authoritative for the parent zone)");
        case LDNS_RCODE_NOTZONE:
            return reg_fail(ErrorKind::not_found, "the child name is not in the parent zone");
        case LDNS_RCODE_NOERROR:
            break;
    }
    return reg_fail(ErrorKind::transient,
                    fmt::format("server answered rcode {}", static_cast<int>(rc)));
}

class Rfc2136Api final : public Api {
  public:
    explicit Rfc2136Api(Rfc2136Config c) : c_(std::move(c)) {}

    Capabilities capabilities() const override {
        Capabilities caps;
        caps.accepts = EntryView::ds;
        caps.granularity = Granularity::whole_set;
        caps.async = false;
        caps.digest_types = {dns::digest::sha256, dns::digest::sha384};
        return caps;
    }

    RResult<std::vector<Entry>> list(const dns::Name& zone) override {
        auto res = resolver(false);
        if (!res) return std::unexpected(res.error());
        Rdf qname(ldns_dname_new_frm_str(zone.to_text().c_str()));
        ldns_pkt* raw = nullptr;
        auto st =
            ldns_resolver_send(&raw, res->get(), qname.get(), LDNS_RR_TYPE_DS, LDNS_RR_CLASS_IN, 0);
        Pkt answer(raw);
        if (st != LDNS_STATUS_OK || !answer)
            return reg_fail(ErrorKind::transient, fmt::format("DS query to {}: {}", c_.server,
                                                              ldns_get_errorstr_by_id(st)));
        auto rc = ldns_pkt_get_rcode(answer.get());
        if (rc == LDNS_RCODE_NXDOMAIN)
            return reg_fail(ErrorKind::not_found,
                            fmt::format("{} does not exist in the parent zone", zone.to_text()));
        if (rc == LDNS_RCODE_REFUSED || rc == LDNS_RCODE_NOTAUTH || !ldns_pkt_aa(answer.get()))
            return reg_fail(ErrorKind::not_found,
                            fmt::format("{} is not authoritative for the parent of {}", c_.server,
                                        zone.to_text()));
        if (rc != LDNS_RCODE_NOERROR) return rcode_error(rc);
        std::vector<Entry> out;
        ldns_rr_list* an = ldns_pkt_answer(answer.get());
        for (std::size_t i = 0; an && i < ldns_rr_list_rr_count(an); ++i) {
            ldns_rr* rr = ldns_rr_list_rr(an, i);
            if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS || ldns_rr_rd_count(rr) != 4) continue;
            if (ldns_dname_compare(ldns_rr_owner(rr), qname.get()) != 0) continue;
            Entry e;
            e.key_tag = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
            e.algorithm = ldns_rdf2native_int8(ldns_rr_rdf(rr, 1));
            e.digest_type = ldns_rdf2native_int8(ldns_rr_rdf(rr, 2));
            const ldns_rdf* d = ldns_rr_rdf(rr, 3);
            e.digest.assign(ldns_rdf_data(d), ldns_rdf_data(d) + ldns_rdf_size(d));
            out.push_back(std::move(e));
        }
        return out;
    }

    RResult<Submitted> replace(const dns::Name& zone, const std::vector<Entry>& desired,
                               const std::vector<Entry>& held) override {
        RrList prereq(ldns_rr_list_new()), update(ldns_rr_list_new());
        // §2.4.2: the RRset must be exactly what we listed; §2.4.3: or must not exist.
        if (held.empty()) {
            Rr none(ldns_rr_new());
            ldns_rr_set_owner(none.get(), ldns_dname_new_frm_str(zone.to_text().c_str()));
            ldns_rr_set_type(none.get(), LDNS_RR_TYPE_DS);
            ldns_rr_set_class(none.get(), LDNS_RR_CLASS_NONE);
            ldns_rr_set_ttl(none.get(), 0);
            ldns_rr_list_push_rr(prereq.get(), none.release());
        }
        for (const auto& h : held) {
            auto rr = ds_rr(zone, h, 0, LDNS_RR_CLASS_IN);
            if (!rr) return std::unexpected(rr.error());
            ldns_rr_list_push_rr(prereq.get(), rr->release());
        }
        auto plan = make_plan(desired, held);
        // Additions first, then deletions of single RRs (§2.5.1, §2.5.4); the server applies
        // the whole message atomically.
        for (const auto& e : plan.add) {
            auto rr = ds_rr(zone, e, c_.ds_ttl, LDNS_RR_CLASS_IN);
            if (!rr) return std::unexpected(rr.error());
            ldns_rr_list_push_rr(update.get(), rr->release());
        }
        for (const auto& e : plan.remove) {
            auto rr = ds_rr(zone, e, 0, LDNS_RR_CLASS_NONE);
            if (!rr) return std::unexpected(rr.error());
            ldns_rr_list_push_rr(update.get(), rr->release());
        }
        auto parent = c_.parent_zone.value_or(zone.parent());
        Pkt pkt(ldns_update_pkt_new(ldns_dname_new_frm_str(parent.to_text().c_str()),
                                    LDNS_RR_CLASS_IN, prereq.get(), update.get(), nullptr));
        if (!pkt) return reg_fail(ErrorKind::invalid, "cannot build the UPDATE message");
        auto res = resolver(true);
        if (!res) return std::unexpected(res.error());
        if (ldns_update_pkt_tsig_add(pkt.get(), res->get()) != LDNS_STATUS_OK)
            return reg_fail(ErrorKind::authentication, "cannot TSIG-sign the UPDATE (bad key?)");
        ldns_pkt* raw = nullptr;
        // ldns_send verifies the answer's TSIG against the request MAC (RFC 8945 §5.3.2).
        auto st = ldns_resolver_send_pkt(&raw, res->get(), pkt.get());
        Pkt answer(raw);
        if (st == LDNS_STATUS_CRYPTO_TSIG_BOGUS || st == LDNS_STATUS_CRYPTO_TSIG_ERR)
            return reg_fail(
                ErrorKind::authentication,
                fmt::format("the answer from {} failed TSIG verification (wrong key?)", c_.server));
        if (st != LDNS_STATUS_OK || !answer)
            return reg_fail(ErrorKind::transient, fmt::format("UPDATE to {}: {}", c_.server,
                                                              ldns_get_errorstr_by_id(st)));
        auto rc = ldns_pkt_get_rcode(answer.get());
        if (rc != LDNS_RCODE_NOERROR) return rcode_error(rc);
        return Submitted{"", false};
    }

  private:
    RResult<Rr> ds_rr(const dns::Name& zone, const Entry& e, std::uint32_t ttl, ldns_rr_class cls) {
        if (!e.has_digest())
            return reg_fail(ErrorKind::invalid,
                            fmt::format("entry {} has no DS digest", e.describe()));
        auto text = fmt::format("{} {} IN DS {}", zone.to_text(), ttl, ds_text(e));
        ldns_rr* raw = nullptr;
        if (ldns_rr_new_frm_str(&raw, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK)
            return reg_fail(ErrorKind::invalid, "cannot encode DS " + text);
        Rr rr(raw);
        ldns_rr_set_class(rr.get(), cls);
        return rr;
    }

    RResult<Resolver> resolver(bool tsig) {
        Resolver r(ldns_resolver_new());
        bool v6 = c_.server.find(':') != std::string::npos;
        Rdf addr(
            ldns_rdf_new_frm_str(v6 ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, c_.server.c_str()));
        if (!addr)
            return reg_fail(ErrorKind::invalid,
                            "rfc2136 server must be an IP address: " + c_.server);
        ldns_resolver_push_nameserver(r.get(), addr.get());
        ldns_resolver_set_port(r.get(), c_.port);
        ldns_resolver_set_usevc(r.get(), true);  // TCP: DS sets and TSIG never truncate
        ldns_resolver_set_recursive(r.get(), false);
        ldns_resolver_set_retry(r.get(), 1);
        ldns_resolver_set_retrans(r.get(), 1);
        ldns_resolver_set_timeout(r.get(), timeval{static_cast<time_t>(c_.timeout.count()), 0});
        if (tsig) {
            ldns_resolver_set_tsig_keyname(r.get(), c_.key.name.c_str());
            ldns_resolver_set_tsig_keydata(r.get(), c_.key.secret.c_str());
            ldns_resolver_set_tsig_algorithm(r.get(), "hmac-sha256.");
        }
        return r;
    }

    Rfc2136Config c_;
};

}  // namespace

std::unique_ptr<Api> make_rfc2136_api(Rfc2136Config config) {
    return std::make_unique<Rfc2136Api>(std::move(config));
}

}  // namespace zw::registrar
