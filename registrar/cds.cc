#include "registrar/cds.h"

#include <fmt/format.h>

#include "dns/rdata.h"
#include "registrar/plan.h"
#include "registrar/submit_journal.h"

namespace zw::registrar {

RResult<CdsRequest> cds_request(const DesiredSet& desired, std::uint32_t ttl) {
    CdsRequest req;
    if (desired.go_insecure) {
        if (!desired.keys.empty())
            return reg_fail(ErrorKind::invalid,
                            "go_insecure with keys: the CDS delete form stands alone");
        // RFC 8078 §4: exactly one record of each type, and nothing else in the RRsets.
        req.delete_form = true;
        req.cds.push_back(dns::Rr{desired.zone, dns::rrtype::CDS, ttl, dns::cds_delete_rdata()});
        req.cdnskey.push_back(
            dns::Rr{desired.zone, dns::rrtype::CDNSKEY, ttl, dns::cdnskey_delete_rdata()});
        return req;
    }
    auto entries = expand(desired, EntryView::ds);
    if (!entries) return reg_fail(ErrorKind::invalid, entries.error().message);
    for (const auto& e : *entries) {
        dns::Bytes rdata;
        dns::put_u16(rdata, e.key_tag);
        rdata.push_back(e.algorithm);
        rdata.push_back(*e.digest_type);
        rdata.insert(rdata.end(), e.digest.begin(), e.digest.end());
        req.cds.push_back(dns::Rr{desired.zone, dns::rrtype::CDS, ttl, std::move(rdata)});
    }
    // One CDNSKEY per key, the same keys the CDS records name.
    for (const auto& k : desired.keys)
        req.cdnskey.push_back(dns::Rr{desired.zone, dns::rrtype::CDNSKEY, ttl, k.rdata()});
    return req;
}

namespace {

class CdsRegistrar final : public Registrar {
  public:
    CdsRegistrar(std::string name, CdsConfig c, Journal& j)
        : name_(std::move(name)), c_(c), journal_(&j) {}
    const std::string& name() const override { return name_; }
    // DS, and CDNSKEY alongside.
    Capabilities capabilities() const override { return handover_capabilities(); }
    RResult<std::vector<Entry>> list(const dns::Name&) override {
        return reg_fail(ErrorKind::unsupported,
                        "cds: the parent's DS set is only seen by the live DS check, not listed");
    }
    RResult<Receipt> apply(const DesiredSet& desired, Instant now) override {
        auto req = cds_request(desired, c_.ttl);
        if (!req) return std::unexpected(req.error());
        auto record =
            record_submit_once(*journal_, desired, name_,
                               desired.go_insecure ? "CDS/CDNSKEY delete" : "CDS/CDNSKEY", now);
        if (!record) return std::unexpected(record.error());
        Receipt r;
        r.state = ReceiptState::publish_cds;
        r.registrar = name_;
        r.zone = desired.zone.to_text();
        r.journal_id = record->id;
        Instant since = record->since;
        r.detail =
            fmt::format("publish {} CDS and {} CDNSKEY{} (requested {}); the parent scans them",
                        req->cds.size(), req->cdnskey.size(),
                        req->delete_form ? " (delete form)" : "", format_instant(since));
        r.cds_request = std::move(*req);
        return r;
    }

  private:
    std::string name_;
    CdsConfig c_;
    Journal* journal_;
};

}  // namespace

std::unique_ptr<Registrar> make_cds_registrar(std::string name, CdsConfig config,
                                              Journal& journal) {
    return std::make_unique<CdsRegistrar>(std::move(name), config, journal);
}

}  // namespace zw::registrar
