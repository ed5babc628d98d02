#include "app/zone_pass.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/publisher.h"
#include "app/zone_pass_checks.h"
#include "app/zone_pass_context.h"
#include "app/zone_pass_notify.h"
#include "app/zone_pass_schedule.h"
#include "app/zone_pass_submit.h"
#include "rollover/engine.h"

namespace zw::app {

namespace {

using rollover::Action;
using rollover::Observation;
using rollover::Verdict;

// Bounds one pass: each round either moves a record or stops.
constexpr int max_rounds = 12;

// The key material the decision makes or deletes; `generated` says new tags were stored.
Result<void> execute_key_actions(PassContext& pass, const rollover::Decision& d, Instant now,
                                 bool& generated) {
    for (const Action& a : d.actions) {
        if (const auto* g = std::get_if<rollover::GenerateKey>(&a)) {
            auto tag = pass.keys->generate(g->key, now);
            if (!tag) return fail(tag.error());
            if (auto ok = pass.env.store.set_key_tag(pass.info.name, g->key.id, *tag, now); !ok)
                return ok;
            pass.note(fmt::format("generated {} {} key {} (tag {})",
                                  rollover::algorithm_mnemonic(g->key.algorithm),
                                  rollover::name(g->key.role), g->key.id, *tag));
            generated = true;
        } else if (const auto* p = std::get_if<rollover::PurgeKey>(&a)) {
            if (auto ok = pass.keys->purge(p->key); !ok) return ok;
            pass.note(fmt::format("deleted the material of key {} (tag {})", p->key.id,
                                  p->key.tag ? fmt::format("{}", *p->key.tag) : "?"));
        }
    }
    return {};
}

// The zone as the next states say it is published: DNSKEY RRset, signers, CDS. The
// decision's actions do not repeat it (rollover/engine.h).
Result<void> publish(PassContext& pass, const rollover::Decision& d, bool cds, Instant now) {
    auto plan = plan_publication(d.next, *pass.keys, cds);
    if (!plan) return fail(plan.error());
    auto previous = pass.env.store.last_publication(pass.info.name);
    if (!previous) return fail(previous.error());
    auto pub = publish_zone(
        PublishRequest{pass.env.config, pass.info, *pass.policy, *plan, *previous, now, false,
                       [&pass](std::string w) { pass.note("warning: " + std::move(w)); }});
    if (!pub) return fail(pub.error());
    if (!*pub) return {};
    if (auto ok = pass.env.store.record_publication(pass.info.name, **pub); !ok) return ok;
    auto list = [](const std::vector<std::uint16_t>& v) {
        std::string s;
        for (auto t : v) s += fmt::format("{}{}", s.empty() ? "" : " ", t);
        return s;
    };
    pass.note((*pub)->is_signed
                  ? fmt::format(
                        "published serial {}: DNSKEY [{}]{}", (*pub)->serial, list((*pub)->dnskey),
                        (*pub)->cds.empty() ? "" : fmt::format(", CDS [{}]", list((*pub)->cds)))
                  : fmt::format("published serial {} unsigned", (*pub)->serial));
    return {};
}

// Every journaled action still pending is marked done with `outcome`.
Result<void> mark_pending_done(PassContext& pass, std::string_view outcome) {
    auto pending = pass.env.store.pending_actions(pass.info.name);
    if (!pending) return fail(pending.error());
    for (const auto& p : *pending)
        if (auto ok = pass.env.store.mark_done(p.id, pass.env.clock.now(), outcome); !ok) return ok;
    return {};
}

struct Pass {
    PassContext& ctx;

    void run() {
        auto pol = ctx.env.config.policy(ctx.info.policy);
        if (!pol) return ctx.failed(pol.error());
        ctx.policy = *pol;
        auto name = dns::Name::from_text(ctx.info.name);
        if (!name) return ctx.failed(name.error());
        ctx.origin = *name;
        auto reg = zone_registrar(ctx.env.config, ctx.info);
        if (!reg) return ctx.failed(reg.error());
        DsSubmission submission{ctx, **reg};
        // The type was checked when the configuration was read.
        const ConfigNode* type = (*reg)->find("type");
        const bool cds = type && type->text == "cds";
        auto material = KeyMaterial::open(ctx.env.config.zone_key_dir(ctx.info.name), ctx.origin);
        if (!material) return ctx.failed(material.error());
        ctx.keys.emplace(std::move(*material));

        // A crash may have left decided actions unexecuted. Everything the state implies is
        // re-derived below; only key deletion is not, so do it now.
        auto pending = ctx.env.store.pending_actions(ctx.info.name);
        if (!pending) return ctx.failed(pending.error());
        for (const auto& p : *pending)
            if (const auto* purge =
                    p.action ? std::get_if<rollover::PurgeKey>(&*p.action) : nullptr)
                if (auto ok = ctx.keys->purge(purge->key); !ok) return ctx.failed(ok.error());
        if (auto ok = mark_pending_done(ctx, "resumed"); !ok) return ctx.failed(ok.error());

        std::vector<Observation> observations;
        rollover::Decision d;
        for (int round = 0; round < max_rounds; ++round) {
            const Instant now = ctx.env.clock.now();
            auto state = ctx.env.store.load_zone(ctx.info.name);
            if (!state) return ctx.failed(state.error());
            d = rollover::advance(*ctx.policy, *state, observations, now,
                                  ctx.env.config.engine_test_hooks);
            if (d.measured_dreg)
                ctx.note(fmt::format("measured the parent's registration delay: {}",
                                     format_duration(*d.measured_dreg)));
            for (const auto& t : d.transitions)
                ctx.note(fmt::format("key {} {}: {} -> {} ({})", t.key, rollover::name(t.record),
                                     rollover::name(t.from), rollover::name(t.to),
                                     rollover::name(t.cause)));
            auto decision_id = ctx.env.store.commit_decision(ctx.info.name, now, d);
            if (!decision_id) return ctx.failed(decision_id.error());

            bool generated = false;
            if (auto ok = execute_key_actions(ctx, d, now, generated); !ok)
                return ctx.failed(ok.error());
            if (!generated) {
                if (auto ok = publish(ctx, d, cds, now); !ok) return ctx.failed(ok.error());
                for (const Action& a : d.actions)
                    if (const auto* s = std::get_if<rollover::SubmitDsSet>(&a))
                        if (auto ok = submission.submit(*s, d.next.going_insecure, now); !ok)
                            ctx.failed(ok.error());
            }
            if (auto ok = mark_pending_done(ctx, "executed"); !ok) return ctx.failed(ok.error());
            if (generated) {
                observations.clear();
                continue;  // the new tags change what the engine decides
            }

            std::vector<rollover::Probe> probes;
            for (const Action& a : d.actions)
                if (const auto* p = std::get_if<rollover::Probe>(&a)) probes.push_back(*p);
            if (probes.empty()) break;
            auto seen = run_live_checks(ctx, probes);
            if (!seen) {
                ctx.failed(seen.error());
                break;
            }
            bool moved = std::ranges::any_of(
                *seen, [](const Observation& o) { return o.verdict == Verdict::confirmed; });
            if (!moved) break;
            observations = std::move(*seen);
        }
        finish(d);
    }

    void finish(const rollover::Decision& d) {
        const Instant now = ctx.env.clock.now();
        if (auto ok = schedule_next_pass(ctx, d, now); !ok) ctx.failed(ok.error());
        report_stuck(ctx, d, now);
        notify_long_waits(ctx, d, now);
        if (ctx.result.exit_code < 2) forget_notifications(ctx, "failed");
    }
};

}  // namespace

Result<const registrar::Settings*> zone_registrar(const Config& config,
                                                  const store::ZoneInfo& zone) {
    if (zone.registrar.empty())
        return fail(config_error(
            fmt::format("{} has no registrar; onboard it with --registrar", zone.name)));
    auto it = config.registrars.find(zone.registrar);
    if (it == config.registrars.end())
        return fail(config_error(
            fmt::format("{}: {} uses registrar '{}', which the configuration does not define",
                        config.file, zone.name, zone.registrar)));
    return &it->second;
}

PassResult run_zone_pass(PassEnv& env, const store::ZoneInfo& zone) {
    PassResult result;
    result.zone = zone.name;
    PassContext ctx{env, zone, result};
    Pass{ctx}.run();
    return result;
}

}  // namespace zw::app
