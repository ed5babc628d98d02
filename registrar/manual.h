#pragma once
// manual: a human submits the DS set at the registrar's web interface. apply() records the
// request in the journal (once per distinct set) and returns needs_operator with exactly
// what to submit, both as DS records and as DNSKEYs (registrar forms ask for either); status
// shows it until the live check sees the parent serve the set.

#include <memory>
#include <string>

#include "registrar/journal.h"
#include "registrar/registrar.h"

namespace zw::registrar {

// Pure: the instructions text for a desired set.
[[nodiscard]] RResult<std::string> manual_instructions(const DesiredSet& desired,
                                                       std::uint32_t ds_ttl);

[[nodiscard]] std::unique_ptr<Registrar> make_manual_registrar(std::string name,
                                                               std::uint32_t ds_ttl,
                                                               Journal& journal);

}  // namespace zw::registrar
