#pragma once
// The operator's configuration file (docs/operations.md): where state, keys and zones
// live, the hooks, how to reach DNS, the policies and the registrars. Every error names
// file:line and the field; unknown fields are errors. Secrets are never values here.

#include <map>
#include <optional>
#include <string>
#include <thread>

#include "base/duration.h"
#include "base/error.h"
#include "registrar/factory.h"
#include "rollover/policy.h"
#include "zones/serial.h"

namespace zw::app {

struct DnsSettings {
    std::string resolver;      // ADDR or ADDR:PORT, for discovery only
    std::string trust_anchor;  // DS or DNSKEY records
    Seconds timeout{2};
    int attempts = 3;
};

// The daemon's HTTP endpoint (status page, /status.json, /metrics); off when absent.
struct HttpSettings {
    std::string listen;  // an IPv4 or IPv6 address literal
    std::uint16_t port = 0;
};

struct Config {
    std::string file;  // where it was read from, for messages
    std::string state;
    std::string key_dir;
    std::string zones_in;
    std::string zones_out;
    std::string publish;  // shell command; empty: none
    std::string notify;   // shell command; empty: none
    Seconds notify_after{86400};
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    zones::SerialPolicy serial = zones::SerialPolicy::unixtime;
    bool nsec3 = false;
    DnsSettings dns;
    Seconds max_sleep{300};
    std::optional<HttpSettings> http;
    std::map<std::string, rollover::Policy> policies;
    std::map<std::string, registrar::Settings> registrars;
    std::optional<std::string> default_policy;
    std::optional<std::string> default_registrar;

    // "alpha.example." -> "<zones-in>/alpha.example.zone"
    [[nodiscard]] std::string input_file(std::string_view zone) const;
    [[nodiscard]] std::string output_file(std::string_view zone) const;
    [[nodiscard]] std::string zone_key_dir(std::string_view zone) const;
    [[nodiscard]] Result<const rollover::Policy*> policy(std::string_view name) const;
};

// The file name without the trailing dot ("alpha.example"); the root is ".".
[[nodiscard]] std::string zone_file_stem(std::string_view zone);

[[nodiscard]] Result<Config> load_config(const std::string& path);
[[nodiscard]] Result<Config> parse_config(std::string_view text, const std::string& path);

inline constexpr const char* default_config_path = "/etc/zonewarden/zonewarden.yaml";

}  // namespace zw::app
