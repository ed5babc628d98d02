#pragma once
// The registrar side of a zone pass: hands the DS set the engine wants to the zone's
// registrar, records each submission and what came of it, and tells the operator when the
// registrar needs them.

#include <memory>

#include "app/zone_pass_context.h"
#include "registrar/factory.h"
#include "rollover/engine.h"

namespace zw::app {

class DsSubmission {
  public:
    DsSubmission(PassContext& pass, const registrar::Settings& settings)
        : pass_(pass), settings_(settings) {}

    // An empty set goes to the parent only when the zone goes insecure: never empty the
    // parent's DS set by accident.
    [[nodiscard]] Result<void> submit(const rollover::SubmitDsSet& set, bool going_insecure,
                                      Instant now);

  private:
    Result<registrar::Registrar*> the_registrar();  // made on first use, kept for the pass

    PassContext& pass_;
    const registrar::Settings& settings_;
    std::unique_ptr<registrar::Registrar> registrar_;
};

}  // namespace zw::app
