#pragma once
// The IO half of the engine's Probe actions: survey a zone on every server of it and of
// its parent (one batch of queries), then judge each probe against that one report.

#include <optional>

#include "app/config.h"
#include "app/survey_answers.h"
#include "live/zone_survey.h"
#include "rollover/engine.h"

namespace zw::app {

// The first nameserver of /etc/resolv.conf.
[[nodiscard]] Result<live::Server> default_resolver();

// One discovery and probe of zone, validated from the configured trust anchor. Fails
// (outside) when the zone's servers cannot be found at all.
[[nodiscard]] Result<live::ZoneReport> look_at(const Config& config, const dns::Name& zone,
                                               Instant now);

// The observation a probe makes of the report. `dnskey` is the probed key's DNSKEY RDATA;
// child probes need every server at min_serial or later (the publication that carries
// the change).
[[nodiscard]] rollover::Observation observe(const live::ZoneReport& report,
                                            const rollover::Probe& probe, const dns::Bytes& dnskey,
                                            std::optional<std::uint32_t> min_serial, Instant at);

}  // namespace zw::app
