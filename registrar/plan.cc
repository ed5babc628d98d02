#include "registrar/plan.h"

#include <fmt/format.h>

#include <algorithm>

namespace zw::registrar {

RResult<std::vector<Entry>> desired_entries(const DesiredSet& desired, const Capabilities& caps) {
    auto want = expand(desired, caps.accepts);
    if (!want) return reg_fail(ErrorKind::invalid, want.error().message);
    for (const auto& e : *want) {
        if (!caps.algorithms.empty() && std::find(caps.algorithms.begin(), caps.algorithms.end(),
                                                  e.algorithm) == caps.algorithms.end())
            return reg_fail(ErrorKind::unsupported,
                            fmt::format("registrar does not accept algorithm {} ({})", e.algorithm,
                                        dns::algorithm_mnemonic(e.algorithm)));
        if (caps.accepts == EntryView::ds && !caps.digest_types.empty() &&
            std::find(caps.digest_types.begin(), caps.digest_types.end(), *e.digest_type) ==
                caps.digest_types.end())
            return reg_fail(
                ErrorKind::unsupported,
                fmt::format("registrar does not accept digest type {}", *e.digest_type));
    }
    if (caps.max_entries && want->size() > *caps.max_entries)
        return reg_fail(ErrorKind::invalid,
                        fmt::format("{} entries wanted but the registrar holds at most {}",
                                    want->size(), *caps.max_entries));
    return std::move(*want);
}

Plan make_plan(const std::vector<Entry>& desired, const std::vector<Entry>& held) {
    Plan p;
    std::vector<bool> desired_met(desired.size(), false);
    for (const auto& h : held) {
        bool placed = false;
        for (std::size_t i = 0; i < desired.size(); ++i) {
            if (!same_entry(desired[i], h)) continue;
            placed = true;
            if (desired_met[i]) {
                p.remove.push_back(h);  // a duplicate of an entry already kept
            } else {
                desired_met[i] = true;
                p.keep.push_back(h);
            }
            break;
        }
        if (!placed) p.remove.push_back(h);
    }
    for (std::size_t i = 0; i < desired.size(); ++i)
        if (!desired_met[i]) p.add.push_back(desired[i]);
    return p;
}

std::vector<Entry> removable_now(const Plan& plan, bool go_insecure) {
    if (!plan.add.empty()) return {};
    if (plan.keep.empty() && !go_insecure) return {};
    return plan.remove;
}

}  // namespace zw::registrar
