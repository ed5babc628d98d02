#pragma once
// The self-check's findings (verify_zone.h): the first max_reported problems in zone
// order, whichever worker finds them first, so that a run reports the same ones every
// time.

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace zw::signer {

inline constexpr std::size_t max_reported = 10;

// `where` is the node's position in for_each_node order (0, the apex, for the zone as a
// whole); problems at one node keep the order they were found in, by one worker or after
// the workers.
class Problems {
  public:
    void add(std::size_t where, std::string what) {
        std::lock_guard lock(mutex_);
        Entry entry{where, total_++, std::move(what)};
        if (first_.size() < max_reported) {
            first_.push_back(std::move(entry));
            return;
        }
        auto last = std::max_element(first_.begin(), first_.end(), earlier);
        if (earlier(entry, *last)) *last = std::move(entry);
    }
    [[nodiscard]] std::size_t total() const { return total_; }
    [[nodiscard]] std::vector<std::string> first() {
        std::sort(first_.begin(), first_.end(), earlier);
        std::vector<std::string> out;
        for (auto& e : first_) out.push_back(std::move(e.what));
        return out;
    }

  private:
    struct Entry {
        std::size_t where, found;
        std::string what;
    };
    static bool earlier(const Entry& a, const Entry& b) {
        return std::tie(a.where, a.found) < std::tie(b.where, b.found);
    }
    std::mutex mutex_;
    std::vector<Entry> first_;
    std::size_t total_ = 0;
};

}  // namespace zw::signer
