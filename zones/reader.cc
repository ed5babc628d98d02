#include "zones/reader.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string_view>

#include "dns/rdata.h"
#include "dns/rdata_check.h"
#include "zones/generate.h"
#include "zones/scanner_input.h"

namespace zw::zones {

namespace {

constexpr std::uint32_t max_ttl = 0x7fffffff;  // RFC 2181 §8

// All $GENERATE directives of one zone together make at most this many records.
constexpr std::size_t max_generated_records = 16 * max_generated_per_directive;

struct Stripped {
    SourceLocation first;
    std::size_t count = 0;
};

struct ScanContext {
    const dns::Name& origin;
    const std::string& label;  // the name errors use when the input is not a file
    const ReadOptions& options;
    Diagnostics& diag;
    std::string include_root;  // $INCLUDE only below this directory; empty: none allowed
    ReadResult result;
    std::map<std::string, std::uint32_t> file_index;
    std::map<std::uint16_t, Stripped> stripped;
    // While the records of a $GENERATE are read: the directive's place, which they and
    // their errors are reported at.
    std::optional<SourceRef> generating;
    std::size_t generated = 0;

    SourceRef here(const zs_scanner_t* s) {
        if (generating) return *generating;
        std::string name = s->file.name ? s->file.name : label;
        auto [it, inserted] =
            file_index.try_emplace(name, static_cast<std::uint32_t>(result.files.size()));
        if (inserted) result.files.push_back(name);
        return SourceRef{it->second, static_cast<std::uint32_t>(s->line_counter)};
    }
    SourceLocation location(SourceRef ref) const {
        return SourceLocation{result.files[ref.file], ref.line};
    }

    void error(SourceRef where, std::string message) {
        if (diag.errors.size() < options.max_errors)
            diag.errors.push_back(bad_input(std::move(message), location(where)));
    }
};

void on_record(zs_scanner_t* s) {
    auto& ctx = *static_cast<ScanContext*>(s->process.data);
    SourceRef where = ctx.here(s);
    auto owner = dns::Name::from_wire({s->r_owner, s->r_owner_length});
    if (!owner) {
        ctx.error(where, "malformed owner name");
        return;
    }
    if (s->r_class != dns::class_in) {
        ctx.error(where, fmt::format("class {} is not supported; only IN", s->r_class));
        return;
    }
    if (!owner->is_subdomain_of(ctx.origin)) {
        ctx.error(where,
                  fmt::format("{} is outside the zone {}", owner->to_text(), ctx.origin.to_text()));
        return;
    }
    if (s->r_ttl > max_ttl) {
        ctx.error(where, fmt::format("TTL {} exceeds 2^31-1 (RFC 2181 §8)", s->r_ttl));
        return;
    }
    if (dns::is_dnssec_generated_type(s->r_type)) {
        auto& st = ctx.stripped[s->r_type];
        if (st.count++ == 0) st.first = ctx.location(where);
        return;
    }
    // RDATA that BIND, Knot or ldns would refuse to load is refused here, with its place,
    // rather than signed and published. The types with names in their RDATA are checked
    // field by field as the names are lowercased, which is the same layout: a second walk
    // over them would be most of what the check adds to reading a hosting zone.
    const std::span<const std::uint8_t> data(s->r_data, s->r_data_length);
    const bool has_names = dns::has_rdata_names(s->r_type);
    if (!has_names) {
        if (auto problem = dns::rdata_problem(s->r_type, data)) {
            ctx.error(where, std::move(*problem));
            return;
        }
    }
    dns::Rr rr{std::move(*owner), s->r_type, s->r_ttl, dns::Bytes(data.begin(), data.end())};
    if (has_names && !dns::lowercase_rdata_names(rr.type, rr.rdata)) {
        auto problem = dns::rdata_problem(rr.type, data);
        ctx.error(where, problem
                             ? std::move(*problem)
                             : fmt::format("malformed {} record data", dns::type_to_text(rr.type)));
        return;
    }
    ctx.result.records.push_back(SourcedRr{std::move(rr), where});
}

// The token the scanner stopped in ("unsupported record type near 'AAAAA'"), as BIND
// names it: the scanner keeps the rest of the line from the point of the error, and the
// line itself ends where its input stands.
std::string error_token(const zs_scanner_t* s) {
    std::string_view rest(
        reinterpret_cast<const char*>(s->buffer),
        s->buffer_length > 0 ? std::strlen(reinterpret_cast<const char*>(s->buffer)) : 0);
    const char* start = s->input.start;
    const char* end = s->input.current;
    std::string_view line;
    if (start && end && end >= start && end <= s->input.end) {
        std::string_view before(start, static_cast<std::size_t>(end - start));
        if (!before.empty() && before.back() == '\n') before.remove_suffix(1);
        const std::size_t begin = before.rfind('\n');
        line = before.substr(begin == std::string_view::npos ? 0 : begin + 1);
    }
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    std::size_t at = 0;
    if (line.size() >= rest.size() && line.substr(line.size() - rest.size()) == rest) {
        at = line.size() - rest.size();
    } else {
        line = rest;
    }
    // An error found at the end of a token (a bad address) points past it: back to it.
    while (at > 0 && (at == line.size() || blank(line[at])) && blank(line[at - 1])) --at;
    if (at > 0 && (at == line.size() || blank(line[at]))) --at;
    std::size_t from = at, to = at;
    while (from > 0 && !blank(line[from - 1])) --from;
    while (to < line.size() && !blank(line[to]) && line[to] != ';') ++to;
    constexpr std::size_t max_shown = 80;
    return std::string(line.substr(from, std::min(to - from, max_shown)));
}

void on_error(zs_scanner_t* s) {
    auto& ctx = *static_cast<ScanContext*>(s->process.data);
    const std::string token = error_token(s);
    ctx.error(ctx.here(s), token.empty()
                               ? std::string(zs_strerror(s->error.code))
                               : fmt::format("{} near '{}'", zs_strerror(s->error.code), token));
}

struct ScannerDeleter {
    void operator()(zs_scanner_t* s) const noexcept {
        zs_deinit(s);
        delete s;
    }
};
using Scanner = std::unique_ptr<zs_scanner_t, ScannerDeleter>;

constexpr int max_include_depth = 8;

void scan_records(zs_scanner_t* s, ScanContext& ctx, int depth);

// $INCLUDE (RFC 1035 §5.1): the scanner hands us the file, resolved against the including
// file's directory, and the origin for it. A zone file of a tenant must not pull in files
// from elsewhere on the signer (another tenant's zone, a key), so the included file must
// resolve, symlinks followed, below the directory of the top-level zone file.
void include_file(zs_scanner_t* s, ScanContext& ctx, int depth) {
    SourceRef where = ctx.here(s);
    std::string requested = s->include_filename;
    std::error_code ec;
    std::filesystem::path real = std::filesystem::canonical(requested, ec);
    if (ctx.include_root.empty()) {
        ctx.error(where, "$INCLUDE is not allowed in zone data that does not come from a file");
        return;
    }
    if (ec) {
        ctx.error(where, fmt::format("cannot $INCLUDE {}: {}", requested, ec.message()));
        return;
    }
    auto rel = real.lexically_relative(ctx.include_root);
    if (rel.empty() || *rel.begin() == "..") {
        ctx.error(where, fmt::format("$INCLUDE {} is outside {}, the zone file's directory",
                                     real.string(), ctx.include_root));
        return;
    }
    if (depth >= max_include_depth) {
        ctx.error(where, fmt::format("$INCLUDE nested deeper than {} files", max_include_depth));
        return;
    }
    Scanner inner(new zs_scanner_t{});
    // The scanner gives the include's origin as text in its buffer.
    std::string origin(reinterpret_cast<const char*>(s->buffer));
    if (zs_init(inner.get(), origin.c_str(), dns::class_in, s->default_ttl) != 0) {
        ctx.error(where, fmt::format("cannot $INCLUDE {}: {}", real.string(),
                                     zs_strerror(inner->error.code)));
        return;
    }
    if (auto opened = set_scanner_file(inner.get(), real.string(), ctx.options.max_file_bytes);
        !opened) {
        ctx.error(where, fmt::format("cannot $INCLUDE: {}", opened.error().message));
        return;
    }
    inner->process.data = &ctx;
    scan_records(inner.get(), ctx, depth + 1);
}

// Libzscanner knows no $GENERATE: it stops at it as at an unknown directive, holding
// the rest of the line. The records are made from that text (zones/generate.h) and read
// by a scanner of their own at the current origin and default TTL, each placed at the
// directive's line; then the file's scanner goes on with the next line.
bool is_generate(const zs_scanner_t* s) {
    constexpr std::string_view name = "GENERATE";
    if (s->error.code != ZS_BAD_DIRECTIVE || s->buffer_length <= name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (std::toupper(s->buffer[i]) != name[i]) return false;
    }
    return s->buffer[name.size()] == ' ' || s->buffer[name.size()] == '\t';
}

void generate(zs_scanner_t* s, ScanContext& ctx, int depth) {
    const SourceRef where = ctx.here(s);
    std::string text;
    std::size_t lines = 0;
    auto expanded =
        expand_generate(reinterpret_cast<const char*>(s->buffer) + 8, [&](std::string_view line) {
            // A generated owner that starts with '$' is a name, never a directive.
            if (!line.empty() && line.front() == '$') text += '\\';
            text += line;
            text += '\n';
            ++lines;
        });
    if (!expanded) {
        ctx.error(where, expanded.error().message);
        return;
    }
    ctx.generated += lines;
    if (ctx.generated > max_generated_records) {
        ctx.error(where, fmt::format("$GENERATE: the zone's directives make more than {} records",
                                     max_generated_records));
        return;
    }
    auto origin = dns::Name::from_wire({s->zone_origin, s->zone_origin_length});
    Scanner inner(new zs_scanner_t{});
    if (!origin ||
        zs_init(inner.get(), origin->to_text().c_str(), dns::class_in, s->default_ttl) != 0 ||
        zs_set_input_string(inner.get(), text.data(), text.size()) != 0) {
        ctx.error(where, "$GENERATE: cannot read the records it makes");
        return;
    }
    ctx.generating = where;
    scan_records(inner.get(), ctx, depth + 1);
    ctx.generating.reset();
}

void scan_records(zs_scanner_t* s, ScanContext& ctx, int depth) {
    s->process.data = &ctx;
    while (ctx.diag.errors.size() < ctx.options.max_errors && zs_parse_record(s) == 0) {
        switch (s->state) {
            case ZS_STATE_DATA:
                on_record(s);
                break;
            case ZS_STATE_ERROR:
                if (!ctx.generating && is_generate(s)) {
                    generate(s, ctx, depth);
                    s->error.fatal = false;  // the scanner goes on with the next line
                    break;
                }
                on_error(s);
                if (s->error.fatal) return;
                break;
            case ZS_STATE_INCLUDE:
                if (ctx.generating) {
                    ctx.error(ctx.here(s), "$GENERATE cannot make an $INCLUDE");
                    break;
                }
                include_file(s, ctx, depth);
                break;
            case ZS_STATE_NONE:
                break;
            case ZS_STATE_EOF:
            case ZS_STATE_STOP:
                return;
        }
    }
}

template <typename SetInput>
ReadResult scan(const dns::Name& origin, const ReadOptions& options, Diagnostics& diag,
                const std::string& label, const std::string& include_root,
                std::size_t expected_records, SetInput set_input) {
    ScanContext ctx{origin, label, options, diag, include_root, {}, {}, {}, {}, 0};
    ctx.result.records.reserve(expected_records);
    // The scanner holds 64 KiB buffers: keep it off the stack.
    Scanner s(new zs_scanner_t{});
    std::string origin_text = scanner_name_text(origin);
    if (zs_init(s.get(), origin_text.c_str(), dns::class_in, options.default_ttl) != 0) {
        diag.errors.push_back(internal_error("cannot initialise the zone scanner"));
        return {};
    }
    if (auto ok = set_input(s.get()); !ok) {
        diag.errors.push_back(ok.error());
        return {};
    }
    scan_records(s.get(), ctx, 0);
    for (const auto& [type, st] : ctx.stripped) {
        diag.warnings.push_back(bad_input(
            fmt::format(
                "{} {} record(s) in the unsigned input were dropped: zonewarden makes its own",
                st.count, dns::type_to_text(type)),
            st.first));
    }
    if (ctx.result.files.empty()) ctx.result.files.push_back(label);
    return std::move(ctx.result);
}

struct SerialProbe {
    const dns::Name& origin;
    std::optional<std::uint32_t> serial;
};

void on_probe_record(zs_scanner_t* s) {
    auto& probe = *static_cast<SerialProbe*>(s->process.data);
    if (s->r_type != dns::rrtype::SOA) return;
    auto owner = dns::Name::from_wire({s->r_owner, s->r_owner_length});
    if (owner && *owner == probe.origin) {
        if (auto t = dns::soa_timers(dns::Bytes(s->r_data, s->r_data + s->r_data_length)))
            probe.serial = t->serial;
    }
    s->state = ZS_STATE_STOP;
}

}  // namespace

std::optional<std::uint32_t> read_published_serial(const std::string& path,
                                                   const dns::Name& origin) {
    SerialProbe probe{origin, std::nullopt};
    Scanner s(new zs_scanner_t{});
    std::string origin_text = scanner_name_text(origin);
    if (zs_init(s.get(), origin_text.c_str(), dns::class_in, 3600) != 0) return std::nullopt;
    if (!set_scanner_file(s.get(), path, max_zone_file_bytes)) return std::nullopt;
    zs_set_processing(s.get(), on_probe_record, nullptr, &probe);
    zs_parse_all(s.get());
    return probe.serial;
}

ReadResult read_zone_file(const std::string& path, const dns::Name& origin,
                          const ReadOptions& options, Diagnostics& diag) {
    std::error_code ec;
    auto dir = std::filesystem::canonical(path, ec).parent_path();
    const std::string include_root = ec ? std::string() : dir.string();
    // A record takes 40-odd bytes of text in a typical zone: reserving for one per 24 bytes
    // spares the copies of a growing vector of a million records, and untouched capacity
    // costs no memory.
    auto size = std::filesystem::file_size(path, ec);
    const std::size_t expected_records = ec ? 0 : static_cast<std::size_t>(size / 24);
    return scan(origin, options, diag, path, include_root, expected_records,
                [&](zs_scanner_t* s) { return set_scanner_file(s, path, options.max_file_bytes); });
}

ReadResult read_zone_text(const std::string& text, const std::string& label,
                          const dns::Name& origin, const ReadOptions& options, Diagnostics& diag) {
    return scan(origin, options, diag, label, std::string(), text.size() / 24,
                [&](zs_scanner_t* s) -> Result<void> {
                    if (zs_set_input_string(s, text.data(), text.size()) == 0) return {};
                    return fail(bad_input(
                        fmt::format("cannot read zone data: {}", zs_strerror(s->error.code)),
                        SourceLocation{label, 0}));
                });
}

}  // namespace zw::zones
