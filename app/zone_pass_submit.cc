#include "app/zone_pass_submit.h"

#include <fmt/format.h>

#include <string>

#include "app/daemon_metrics.h"
#include "app/zone_pass_notify.h"

namespace zw::app {

Result<registrar::Registrar*> DsSubmission::the_registrar() {
    if (!registrar_) {
        auto made = registrar::make_registrar(pass_.info.registrar, settings_, pass_.env.journal,
                                              pass_.env.log);
        if (!made) return fail(made.error());
        registrar_ = std::move(*made);
    }
    return registrar_.get();
}

Result<void> DsSubmission::submit(const rollover::SubmitDsSet& set, bool going_insecure,
                                  Instant now) {
    const store::ZoneInfo& info = pass_.info;
    registrar::DesiredSet want;
    want.zone = pass_.origin;
    for (const auto& k : set.keys) {
        const signer::KeyPair* p = pass_.keys->find(k);
        if (!p)
            return fail(
                outside_error(fmt::format("key {} has no material; cannot compute its DS", k.id)));
        want.keys.push_back(p->dnskey());
    }
    want.go_insecure = set.keys.empty() && going_insecure;
    if (set.keys.empty() && !going_insecure) return {};
    auto reg = the_registrar();
    if (!reg) return fail(reg.error());
    auto receipt = (*reg)->apply(want, now);
    if (pass_.env.metrics) pass_.env.metrics->registrar_submission(info.registrar, !receipt);
    std::string set_text;
    for (const auto& k : set.keys)
        set_text += fmt::format("{}{}", set_text.empty() ? "" : ",", k.tag.value_or(0));
    // What the registrar answered is what status shows of the parent side: a submission
    // the store cannot record fails the pass, after the rest of the receipt is handled.
    auto record = [&](const std::string& outcome) {
        if (auto ok = pass_.env.store.record_submission(info.name, now, info.registrar, set_text,
                                                        outcome);
            !ok)
            pass_.failed(ok.error());
    };
    if (!receipt) {
        record(receipt.error().describe());
        return fail(receipt.error().to_error());
    }
    record(std::string(registrar::to_text(receipt->state)));
    switch (receipt->state) {
        case registrar::ReceiptState::done:
        case registrar::ReceiptState::publish_cds:
            break;
        case registrar::ReceiptState::in_progress:
            pass_.note(fmt::format("registrar {}: DS set [{}] in progress {}", info.registrar,
                                   set_text, receipt->detail));
            if (receipt->poll_after) pass_.wake_no_later(*receipt->poll_after);
            break;
        case registrar::ReceiptState::needs_operator:
            pass_.note(fmt::format("registrar {} needs the operator: {}", info.registrar,
                                   receipt->instructions));
            notify(pass_, "operator-needed", receipt->instructions, receipt->instructions, now);
            break;
    }
    return {};
}

}  // namespace zw::app
