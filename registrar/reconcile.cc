#include "registrar/reconcile.h"

#include <fmt/format.h>

#include <algorithm>

namespace zw::registrar {

RResult<Submitted> Api::add(const dns::Name&, const Entry&) {
    return reg_fail(ErrorKind::unsupported, "this registrar does not add single entries");
}
RResult<Submitted> Api::remove(const dns::Name&, const Entry&) {
    return reg_fail(ErrorKind::unsupported, "this registrar does not remove single entries");
}
RResult<Submitted> Api::replace(const dns::Name&, const std::vector<Entry>&,
                                const std::vector<Entry>&) {
    return reg_fail(ErrorKind::unsupported, "this registrar does not replace the whole set");
}
RResult<TaskStatus> Api::task(const dns::Name&, const std::string&) {
    return reg_fail(ErrorKind::unsupported, "this registrar has no tasks");
}
RResult<std::optional<std::string>> Api::open_task(const dns::Name&) {
    return std::optional<std::string>{};
}

std::string_view to_text(ReceiptState s) {
    switch (s) {
        case ReceiptState::done:
            return "done";
        case ReceiptState::in_progress:
            return "in_progress";
        case ReceiptState::needs_operator:
            return "needs_operator";
        case ReceiptState::publish_cds:
            return "publish_cds";
    }
    return "?";
}

namespace {

std::unexpected<RegistrarError> journal_fail(const Error& e) {
    return reg_fail(ErrorKind::transient, "registrar journal: " + e.describe());
}

bool held_contains(const std::vector<Entry>& held, const Entry& e) {
    return std::any_of(held.begin(), held.end(), [&](const Entry& h) { return same_entry(h, e); });
}

}  // namespace

ApiRegistrar::ApiRegistrar(std::string name, std::unique_ptr<Api> api, Journal& journal,
                           LogSink& log, ReconcileOptions options)
    : name_(std::move(name)),
      api_(std::move(api)),
      journal_(&journal),
      log_(&log),
      options_(options) {}

RResult<std::vector<Entry>> ApiRegistrar::list(const dns::Name& zone) { return api_->list(zone); }

Receipt ApiRegistrar::receipt_for(const dns::Name& zone, ReceiptState s, Instant now) const {
    Receipt r;
    r.state = s;
    r.registrar = name_;
    r.zone = zone.to_text();
    if (s == ReceiptState::in_progress) r.poll_after = now + options_.poll_interval;
    return r;
}

RResult<ApiRegistrar::Settle> ApiRegistrar::settle(const dns::Name& zone,
                                                   const std::vector<Entry>& held, Instant now,
                                                   Receipt& receipt) {
    auto open = journal_->open_records(zone.to_text(), name_);
    if (!open) return journal_fail(open.error());
    Settle result = Settle::clear;
    for (const auto& rec : *open) {
        bool young = now - rec.sent_at < options_.settle_window;
        std::optional<JournalState> outcome;
        std::string why;
        switch (rec.operation) {
            case Operation::add:
                if (std::all_of(rec.entries.begin(), rec.entries.end(),
                                [&](const Entry& e) { return held_contains(held, e); }))
                    outcome = JournalState::done, why = "listed";
                break;
            case Operation::remove:
                if (std::none_of(rec.entries.begin(), rec.entries.end(),
                                 [&](const Entry& e) { return held_contains(held, e); }))
                    outcome = JournalState::done, why = "no longer listed";
                break;
            case Operation::replace: {
                std::string ref = rec.reference;
                if (ref.empty()) {
                    // The answer was lost. A finished change shows in the listing; a pending
                    // one as an open task at the registrar, which we adopt.
                    if (make_plan(rec.entries, held).converged()) {
                        outcome = JournalState::done, why = "listed";
                        break;
                    }
                    auto t = api_->open_task(zone);
                    if (!t) return std::unexpected(t.error());
                    if (*t) {
                        ref = **t;
                        if (auto r = journal_->answered(rec.id, JournalState::accepted, ref,
                                                        "adopted the registrar's open task", now);
                            !r)
                            return journal_fail(r.error());
                    }
                }
                if (!ref.empty()) {
                    auto t = api_->task(zone, ref);
                    if (!t) return std::unexpected(t.error());
                    switch (t->state) {
                        case TaskState::pending:
                            young = true;
                            break;  // the registrar says wait
                        case TaskState::unknown:
                            if (young) break;  // wait, but only within the settle window
                            if (auto r = journal_->answered(rec.id, JournalState::failed, ref,
                                                            t->detail, now);
                                !r)
                                return journal_fail(r.error());
                            return reg_fail(
                                ErrorKind::invalid,
                                fmt::format(
                                    "registrar task {} is still in a state I do not know after "
                                    "the settle window ({}): {}; see to it at the registrar",
                                    ref, format_duration(options_.settle_window), t->detail));
                        case TaskState::done:
                            outcome = JournalState::done, why = t->detail;
                            break;
                        case TaskState::failed:
                            if (auto r = journal_->answered(rec.id, JournalState::failed, ref,
                                                            t->detail, now);
                                !r)
                                return journal_fail(r.error());
                            return reg_fail(
                                ErrorKind::invalid,
                                fmt::format("registrar task {} failed: {}", ref, t->detail));
                    }
                    receipt.reference = ref;
                }
                break;
            }
            case Operation::submit:
                break;  // not used by listing registrars
        }
        if (outcome) {
            if (auto r = journal_->answered(rec.id, *outcome, rec.reference, why, now); !r)
                return journal_fail(r.error());
            if (result == Settle::clear) result = Settle::closed;
            continue;
        }
        if (young) {
            result = Settle::wait;
            receipt.journal_id = rec.id;
            receipt.detail =
                fmt::format("waiting for {} #{} ({}) sent at {} to show", to_text(rec.operation),
                            rec.id, to_text(rec.state), format_instant(rec.sent_at));
            continue;
        }
        if (auto r = journal_->answered(rec.id, JournalState::failed, rec.reference,
                                        "did not show within the settle window", now);
            !r)
            return journal_fail(r.error());
        if (result == Settle::clear) result = Settle::closed;
        log_->event(LogLevel::warning, "registrar.request_lost",
                    {{"registrar", name_},
                     {"zone", zone.to_text()},
                     {"journal_id", std::to_string(rec.id)}});
    }
    return result;
}

RResult<Submitted> ApiRegistrar::send(const dns::Name& zone, Operation op,
                                      const std::vector<Entry>& entries,
                                      const std::vector<Entry>& held, Instant now,
                                      Receipt& receipt) {
    auto id = journal_->sent(zone.to_text(), name_, op, entries, now);
    if (!id) return journal_fail(id.error());
    receipt.journal_id = *id;
    log_->event(LogLevel::info, "registrar.send",
                {{"registrar", name_},
                 {"zone", zone.to_text()},
                 {"op", std::string(to_text(op))},
                 {"entries", std::to_string(entries.size())},
                 {"journal_id", std::to_string(*id)}});
    RResult<Submitted> r = [&]() -> RResult<Submitted> {
        switch (op) {
            case Operation::add:
                return api_->add(zone, entries.front());
            case Operation::remove:
                return api_->remove(zone, entries.front());
            case Operation::replace:
                return api_->replace(zone, entries, held);
            case Operation::submit:
                break;
        }
        return reg_fail(ErrorKind::unsupported, "submit is not a listing registrar operation");
    }();
    if (!r) {
        // A lost answer keeps the record "sent": the next pass must list before resending.
        if (!r.error().maybe_committed)
            if (auto j =
                    journal_->answered(*id, JournalState::failed, "", r.error().describe(), now);
                !j)
                return journal_fail(j.error());
        return r;
    }
    auto state = r->async ? JournalState::accepted : JournalState::done;
    if (auto j = journal_->answered(*id, state, r->reference, "", now); !j)
        return journal_fail(j.error());
    receipt.reference = r->reference;
    return r;
}

RResult<bool> ApiRegistrar::settle_listing(const dns::Name& zone, std::vector<Entry>& held,
                                           Instant now, Receipt& receipt) {
    auto settled = settle(zone, held, now, receipt);
    if (!settled) return std::unexpected(settled.error());
    if (*settled == Settle::wait) {
        receipt.held = held;
        return true;
    }
    if (*settled == Settle::closed) {
        // A task that finished after the listing: plan from a listing made after it.
        auto again = api_->list(zone);
        if (!again) return std::unexpected(again.error());
        held = std::move(*again);
    }
    return false;
}

RResult<Receipt> ApiRegistrar::apply(const DesiredSet& desired, Instant now) {
    const auto& zone = desired.zone;
    auto caps = api_->capabilities();
    auto want = desired_entries(desired, caps);
    if (!want) return std::unexpected(want.error());
    auto held = api_->list(zone);
    if (!held) return std::unexpected(held.error());
    Receipt receipt = receipt_for(zone, ReceiptState::in_progress, now);
    auto waiting = settle_listing(zone, *held, now, receipt);
    if (!waiting) return std::unexpected(waiting.error());
    if (*waiting) return receipt;
    // Up to two rounds: additions, then (once they show) removals, for a synchronous registrar.
    for (int round = 0; round < 3; ++round) {
        auto plan = make_plan(*want, *held);
        if (plan.converged()) {
            Receipt done = receipt_for(zone, ReceiptState::done, now);
            done.held = *held;
            done.reference = receipt.reference;
            done.journal_id = receipt.journal_id;
            done.detail = fmt::format("registrar holds the desired {} entries", want->size());
            return done;
        }
        bool async = false;
        if (caps.granularity == Granularity::whole_set) {
            auto r = send(zone, Operation::replace, *want, *held, now, receipt);
            if (!r) return std::unexpected(r.error());
            async = r->async;
        } else if (!plan.add.empty()) {
            if (caps.max_entries &&
                plan.keep.size() + plan.remove.size() + plan.add.size() > *caps.max_entries)
                return reg_fail(
                    ErrorKind::invalid,
                    fmt::format("adding {} entries before removing {} would exceed "
                                "the registrar's limit of {}",
                                plan.add.size(), plan.remove.size(), *caps.max_entries));
            for (const auto& e : plan.add) {
                auto r = send(zone, Operation::add, {e}, *held, now, receipt);
                if (!r) return std::unexpected(r.error());
                async = async || r->async;
            }
        } else {
            auto removable = removable_now(plan, desired.go_insecure);
            if (removable.empty())
                return reg_fail(ErrorKind::invalid, "refusing to remove the last DS entry");
            for (const auto& e : removable) {
                auto r = send(zone, Operation::remove, {e}, *held, now, receipt);
                if (!r) return std::unexpected(r.error());
                async = async || r->async;
            }
        }
        held = api_->list(zone);
        if (!held) return std::unexpected(held.error());
        if (async) {
            // Accepted for later: the listing may lag (Gandi) or a task runs (OVH). Settle the
            // journal against this listing now so an already visible change counts.
            Receipt wait = receipt;
            auto still = settle_listing(zone, *held, now, wait);
            if (!still) return std::unexpected(still.error());
            if (*still) return wait;
        }
    }
    receipt.held = *held;
    receipt.detail = "changes sent; listing has not converged yet";
    return receipt;
}

}  // namespace zw::registrar
