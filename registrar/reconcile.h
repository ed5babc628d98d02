#pragma once
// ApiRegistrar: the declarative interface over a listing Api, with the journal.
//
// One apply() pass:
//  1. settle open journal records against a fresh listing: an add that shows up, a removal
//     that is gone, a task that finished → done; one still within `settle_window` → wait
//     (in_progress) rather than send again; one older → failed, and the plan decides anew;
//  2. plan (plan.h); converged → done;
//  3. whole_set: send the final set (journal first); per_record: send every missing entry
//     first and remove nothing until they all show in the listing, then remove the rest.
// A request whose answer was lost (timeout after sending, crash) stays "sent" in the
// journal, so step 1 of the next pass waits for it instead of sending a duplicate.

#include <memory>
#include <string>

#include "base/log.h"
#include "registrar/api.h"
#include "registrar/journal.h"
#include "registrar/registrar.h"

namespace zw::registrar {

struct ReconcileOptions {
    // How long an unanswered or accepted request may take to show in the listing before it
    // is presumed lost and sent again (Gandi's 202 entries can take minutes to appear).
    Seconds settle_window{900};
    Seconds poll_interval{10};
};

class ApiRegistrar final : public Registrar {
  public:
    ApiRegistrar(std::string name, std::unique_ptr<Api> api, Journal& journal, LogSink& log,
                 ReconcileOptions options = {});
    [[nodiscard]] const std::string& name() const override { return name_; }
    [[nodiscard]] Capabilities capabilities() const override { return api_->capabilities(); }
    [[nodiscard]] RResult<std::vector<Entry>> list(const dns::Name& zone) override;
    [[nodiscard]] RResult<Receipt> apply(const DesiredSet& desired, Instant now) override;

  private:
    // clear: nothing open; closed: records were closed in this pass (list again before
    // planning, the listing may predate them); wait: something is still on its way.
    enum class Settle { clear, closed, wait };
    RResult<Settle> settle(const dns::Name& zone, const std::vector<Entry>& held, Instant now,
                           Receipt& receipt);
    // settle, then: true when something is still on its way (`receipt` holds `held`, to
    // be returned); false when the plan may be made from `held`, listed again first when
    // records were closed.
    RResult<bool> settle_listing(const dns::Name& zone, std::vector<Entry>& held, Instant now,
                                 Receipt& receipt);
    RResult<Submitted> send(const dns::Name& zone, Operation op, const std::vector<Entry>& entries,
                            const std::vector<Entry>& held, Instant now, Receipt& receipt);
    Receipt receipt_for(const dns::Name& zone, ReceiptState s, Instant now) const;

    std::string name_;
    std::unique_ptr<Api> api_;
    Journal* journal_;
    LogSink* log_;
    ReconcileOptions options_;
};

}  // namespace zw::registrar
