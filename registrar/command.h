#pragma once
// command: an operator's program moves the DS set (a registrar without an adapter here, an
// internal provisioning system). It is run directly (no shell) with the desired set as JSON
// on stdin:
//   {"zone": "child.test.", "go_insecure": false, "request_id": 17,
//    "ds": [{"key_tag", "algorithm", "digest_type", "digest"}],
//    "dnskeys": [{"flags", "protocol", "algorithm", "public_key"}]}
// It must treat the set as the whole desired state (so running it twice is harmless) and
// answer by exit status, sysexits(3) style:
//   0 done · 10 accepted, still in progress (run again later) · 65 invalid · 67 not found ·
//   77 authentication · 78 unsupported · 75 or anything else: transient.
// The last line it prints (stdout or stderr) becomes the receipt's detail. It is killed
// (its whole process group) after the timeout. A set it already took is not sent again.

#include <memory>
#include <string>

#include "base/log.h"
#include "registrar/journal.h"
#include "registrar/registrar.h"

namespace zw::registrar {

struct CommandConfig {
    std::string program;  // absolute path
    Seconds timeout{60};
};

[[nodiscard]] std::string command_input(const DesiredSet& desired, const std::vector<Entry>& ds,
                                        std::int64_t request_id);

[[nodiscard]] std::unique_ptr<Registrar> make_command_registrar(std::string name,
                                                                CommandConfig config,
                                                                Journal& journal, LogSink& log);

}  // namespace zw::registrar
