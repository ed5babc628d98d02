// Stuck detection. The engine is a pure function of (policy, state, observations, now):
// when every record that wants to move waits on a policy or a safety gate and none waits on
// time or on a live check, every later pass decides exactly the same, so the zone can only
// move again after an outside change (an operator, a fixed policy or a fixed bug).

#include <algorithm>
#include <deque>

#include "rollover/engine.h"

namespace zw::rollover {

namespace {

bool waits_on(const Wait& from, const Wait& to) {
    return std::ranges::any_of(from.on, [&](const RecordRef& r) {
        return r.key == to.key && to.record && r.record == *to.record;
    });
}

// The shortest cycle through `start` in the graph of waits, as indices, if there is one.
std::vector<std::size_t> cycle_through(const std::vector<const Wait*>& w, std::size_t start) {
    std::vector<std::optional<std::size_t>> parent(w.size());
    std::deque<std::size_t> queue{start};
    while (!queue.empty()) {
        std::size_t i = queue.front();
        queue.pop_front();
        for (std::size_t j = 0; j < w.size(); ++j) {
            if (!waits_on(*w[i], *w[j])) continue;
            if (j == start) {
                std::vector<std::size_t> path{i};
                while (path.back() != start) path.push_back(*parent[path.back()]);
                std::ranges::reverse(path);
                return path;
            }
            if (parent[j] || j == start) continue;
            parent[j] = i;
            queue.push_back(j);
        }
    }
    return {};
}

}  // namespace

std::optional<Stuck> find_stuck(std::span<const Wait> waits) {
    std::vector<const Wait*> blocked;
    for (const auto& w : waits) {
        if (!w.record) {
            // A key waiting for its material waits on the executor, which will act; the
            // planner's wait for a key's next scheduled rollover moves no blocked record.
            if (w.gate == Gate::policy) return std::nullopt;
            continue;
        }
        switch (w.gate) {
            case Gate::time:
            case Gate::observation:
                return std::nullopt;
            case Gate::policy:
            case Gate::safety:
                blocked.push_back(&w);
                break;
        }
    }
    if (blocked.empty()) return std::nullopt;

    std::vector<std::size_t> best;
    for (std::size_t i = 0; i < blocked.size(); ++i) {
        auto c = cycle_through(blocked, i);
        if (!c.empty() && (best.empty() || c.size() < best.size())) best = std::move(c);
    }
    Stuck out;
    out.cycle = !best.empty();
    if (best.empty()) {
        // No cycle: follow the waits from the first one to a record that stays put.
        best.push_back(0);
        for (bool more = true; more;) {
            more = false;
            for (std::size_t j = 0; j < blocked.size(); ++j)
                if (waits_on(*blocked[best.back()], *blocked[j]) &&
                    std::ranges::find(best, j) == best.end()) {
                    best.push_back(j);
                    more = true;
                    break;
                }
        }
    }
    for (std::size_t i : best) out.waits.push_back(*blocked[i]);
    return out;
}

}  // namespace zw::rollover
