#include "registrar/manual.h"

#include <fmt/format.h>

#include "dns/encoding.h"
#include "registrar/plan.h"
#include "registrar/submit_journal.h"

namespace zw::registrar {

RResult<std::string> manual_instructions(const DesiredSet& desired, std::uint32_t ds_ttl) {
    auto zone = desired.zone.to_text();
    if (desired.go_insecure) {
        if (!desired.keys.empty()) return reg_fail(ErrorKind::invalid, "go_insecure with keys");
        return fmt::format(
            "At the registrar of {}: remove ALL DS records (DNSSEC keys) of the domain; "
            "the zone is going insecure on purpose.",
            zone);
    }
    auto entries = expand(desired, EntryView::ds);
    if (!entries) return reg_fail(ErrorKind::invalid, entries.error().message);
    std::string out = fmt::format(
        "At the registrar of {}: make the DS set exactly the following (add these first, then "
        "remove every other DS record).\nAs DS records:\n",
        zone);
    for (const auto& e : *entries)
        out += fmt::format("  {} {} IN DS {}\n", zone, ds_ttl, ds_text(e));
    out += "Or, where the registrar asks for keys, as DNSKEY records:\n";
    for (const auto& k : desired.keys)
        out += fmt::format("  {} {} IN DNSKEY {} {} {} {}   ; key tag {}\n", zone, ds_ttl, k.flags,
                           k.protocol, k.algorithm, dns::base64_encode(k.public_key),
                           dns::key_tag(k.rdata()));
    return out;
}

namespace {

class ManualRegistrar final : public Registrar {
  public:
    ManualRegistrar(std::string name, std::uint32_t ttl, Journal& j)
        : name_(std::move(name)), ttl_(ttl), journal_(&j) {}
    const std::string& name() const override { return name_; }
    Capabilities capabilities() const override { return handover_capabilities(); }
    RResult<std::vector<Entry>> list(const dns::Name&) override {
        return reg_fail(ErrorKind::unsupported,
                        "manual: the registrar cannot be asked; the live DS check tells");
    }
    RResult<Receipt> apply(const DesiredSet& desired, Instant now) override {
        auto text = manual_instructions(desired, ttl_);
        if (!text) return std::unexpected(text.error());
        auto record = record_submit_once(*journal_, desired, name_, "operator asked", now);
        if (!record) return std::unexpected(record.error());
        Receipt r;
        r.state = ReceiptState::needs_operator;
        r.registrar = name_;
        r.zone = desired.zone.to_text();
        r.journal_id = record->id;
        Instant since = record->since;
        r.detail = fmt::format(
            "waiting for an operator to submit {} DS record(s) at the registrar since {}",
            record->entries.size(), format_instant(since));
        r.instructions = std::move(*text);
        return r;
    }

  private:
    std::string name_;
    std::uint32_t ttl_;
    Journal* journal_;
};

}  // namespace

std::unique_ptr<Registrar> make_manual_registrar(std::string name, std::uint32_t ds_ttl,
                                                 Journal& journal) {
    return std::make_unique<ManualRegistrar>(std::move(name), ds_ttl, journal);
}

}  // namespace zw::registrar
