#include "app/managed_records.h"

#include <fmt/format.h>

#include "dane/service.h"

namespace zw::app {

namespace {

const std::vector<dane::TlsService>* services_of(const Config& config, std::string_view zone) {
    auto name = dns::Name::from_text(zone);
    if (!name) return nullptr;
    auto it = config.tls.find(name->to_text());
    return it == config.tls.end() ? nullptr : &it->second;
}

}  // namespace

Result<std::vector<dns::Rr>> managed_records(const Config& config, std::string_view zone) {
    const auto* services = services_of(config, zone);
    if (!services) return std::vector<dns::Rr>{};
    return dane::service_records(*services);
}

Result<void> merge_managed_records(zones::ReadResult& read, const Config& config,
                                   std::string_view zone, std::span<const dns::Rr> managed) {
    const auto* services = services_of(config, zone);
    if (!services || managed.empty()) return {};
    for (const zones::SourcedRr& in : read.records)
        for (std::size_t i = 0; i < managed.size(); ++i) {
            const dns::Rr& m = managed[i];
            if (in.rr.type != m.type || !(in.rr.owner == m.owner)) continue;
            const auto& where = (*services)[i].where;
            std::string file = in.where.file < read.files.size() ? read.files[in.where.file] : "";
            return fail(bad_input(
                fmt::format("{} {} is written by hand in the zone file, and the configuration "
                            "manages it ({}, tls service): remove one of the two",
                            m.owner.to_text(), dns::type_to_text(m.type),
                            where ? fmt::format("{}:{}", where->file, where->line) : config.file),
                SourceLocation{file, in.where.line}));
        }
    const auto config_file = static_cast<std::uint32_t>(read.files.size());
    read.files.push_back(config.file);
    for (std::size_t i = 0; i < managed.size(); ++i) {
        const auto& where = (*services)[i].where;
        read.records.push_back(zones::SourcedRr{
            managed[i],
            zones::SourceRef{config_file, static_cast<std::uint32_t>(where ? where->line : 0)}});
    }
    return {};
}

}  // namespace zw::app
