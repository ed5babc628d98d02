#include "zones/zone.h"

namespace zw::zones {

const RRset* Node::find(std::uint16_t type) const {
    for (const auto& s : rrsets)
        if (s.type == type) return &s;
    return nullptr;
}

RRset* Node::find(std::uint16_t type) {
    for (auto& s : rrsets)
        if (s.type == type) return &s;
    return nullptr;
}

SourceLocation Zone::location(SourceRef ref) const {
    return SourceLocation{ref.file < files.size() ? files[ref.file] : std::string("?"), ref.line};
}

std::size_t Zone::record_count() const {
    std::size_t n = 0;
    for (const auto& node : nodes)
        for (const auto& set : node.rrsets) n += set.rdatas.size();
    return n;
}

}  // namespace zw::zones
