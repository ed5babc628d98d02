// When keys are born and when they start to leave. The safety gate (safety.cc) decides
// how fast their records may actually move; this file only sets goals.

#include <fmt/format.h>

#include <algorithm>

#include "rollover/engine.h"
#include "rollover/timeline.h"

namespace zw::rollover {

namespace {

std::vector<Role> wanted_roles(const Policy& p) {
    switch (p.roles) {
        case Roles::ksk_zsk:
            return {Role::ksk, Role::zsk};
        case Roles::csk:
            return {Role::csk};
    }
    return {};
}

KeyState& add_key(ZoneState& z, const Policy& p, Role role, Instant now,
                  std::optional<std::uint32_t> predecessor, Decision& out) {
    KeyState k;
    k.key = KeyRef{z.next_key_id++, p.algorithm, role, std::nullopt};
    k.goal = Goal::omnipresent;
    k.created = now;
    for (auto& r : k.records) r.since = now;
    k.predecessor = predecessor;
    out.actions.push_back(GenerateKey{k.key, predecessor});
    z.keys.push_back(k);
    return z.keys.back();
}

}  // namespace

void plan(const Policy& p, ZoneState& z, Instant now, Decision& out) {
    if (z.going_insecure) {
        // RFC 6781 §4.2 in reverse: every key leaves; the safety gate makes the DS go
        // first and keeps the DNSKEYs until TTLds has passed.
        for (auto& k : z.keys) k.goal = Goal::hidden;
        return;
    }
    Timeline tl{p, z.observed_dreg, z.observed_ds_ttl};
    const auto roles = wanted_roles(p);

    for (Role role : roles) {
        auto current = [&](const KeyState& k) {
            return k.key.role == role && k.key.algorithm == p.algorithm &&
                   k.goal == Goal::omnipresent;
        };
        if (std::ranges::none_of(z.keys, current)) {
            // Onboarded again while (or after) going insecure: a key that left only for that
            // (the policy still wants it, nothing replaced it) takes its place again, so the
            // records still in caches come back instead of a new key being introduced. A
            // record it had withdrawn is republished or, if safety says not yet, finishes
            // leaving first.
            auto left = std::ranges::find_if(z.keys, [&](const KeyState& k) {
                return k.key.role == role && k.key.algorithm == p.algorithm &&
                       k.goal == Goal::hidden && !k.successor;
            });
            if (left != z.keys.end()) {
                left->goal = Goal::omnipresent;
                continue;
            }
            // First signing, or the policy's algorithm/roles changed (RFC 6781 §4.1.4):
            // the old key of the same role, if any, is recorded as the predecessor.
            std::optional<std::uint32_t> pred;
            for (const auto& k : z.keys)
                if (k.key.role == role && k.goal == Goal::omnipresent && !k.successor)
                    pred = k.key.id;
            std::uint32_t new_id = add_key(z, p, role, now, pred, out).key.id;
            // Link both ways, as a scheduled rollover does, so the method's ordering rules
            // (e.g. double-DS: the old DS stays until the new one is everywhere) apply.
            for (auto& o : z.keys)
                if (pred && o.key.id == *pred) o.successor = new_id;
            continue;
        }
        // Roll every current key whose time has come or whose rollover was asked for.
        for (std::size_t i = 0; i < z.keys.size(); ++i) {
            if (!current(z.keys[i]) || z.keys[i].successor) continue;
            KeyState& k = z.keys[i];
            std::optional<Instant> due;
            if (k.active_since) due = tl.successor_publish_time(role, *k.active_since);
            bool asked = k.request != RolloverRequest::none;
            if (!asked && (!due || now < *due)) {
                if (due) {
                    out.waiting_on.push_back(
                        Wait{k.key.id, std::nullopt, Gate::time, *k.active_since, due,
                             fmt::format("successor due: Tact + L{} - lead {}", name(role),
                                         format_duration(tl.successor_lead(role)))});
                    if (!out.wake_at || *due < *out.wake_at) out.wake_at = due;
                }
                continue;
            }
            std::uint32_t old_id = k.key.id;
            k.request = RolloverRequest::none;
            k.goal = Goal::hidden;
            KeyState& s = add_key(z, p, role, now, old_id, out);
            std::uint32_t new_id = s.key.id;
            // add_key may have reallocated: look the predecessor up again.
            for (auto& o : z.keys)
                if (o.key.id == old_id) o.successor = new_id;
        }
    }
    // Keys the policy no longer wants (another algorithm or role) leave once their
    // replacements exist; the safety gate holds them until the replacements are in use.
    for (auto& k : z.keys) {
        bool wanted =
            k.key.algorithm == p.algorithm && std::ranges::find(roles, k.key.role) != roles.end();
        if (!wanted) k.goal = Goal::hidden;
    }
}

}  // namespace zw::rollover
