#pragma once
// Builds a configured registrar from its settings: the map under `registrars: NAME:` in
// the configuration file, read with the configuration's field loader (base/config_fields.h),
// so a mistake names its file:line:column, or a map built in code. Keys by type are
// listed in docs/registrars.md. Secrets are never values here: only the
// file or environment variable that holds them.

#include <memory>
#include <string>

#include "base/config_fields.h"
#include "base/error.h"
#include "base/log.h"
#include "registrar/api.h"
#include "registrar/journal.h"
#include "registrar/registrar.h"

namespace zw::registrar {

using Settings = ConfigNode;

// The journal and log sink must outlive the registrar.
[[nodiscard]] Result<std::unique_ptr<Registrar>> make_registrar(const std::string& name,
                                                                const Settings& settings,
                                                                Journal& journal, LogSink& log);

// The low-level Api of a listing registrar (rfc2136, gandi, ovh), without the journal: for
// tools and tests that need one protocol step alone.
[[nodiscard]] Result<std::unique_ptr<Api>> make_api(const std::string& name,
                                                    const Settings& settings, LogSink& log);

}  // namespace zw::registrar
