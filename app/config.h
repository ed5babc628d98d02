#pragma once
// The operator's configuration file (docs/operations.md): where state, keys and zones
// live, the hooks, how to reach DNS, the policies and the registrars. Every error names
// file:line and the field; unknown fields are errors. Secrets are never values here.

#include <map>
#include <optional>
#include <string>
#include <thread>

#include "app/tls_config.h"
#include "base/duration.h"
#include "base/error.h"
#include "registrar/factory.h"
#include "rollover/engine.h"
#include "rollover/policy.h"
#include "zones/serial.h"

namespace zw::app {

// Bounds of dns.attempts and dns.timeout, which `probe` holds its options to as well.
inline constexpr int max_dns_attempts = 10;
inline constexpr int max_dns_timeout_ms = 60'000;

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
    TlsServices tls;  // per zone, the TLS services whose TLSA records it publishes
    std::optional<std::string> default_policy;
    std::optional<std::string> default_registrar;
    // Tests only, from the environment (ZW_TEST_HOOKS=turn-back-midway): breaks the engine on
    // purpose, so that a test can see how a stuck zone is reported end to end.
    rollover::TestHooks engine_test_hooks;

    // "alpha.example." -> "<zones-in>/alpha.example.zone"; the zone's part of each path is
    // zone_file_stem, so no zone name can lead outside these directories.
    [[nodiscard]] std::string input_file(std::string_view zone) const;
    [[nodiscard]] std::string output_file(std::string_view zone) const;
    [[nodiscard]] std::string zone_key_dir(std::string_view zone) const;
    [[nodiscard]] Result<const rollover::Policy*> policy(std::string_view name) const;
};

// The zone's name in file and directory names: dns::file_name_text without the final dot
// ("alpha.example", "0%2F26.2.0.192.in-addr.arpa"); the root is "root".
[[nodiscard]] std::string zone_file_stem(std::string_view zone);

[[nodiscard]] Result<Config> load_config(const std::string& path);
[[nodiscard]] Result<Config> parse_config(std::string_view text, const std::string& path);

inline constexpr const char* default_config_path = "/etc/zonewarden/zonewarden.yaml";

}  // namespace zw::app
