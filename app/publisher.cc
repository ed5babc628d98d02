#include "app/publisher.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "app/hooks.h"
#include "app/managed_records.h"
#include "base/directories.h"
#include "base/regular_file.h"
#include "dns/encoding.h"
#include "dns/openssl.h"
#include "dns/rdata.h"
#include "dns/rrsig.h"
#include "signer/sign_zone.h"
#include "signer/signing_state.h"
#include "signer/zone_writer.h"
#include "zones/build.h"
#include "zones/reader.h"

namespace zw::app {

namespace {

using rollover::Record;

Result<const signer::KeyPair*> material(const KeyMaterial& keys, const rollover::KeyRef& k) {
    const signer::KeyPair* p = keys.find(k);
    if (!p)
        return fail(outside_error(
            fmt::format("the key material of key {} (tag {}) is missing from the key directory",
                        k.id, k.tag ? fmt::format("{}", *k.tag) : "unknown")));
    return p;
}

std::vector<std::uint16_t> tags(const std::vector<const signer::KeyPair*>& keys) {
    std::vector<std::uint16_t> out;
    for (const auto* k : keys) out.push_back(k->tag());
    return out;
}

std::string plan_text(const PublicationPlan& p) {
    auto list = [](const std::vector<std::uint16_t>& v) {
        std::string s;
        for (auto t : v) s += fmt::format("{},", t);
        return s;
    };
    return fmt::format("dnskey={} ksig={} zsig={} cds={} delete={}", list(tags(p.dnskey)),
                       list(tags(p.sign_dnskey)), list(tags(p.sign_zone)), list(p.cds),
                       p.cds_delete);
}

// The earliest RRSIG expiration in the zone: kept signatures are older than fresh ones.
// RRSIG times are 32-bit serial numbers (RFC 4034 §3.1.5), read relative to now.
std::optional<Instant> earliest_expiration(const signer::SignedZone& zone, Instant now) {
    const std::uint32_t now32 = dns::to_sig_time(now);
    std::optional<std::int64_t> least;  // seconds from now
    zone.for_each_node([&](const zones::Node& node) {
        for (const auto& set : node.rrsets)
            for (const auto& sig : set.signatures) {
                if (sig.size() < 12) continue;
                std::uint32_t exp = dns::read_u32(sig.data() + 8);
                std::int64_t ahead = static_cast<std::int32_t>(exp - now32);
                if (!least || ahead < *least) least = ahead;
            }
    });
    if (!least) return std::nullopt;
    return now + Seconds{*least};
}

}  // namespace

std::string input_file_of(const Config& config, const store::ZoneInfo& zone) {
    return zone.zone_file.empty() ? config.input_file(zone.name) : zone.zone_file;
}

std::vector<std::uint16_t> wanted_ds_tags(const rollover::ZoneState& state) {
    std::vector<std::uint16_t> out;
    for (const auto& k : rollover::published_keys(state, Record::ds))
        if (k.tag) out.push_back(*k.tag);
    return out;
}

Result<PublicationPlan> plan_publication(const rollover::ZoneState& state, const KeyMaterial& keys,
                                         bool cds) {
    PublicationPlan plan;
    for (auto [record, into] :
         {std::pair{Record::dnskey, &plan.dnskey}, std::pair{Record::krrsig, &plan.sign_dnskey},
          std::pair{Record::zrrsig, &plan.sign_zone}})
        for (const auto& k : rollover::published_keys(state, record)) {
            auto p = material(keys, k);
            if (!p) return fail(p.error());
            into->push_back(*p);
        }
    // The parent's DS is computed from the material too: a key whose DS alone is wanted
    // must have it as well.
    for (const auto& k : rollover::published_keys(state, Record::ds))
        if (auto p = material(keys, k); !p) return fail(p.error());
    plan.ds = wanted_ds_tags(state);
    // Going insecure, the DNSKEYs go before the last zone signatures; with no DNSKEY left
    // (the engine withdraws them only once no cached DS can point at them) signatures
    // prove nothing to anyone, and the zone is published unsigned.
    if (plan.dnskey.empty()) {
        plan.sign_dnskey.clear();
        plan.sign_zone.clear();
    }
    if (cds && plan.is_signed()) {
        // CDS only names keys that are in the DNSKEY RRset (RFC 7344 §4.1).
        for (auto t : plan.ds)
            if (std::ranges::any_of(plan.dnskey,
                                    [&](const signer::KeyPair* k) { return k->tag() == t; }))
                plan.cds.push_back(t);
        plan.cds_delete = state.going_insecure && plan.ds.empty();
    }
    return plan;
}

Result<std::string> publication_hash(const PublishRequest& r, const std::string& input_file) {
    // Streamed: the zone file is hashed as it is read, never held whole.
    auto file = open_regular_file(input_file, "zone file", zones::max_zone_file_bytes);
    if (!file) return fail(file.error());
    dns::EvpMdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        return fail(internal_error("SHA-256 failed"));
    std::vector<char> block(1 << 20);
    for (;;) {
        ssize_t n = ::read(file->fd.get(), block.data(), block.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return fail(bad_input(
                fmt::format("cannot read the zone file {}: {}", input_file, std::strerror(errno))));
        if (n == 0) break;
        EVP_DigestUpdate(ctx.get(), block.data(), static_cast<std::size_t>(n));
    }
    std::string choices(1, '\0');
    // The managed records come from certificate files: a new key is a new publication.
    auto managed = managed_records(r.config, r.zone.name);
    if (!managed) return fail(managed.error());
    for (const dns::Rr& rr : *managed)
        choices += fmt::format("{} {} {} {}\n", rr.owner.to_text(), rr.type, rr.ttl,
                               dns::hex_encode(rr.rdata));
    choices += plan_text(r.plan);
    choices += fmt::format(" nsec3={} dnskey_ttl={} validity={} jitter={}", r.config.nsec3,
                           r.policy.dnskey_ttl.count(), r.policy.signatures.validity.count(),
                           r.policy.signatures.jitter.count());
    EVP_DigestUpdate(ctx.get(), choices.data(), choices.size());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) return fail(internal_error("SHA-256 failed"));
    return dns::hex_encode(std::span<const std::uint8_t>(md, len));
}

Result<std::optional<store::Publication>> publish_zone(const PublishRequest& r) {
    const std::string input = input_file_of(r.config, r.zone);
    auto hash = publication_hash(r, input);
    if (!hash) return fail(hash.error());
    const std::string out_file = r.config.output_file(r.zone.name);
    if (!r.force && r.previous && r.previous->input_hash == *hash &&
        std::filesystem::exists(out_file) &&
        (!r.previous->refresh_at || r.now < *r.previous->refresh_at))
        return std::optional<store::Publication>{};

    auto origin = dns::Name::from_text(r.zone.name);
    if (!origin) return fail(origin.error());
    zones::Diagnostics diag;
    zones::ReadResult read = zones::read_zone_file(input, *origin, {}, diag);
    if (diag.errors.empty()) {
        auto managed = managed_records(r.config, r.zone.name);
        if (!managed) return fail(managed.error());
        if (auto merged = merge_managed_records(read, r.config, r.zone.name, *managed); !merged)
            diag.errors.push_back(merged.error());
    }
    zones::Zone zone;
    if (diag.errors.empty()) zone = zones::build_zone(*origin, std::move(read), diag);
    if (!diag.errors.empty()) {
        std::string message =
            fmt::format("{} cannot be published: the zone file has errors", r.zone.name);
        for (const auto& e : diag.errors) message += "\n  " + e.describe();
        return fail(bad_input(std::move(message)));
    }

    // The policy's waits assume no signed RRset lives longer in caches than max-zone-ttl
    // (TTLsig, RFC 7583 §3.2); a longer TTL would make a rollover step early.
    for (const auto& node : zone.nodes)
        for (const auto& set : node.rrsets)
            if (r.plan.is_signed() &&
                set.ttl > static_cast<std::uint64_t>(r.policy.max_zone_ttl.count()) &&
                node.role != zones::NodeRole::occluded)
                return fail(bad_input(
                    fmt::format("{}: {} {} has TTL {}, above the policy's max-zone-ttl {}; raise "
                                "max-zone-ttl in policy '{}' "
                                "or lower the TTL",
                                input, node.name.to_text(), dns::type_to_text(set.type), set.ttl,
                                format_duration(r.policy.max_zone_ttl), r.policy.name)));

    zones::RRset* soa = zone.apex().find(dns::rrtype::SOA);
    std::uint32_t input_serial = dns::soa_timers(soa->rdatas.front())->serial;
    std::optional<std::uint32_t> published = zones::read_published_serial(out_file, *origin);
    if (r.previous && (!published || zones::serial_compare(r.previous->serial, *published) ==
                                         zones::SerialOrder::greater))
        published = r.previous->serial;
    // Every publication must reach the servers as a new serial, even under `keep`: the live
    // checks wait for the serial that carries the change.
    zones::SerialPolicy serial_policy = r.config.serial == zones::SerialPolicy::keep
                                            ? zones::SerialPolicy::increment
                                            : r.config.serial;
    std::uint32_t serial = zones::next_serial(serial_policy, input_serial, published, r.now);
    if (!dns::set_soa_serial(soa->rdatas.front(), serial))
        return fail(internal_error("cannot set the SOA serial"));

    store::Publication pub;
    pub.at = r.now;
    pub.serial = serial;
    pub.input_hash = *hash;
    pub.dnskey = tags(r.plan.dnskey);
    pub.ds = r.plan.ds;
    pub.cds = r.plan.cds;
    pub.is_signed = r.plan.is_signed();

    signer::SignedZone out;
    const std::string state_file = signer::state_path_for(out_file);
    if (r.plan.is_signed()) {
        signer::SigningParams params;
        params.now = r.now;
        params.inception_offset = r.policy.signatures.inception_offset;
        params.validity = r.policy.signatures.validity;
        params.jitter = r.policy.signatures.jitter;
        // Renew a little more than what is due, so renewals come in batches (at most one
        // publication per quarter of the jitter window) instead of one per RRset.
        params.refresh = r.policy.signatures.refresh + r.policy.signatures.jitter / 4;
        params.dnskey_ttl = r.policy.dnskey_ttl;  // sign_zone refuses one above 2^31-1
        if (r.config.nsec3) params.nsec3 = signer::Nsec3Params{};
        params.cds_key_tags = r.plan.cds;
        params.cds_delete = r.plan.cds_delete;
        params.threads = r.config.threads;
        signer::KeyUse use{r.plan.dnskey, r.plan.sign_dnskey, r.plan.sign_zone};
        // O(change) re-signing from the last run's signatures (docs/signer.md); a state
        // that cannot be used only costs a full signing.
        auto previous_state = signer::SigningState::read(state_file, *origin);
        if (!previous_state && r.warn)
            r.warn(fmt::format("{}; signing everything", previous_state.error().describe()));
        auto signed_zone =
            previous_state && *previous_state
                ? signer::sign_zone_incremental(std::move(zone), use, params, **previous_state)
                : signer::sign_zone(std::move(zone), use, params);
        if (!signed_zone) return fail(signed_zone.error());
        out = std::move(*signed_zone);
        pub.earliest_expiry = earliest_expiration(out, r.now);
        if (pub.earliest_expiry)
            pub.refresh_at = *pub.earliest_expiry - r.policy.signatures.refresh;
    } else {
        out.zone = std::move(zone);
    }
    if (auto made =
            make_directories(std::filesystem::path(out_file).parent_path(), output_directory_mode);
        !made)
        return fail(made.error());
    // Never readable by more than the tenant's zone file is (a new output; one in place
    // keeps its mode and group).
    const mode_t output_mode = zones::mode_no_wider_than(input, 0644);
    if (auto ok = signer::write_signed_zone(
            out, out_file, signer::TextOptions{r.config.threads, 512, output_mode});
        !ok)
        return fail(ok.error());
    if (pub.is_signed) {
        if (auto ok = signer::write_signing_state(out, state_file, output_mode); !ok && r.warn)
            r.warn(fmt::format("cannot keep the signing state ({}); the next run signs everything",
                               ok.error().describe()));
    } else {
        signer::remove_signing_state(state_file);  // an unsigned zone has nothing to reuse
    }
    if (!r.config.publish.empty()) {
        // The zone as name servers name it (not as files do), without the final dot.
        const std::string hook_zone = r.zone.name.size() > 1 && r.zone.name.ends_with('.')
                                          ? r.zone.name.substr(0, r.zone.name.size() - 1)
                                          : r.zone.name;
        HookRun run{expand_hook(r.config.publish, {{"zone", hook_zone}, {"file", out_file}}),
                    {{"ZW_ZONE", r.zone.name},
                     {"ZW_FILE", out_file},
                     {"ZW_SERIAL", fmt::format("{}", serial)}},
                    "",
                    Seconds{120}};
        if (auto ok = run_hook(run); !ok)
            return fail(outside_error(
                fmt::format("{}: signed zone written to {}, but the publish hook failed: {}",
                            r.zone.name, out_file, ok.error().message)));
    }
    return std::optional<store::Publication>{std::move(pub)};
}

}  // namespace zw::app
