#include "registrar/rfc2136.h"

#include <fmt/format.h>
#include <ldns/ldns.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "base/c_handle.h"
#include "live/tcp_exchange.h"
#include "registrar/plan.h"
#include "registrar/tsig.h"

namespace zw::registrar {

namespace {

using zw::Free;
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
        Rdf qname(ldns_dname_new_frm_str(zone.to_text().c_str()));
        if (!qname) return reg_fail(ErrorKind::invalid, "not a domain name: " + zone.to_text());
        Pkt query(
            ldns_pkt_query_new(ldns_rdf_clone(qname.get()), LDNS_RR_TYPE_DS, LDNS_RR_CLASS_IN, 0));
        if (!query) return reg_fail(ErrorKind::invalid, "cannot build the DS query");
        ldns_pkt_set_random_id(query.get());
        auto wire = to_wire(query.get());
        if (!wire) return std::unexpected(wire.error());
        auto got = exchange(*wire);
        if (!got) return std::unexpected(prefixed("DS query", got.error()));
        auto answer = from_wire(*got);
        if (!answer) return std::unexpected(answer.error());
        auto rc = ldns_pkt_get_rcode(answer->get());
        if (rc == LDNS_RCODE_NXDOMAIN)
            return reg_fail(ErrorKind::not_found,
                            fmt::format("{} does not exist in the parent zone", zone.to_text()));
        if (rc == LDNS_RCODE_REFUSED || rc == LDNS_RCODE_NOTAUTH || !ldns_pkt_aa(answer->get()))
            return reg_fail(ErrorKind::not_found,
                            fmt::format("{} is not authoritative for the parent of {}",
                                        c_.server.label(), zone.to_text()));
        if (rc != LDNS_RCODE_NOERROR) return rcode_error(rc);
        std::vector<Entry> out;
        ldns_rr_list* an = ldns_pkt_answer(answer->get());
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
        ldns_pkt_set_random_id(pkt.get());
        auto wire = to_wire(pkt.get());
        if (!wire) return std::unexpected(wire.error());
        // TSIG's Time Signed is wall-clock time (RFC 8945 §4.3.2), read here like the other
        // protocol timestamps of the adapters.
        auto now = [] {
            return std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
        auto signed_update = tsig_sign(*wire, c_.key, now());
        if (!signed_update) return std::unexpected(signed_update.error());
        auto got = exchange(signed_update->wire);
        if (!got) return std::unexpected(prefixed("UPDATE", got.error()));
        auto answer = from_wire(*got);
        if (!answer) return std::unexpected(answer.error());
        // The answer's TSIG is checked against our request MAC (RFC 8945 §5.3) before its
        // RCODE is believed; an unsigned REFUSED says so with its RCODE.
        if (auto ok = tsig_verify(*got, c_.key, signed_update->mac, now()); !ok) {
            auto rc = ldns_pkt_get_rcode(answer->get());
            auto e = ok.error();
            e.message = fmt::format("UPDATE to {}: {}{}", c_.server.label(), e.message,
                                    rc == LDNS_RCODE_REFUSED
                                        ? " (REFUSED: the update policy, or the source address)"
                                        : "");
            return std::unexpected(e);
        }
        auto rc = ldns_pkt_get_rcode(answer->get());
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

    // Over TCP, so an UPDATE is never truncated and a spoofed answer needs the connection.
    RResult<Wire> exchange(const Wire& message) const {
        auto got = live::exchange_over_tcp_now(c_.server, c_.source, message, c_.timeout);
        if (got) return std::move(*got);
        switch (got.error().kind) {
            case live::TcpFailure::timeout:
            case live::TcpFailure::unreachable:
                return reg_fail(ErrorKind::transient, got.error().detail);
            case live::TcpFailure::bad_address:
            case live::TcpFailure::bad_source:
            case live::TcpFailure::too_large:
                return reg_fail(ErrorKind::invalid, got.error().detail);
        }
        return reg_fail(ErrorKind::transient, got.error().detail);
    }

    static RegistrarError prefixed(const std::string& what, RegistrarError e) {
        e.message = what + ": " + e.message;
        return e;
    }

    static RResult<Wire> to_wire(const ldns_pkt* pkt) {
        uint8_t* raw = nullptr;
        size_t size = 0;
        if (ldns_pkt2wire(&raw, pkt, &size) != LDNS_STATUS_OK || raw == nullptr)
            return reg_fail(ErrorKind::invalid, "cannot encode the DNS message");
        Wire w(raw, raw + size);
        std::free(raw);
        return w;
    }

    static RResult<Pkt> from_wire(const Wire& w) {
        ldns_pkt* raw = nullptr;
        if (ldns_wire2pkt(&raw, w.data(), w.size()) != LDNS_STATUS_OK || raw == nullptr)
            return reg_fail(ErrorKind::transient, "the server's answer is not a DNS message");
        return Pkt(raw);
    }

    Rfc2136Config c_;
};

}  // namespace

std::unique_ptr<Api> make_rfc2136_api(Rfc2136Config config) {
    return std::make_unique<Rfc2136Api>(std::move(config));
}

}  // namespace zw::registrar
