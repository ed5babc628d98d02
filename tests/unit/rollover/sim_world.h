#pragma once
// A simulated DNS world for the safety property test: child servers that take up a new
// zone version after a random delay up to DprpC, a parent that applies a DS set after a
// random Dreg and then reaches its servers within DprpP, and resolvers that may have
// fetched any RRset version from any server at any moment and keep it for its TTL.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "rollover/engine.h"

namespace zw::rollover::sim {

using Ids = std::vector<std::uint32_t>;  // sorted key ids

struct ChildVersion {
    Ids dnskeys, krrsig, zrrsig;
    friend bool operator==(const ChildVersion&, const ChildVersion&) = default;
};
struct ParentVersion {
    Ids ds;
    friend bool operator==(const ParentVersion&, const ParentVersion&) = default;
};

// Versions of one zone's content in publication order, with the moment each server
// started to serve each of them.
template <typename V>
struct History {
    struct Entry {
        V v;
        std::vector<Instant> adopt;  // per server
    };
    std::vector<Entry> entries;

    // What server s serves at t (nullopt before the first version reached it).
    [[nodiscard]] const V* served(std::size_t s, Instant t) const {
        const V* out = nullptr;
        for (const auto& e : entries)
            if (e.adopt[s] <= t) out = &e.v;
        return out;
    }
    // Indices of the versions some resolver may hold at t: fetched from some server
    // while that server served it, no more than `ttl` ago.
    void cacheable(Instant t, Seconds ttl, std::vector<std::size_t>& out) const {
        out.clear();
        for (std::size_t i = 0; i < entries.size(); ++i) {
            for (std::size_t s = 0; s < entries[i].adopt.size(); ++s) {
                Instant from = entries[i].adopt[s];
                std::optional<Instant> until;
                if (i + 1 < entries.size()) until = entries[i + 1].adopt[s];
                if (until && *until <= from) continue;  // never served by s
                if (from <= t && (!until || *until > t - ttl)) {
                    out.push_back(i);
                    break;
                }
            }
        }
    }
};

struct WorldParams {
    std::size_t child_servers = 3, parent_servers = 2;
    Seconds max_dprp_child{30}, max_dprp_parent{60}, max_dreg{300};
    Seconds data_ttl{300};      // TTL of the zone's signed RRsets (= policy max-zone-ttl)
    double unreachable = 0.05;  // chance a probe meets a silent server
};

class World {
  public:
    World(WorldParams p, Seconds dnskey_ttl, Seconds ds_ttl, std::uint64_t seed);

    void publish(Instant t, const ChildVersion& v);  // new zone version from the signer
    void submit(Instant t, const ParentVersion& v);  // DS set handed to the registrar
    [[nodiscard]] Observation probe(const Probe& p, Instant t);

    // Every combination of cacheable DS set, DNSKEY RRset and signed data must validate.
    // Returns a description of a failing combination.
    [[nodiscard]] std::optional<std::string> check(Instant t);

    // check() for every second of [from, to). Cacheable sets change only when a server
    // takes up a version or a cached copy expires, so the verdict is constant between those
    // instants; each constant stretch is evaluated once. Returns the first failing second.
    [[nodiscard]] std::optional<std::pair<Instant, std::string>> check_range(Instant from,
                                                                             Instant to);

    std::vector<std::pair<Instant, std::string>> events;  // for counterexample timelines
    std::size_t silent_probes = 0;  // probes that met a silent server (each delays a step)

  private:
    WorldParams p_;
    Seconds dnskey_ttl_, ds_ttl_;
    std::mt19937_64 rng_;
    History<ChildVersion> child_;
    History<ParentVersion> parent_;
    std::optional<Instant> last_parent_apply_;
    std::vector<std::size_t> c_ds_, c_key_, c_data_;
    std::vector<std::size_t> prev_ds_, prev_key_, prev_data_;
    std::optional<std::string> prev_result_;
    bool have_prev_ = false;

    Seconds uniform(Seconds max);
    template <typename V>
    void change_points(const History<V>& h, Seconds ttl, Instant from, Instant to,
                       std::vector<Instant>& out) const;
};

[[nodiscard]] std::string ids(const Ids& v);

}  // namespace zw::rollover::sim
