#include "app/zone_pass.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/daemon_metrics.h"
#include "app/hooks.h"
#include "app/key_material.h"
#include "app/observation.h"
#include "app/publisher.h"
#include "app/status_report.h"
#include "registrar/factory.h"
#include "rollover/engine.h"

namespace zw::app {

namespace {

using rollover::Action;
using rollover::Observation;
using rollover::Verdict;

// Bounds one pass: each round either moves a record or stops.
constexpr int max_rounds = 12;

struct Pass {
    PassEnv& env;
    const store::ZoneInfo& info;
    PassResult& result;
    dns::Name origin;
    const rollover::Policy* policy = nullptr;
    std::optional<KeyMaterial> keys;
    const registrar::Settings* registrar_settings = nullptr;
    std::unique_ptr<registrar::Registrar> registrar;

    void note(std::string line) {
        env.log.event(LogLevel::info, "zone-pass", {{"zone", info.name}, {"what", line}});
        result.lines.push_back(std::move(line));
    }
    // Keeps the most severe outcome: an error beats "pending", a higher kind a lower one.
    // A mistake only a human can fix (a broken zone file, configuration) also notifies:
    // until it is fixed the zone is not re-signed and its signatures age.
    void failed(const Error& e) {
        note(fmt::format("error: {}", e.describe()));
        result.exit_code = std::max(result.exit_code, exit_code_for(e.kind));
        if ((e.kind == ErrorKind::bad_input || e.kind == ErrorKind::config) && !notifying_)
            notify("failed", e.describe(), fmt::format("{}: {}", info.name, e.describe()), env.clock.now());
    }
    bool notifying_ = false;

    void wake_no_later(Instant t) { result.wake_at = result.wake_at ? std::min(*result.wake_at, t) : t; }

    Result<void> execute_key_actions(const rollover::Decision& d, Instant now, bool& generated) {
        for (const Action& a : d.actions) {
            if (const auto* g = std::get_if<rollover::GenerateKey>(&a)) {
                auto tag = keys->generate(g->key, now);
                if (!tag) return fail(tag.error());
                if (auto ok = env.store.set_key_tag(info.name, g->key.id, *tag, now); !ok) return ok;
                note(fmt::format("generated {} {} key {} (tag {})", rollover::algorithm_mnemonic(g->key.algorithm),
                                 rollover::name(g->key.role), g->key.id, *tag));
                generated = true;
            } else if (const auto* p = std::get_if<rollover::PurgeKey>(&a)) {
                if (auto ok = keys->purge(p->key); !ok) return ok;
                note(fmt::format("deleted the material of key {} (tag {})", p->key.id,
                                 p->key.tag ? fmt::format("{}", *p->key.tag) : "?"));
            }
        }
        return {};
    }

    Result<registrar::Registrar*> the_registrar() {
        if (!registrar) {
            auto made = registrar::make_registrar(info.registrar, *registrar_settings, env.journal, env.log);
            if (!made) return fail(made.error());
            registrar = std::move(*made);
        }
        return registrar.get();
    }

    Result<void> submit(const rollover::SubmitDsSet& s, bool going_insecure, Instant now) {
        registrar::DesiredSet want;
        want.zone = origin;
        for (const auto& k : s.keys) {
            const signer::KeyPair* p = keys->find(k);
            if (!p) return fail(outside_error(fmt::format("key {} has no material; cannot compute its DS", k.id)));
            want.keys.push_back(p->dnskey());
        }
        want.go_insecure = s.keys.empty() && going_insecure;
        if (s.keys.empty() && !going_insecure) return {};  // never empty the parent's DS set by accident
        auto reg = the_registrar();
        if (!reg) return fail(reg.error());
        auto receipt = (*reg)->apply(want, now);
        if (env.metrics) env.metrics->registrar_submission(info.registrar, !receipt);
        std::string set_text;
        for (const auto& k : s.keys) set_text += fmt::format("{}{}", set_text.empty() ? "" : ",", k.tag.value_or(0));
        if (!receipt) {
            (void)env.store.record_submission(info.name, now, info.registrar, set_text, receipt.error().describe());
            return fail(receipt.error().to_error());
        }
        (void)env.store.record_submission(info.name, now, info.registrar, set_text,
                                          std::string(registrar::to_text(receipt->state)));
        switch (receipt->state) {
            case registrar::ReceiptState::done:
            case registrar::ReceiptState::publish_cds:
                break;
            case registrar::ReceiptState::in_progress:
                note(fmt::format("registrar {}: DS set [{}] in progress {}", info.registrar, set_text, receipt->detail));
                if (receipt->poll_after) wake_no_later(*receipt->poll_after);
                break;
            case registrar::ReceiptState::needs_operator:
                note(fmt::format("registrar {} needs the operator: {}", info.registrar, receipt->instructions));
                notify("operator-needed", receipt->instructions, receipt->instructions, now);
                break;
        }
        return {};
    }

    void notify(std::string_view event, std::string_view subject, std::string_view message, Instant now) {
        if (env.config.notify.empty() || notifying_) return;
        notifying_ = true;
        struct Reset {
            bool& flag;
            ~Reset() { flag = false; }
        } reset{notifying_};
        auto first = env.store.first_notification(info.name, event, subject, now);
        if (!first) return failed(first.error());
        if (!*first) return;
        std::string line(message.substr(0, message.find('\n')));
        HookRun run{env.config.notify,
                    {{"ZW_ZONE", info.name}, {"ZW_EVENT", std::string(event)}, {"ZW_MESSAGE", line}},
                    std::string(message) + "\n", Seconds{60}};
        if (auto ok = run_hook(run); !ok) failed(ok.error());
        else note(fmt::format("notified ({}): {}", event, line));
    }

    // The wait of each blocked record that has lasted longer than notify-after.
    void notify_long_waits(const rollover::Decision& d, Instant now) {
        bool any = false;
        std::vector<rollover::Wait> waits = d.waiting_on;
        explain_waits(env.store, info.name, waits);
        for (const auto& w : waits) {
            if (w.gate != rollover::Gate::observation || now - w.since < env.config.notify_after) continue;
            any = true;
            std::string subject = fmt::format("key {} {}", w.key, w.record ? rollover::name(*w.record) : "-");
            notify("blocked", subject,
                   fmt::format("{}: {} blocked since {}: {}", info.name, subject, format_instant(w.since), w.why), now);
        }
        if (!any) (void)env.store.clear_notifications(info.name, "blocked");
    }

    // A zone that cannot move without an outside change is a bug or an impossible policy:
    // the pass fails (exit 4) and the operator hears of it once per cycle of waits.
    void report_stuck(const rollover::Decision& d, Instant now) {
        if (!d.stuck) {
            (void)env.store.clear_notifications(info.name, "stuck");
            return;
        }
        std::string path = stuck_path(d.next, *d.stuck);
        note(fmt::format("stuck: no record can move again without an outside change: {}", path));
        result.exit_code = std::max(result.exit_code, exit_code_for(ErrorKind::internal));
        std::string body = fmt::format("{}: stuck, no record can move again without an outside change "
                                       "(a bug or an impossible policy): {}",
                                       info.name, path);
        for (const auto& line : stuck_lines(d.next, *d.stuck)) body += "\n  " + line;
        notify("stuck", path, body, now);
    }

    std::optional<std::uint32_t> published_serial() {
        auto p = env.store.last_publication(info.name);
        return p && *p ? std::optional<std::uint32_t>{(*p)->serial} : std::nullopt;
    }

    // The live checks the decision asks for, as observations (also stored).
    Result<std::vector<Observation>> check(const std::vector<rollover::Probe>& probes) {
        Instant started = env.clock.now();
        auto report = look_at(env.config, origin, started);
        if (env.metrics) {
            if (report)
                env.metrics->live_check_done(*report);
            else
                env.metrics->live_check_failed();
        }
        if (!report) {
            (void)env.store.record_check(info.name, store::CheckRecord{started, false, consecutive_failures() + 1,
                                                                       report.error().message});
            return fail(report.error());
        }
        Instant at = env.clock.now();
        auto serial = published_serial();
        std::vector<Observation> out;
        std::string detail;
        bool all = true;
        for (const auto& p : probes) {
            const signer::KeyPair* k = keys->find(p.key);
            if (!k) continue;  // purged in this pass: nothing left to look for
            Observation o = observe(*report, p, k->dnskey_rdata(), serial, at);
            if (auto ok = env.store.record_observation(info.name, o); !ok) return fail(ok.error());
            if (o.verdict != Verdict::confirmed) {
                all = false;
                detail += fmt::format("{}{} {} {}: {}", detail.empty() ? "" : "; ", rollover::name(p.record),
                                      k->tag(), p.expect == rollover::Expect::present ? "present" : "absent", o.detail);
            }
            out.push_back(std::move(o));
        }
        (void)env.store.record_check(info.name, store::CheckRecord{at, all, all ? 0 : consecutive_failures() + 1,
                                                                   all ? "every server confirms" : detail});
        return out;
    }

    std::int64_t consecutive_failures() {
        auto c = env.store.last_check(info.name);
        return c && *c && !(*c)->ok ? (*c)->failures : 0;
    }

    void run() {
        auto pol = env.config.policy(info.policy);
        if (!pol) return failed(pol.error());
        policy = *pol;
        auto name = dns::Name::from_text(info.name);
        if (!name) return failed(name.error());
        origin = *name;
        auto reg = zone_registrar(env.config, info);
        if (!reg) return failed(reg.error());
        registrar_settings = *reg;
        const ConfigNode* type = registrar_settings->find("type");  // checked when the configuration was read
        const bool cds = type && type->text == "cds";
        auto material = KeyMaterial::open(env.config.zone_key_dir(info.name), origin);
        if (!material) return failed(material.error());
        keys.emplace(std::move(*material));

        // A crash may have left decided actions unexecuted. Everything the state implies is
        // re-derived below; only key deletion is not, so do it now.
        auto pending = env.store.pending_actions(info.name);
        if (!pending) return failed(pending.error());
        for (const auto& p : *pending) {
            if (const auto* purge = std::get_if<rollover::PurgeKey>(&p.action))
                if (auto ok = keys->purge(purge->key); !ok) return failed(ok.error());
            (void)env.store.mark_done(p.id, env.clock.now(), "resumed");
        }

        std::vector<Observation> observations;
        rollover::Decision d;
        for (int round = 0; round < max_rounds; ++round) {
            const Instant now = env.clock.now();
            auto state = env.store.load_zone(info.name);
            if (!state) return failed(state.error());
            d = rollover::advance(*policy, *state, observations, now, env.config.engine_test_hooks);
            if (d.measured_dreg) note(fmt::format("measured the parent's registration delay: {}",
                                                  format_duration(*d.measured_dreg)));
            for (const auto& t : d.transitions)
                note(fmt::format("key {} {}: {} -> {} ({})", t.key, rollover::name(t.record),
                                     rollover::name(t.from), rollover::name(t.to), rollover::name(t.cause)));
            auto decision_id = env.store.commit_decision(info.name, now, d);
            if (!decision_id) return failed(decision_id.error());

            bool generated = false;
            if (auto ok = execute_key_actions(d, now, generated); !ok) return failed(ok.error());
            if (!generated) {
                if (auto ok = publish(d, cds, now); !ok) return failed(ok.error());
                for (const Action& a : d.actions)
                    if (const auto* s = std::get_if<rollover::SubmitDsSet>(&a))
                        if (auto ok = submit(*s, d.next.going_insecure, now); !ok) failed(ok.error());
            }
            auto done = env.store.pending_actions(info.name);
            if (done)
                for (const auto& p : *done) (void)env.store.mark_done(p.id, env.clock.now(), "executed");
            if (generated) {
                observations.clear();
                continue;  // the new tags change what the engine decides
            }

            std::vector<rollover::Probe> probes;
            for (const Action& a : d.actions)
                if (const auto* p = std::get_if<rollover::Probe>(&a)) probes.push_back(*p);
            if (probes.empty()) break;
            auto seen = check(probes);
            if (!seen) {
                failed(seen.error());
                break;
            }
            bool moved = std::ranges::any_of(*seen, [](const Observation& o) { return o.verdict == Verdict::confirmed; });
            if (!moved) break;
            observations = std::move(*seen);
        }
        finish(d);
    }

    Result<void> publish(const rollover::Decision& d, bool cds, Instant now) {
        auto plan = plan_publication(d.next, *keys, cds);
        if (!plan) return fail(plan.error());
        auto previous = env.store.last_publication(info.name);
        if (!previous) return fail(previous.error());
        auto pub = publish_zone(PublishRequest{env.config, info, *policy, *plan, *previous, now, false,
                                               [this](std::string w) { note("warning: " + std::move(w)); }});
        if (!pub) return fail(pub.error());
        if (!*pub) return {};
        if (auto ok = env.store.record_publication(info.name, **pub); !ok) return ok;
        auto list = [](const std::vector<std::uint16_t>& v) {
            std::string s;
            for (auto t : v) s += fmt::format("{}{}", s.empty() ? "" : " ", t);
            return s;
        };
        note((*pub)->is_signed ? fmt::format("published serial {}: DNSKEY [{}]{}", (*pub)->serial, list((*pub)->dnskey),
                                             (*pub)->cds.empty() ? "" : fmt::format(", CDS [{}]", list((*pub)->cds)))
                               : fmt::format("published serial {} unsigned", (*pub)->serial));
        return {};
    }

    void finish(const rollover::Decision& d) {
        const Instant now = env.clock.now();
        if (d.wake_at) wake_no_later(*d.wake_at);
        auto pub = env.store.last_publication(info.name);
        if (pub && *pub && (*pub)->refresh_at) wake_no_later(*(*pub)->refresh_at);
        // A change waiting for the servers is looked at again once they may have it: the
        // propagation delay of the side that must serve it (never sooner than a second).
        bool on_check = false;
        for (const auto& w : d.waiting_on) {
            if (w.gate != rollover::Gate::observation) continue;
            on_check = true;
            Seconds dprp = w.record == rollover::Record::ds ? policy->parent.propagation_delay
                                                            : policy->propagation_delay;
            wake_no_later(now + std::max(Seconds{1}, dprp));
        }
        if (on_check && result.exit_code == 0) result.exit_code = 1;
        report_stuck(d, now);
        notify_long_waits(d, now);
        if (result.exit_code < 2) (void)env.store.clear_notifications(info.name, "failed");
    }
};

}  // namespace

Result<const registrar::Settings*> zone_registrar(const Config& config, const store::ZoneInfo& zone) {
    if (zone.registrar.empty())
        return fail(config_error(fmt::format("{} has no registrar; onboard it with --registrar", zone.name)));
    auto it = config.registrars.find(zone.registrar);
    if (it == config.registrars.end())
        return fail(config_error(fmt::format("{}: {} uses registrar '{}', which the configuration does not define",
                                             config.file, zone.name, zone.registrar)));
    return &it->second;
}

PassResult run_zone_pass(PassEnv& env, const store::ZoneInfo& zone) {
    PassResult result;
    result.zone = zone.name;
    Pass pass{env, zone, result, dns::Name{}, nullptr, std::nullopt, nullptr, nullptr, false};
    pass.run();
    return result;
}

}  // namespace zw::app
