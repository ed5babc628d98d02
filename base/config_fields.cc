#include "base/config_fields.h"

#include <fmt/format.h>

#include <charconv>

namespace zw {

std::optional<SourceLocation> ConfigMark::location() const {
    if (!source) return std::nullopt;
    return SourceLocation{source->file, line, column};
}

ConfigNode::ConfigNode(std::initializer_list<std::pair<const std::string, std::string>> values) {
    for (const auto& [key, text] : values) set(key, text);
}

const ConfigNode* ConfigNode::find(std::string_view key) const {
    for (const auto& e : entries)
        if (e.key == key) return &e.value;
    return nullptr;
}

void ConfigNode::set(std::string_view key, std::string value) {
    ConfigNode v;
    v.kind = Kind::value;
    v.text = std::move(value);
    for (auto& e : entries) {
        if (e.key == key) {
            e.value = std::move(v);
            return;
        }
    }
    entries.push_back(ConfigEntry{std::string(key), {}, std::move(v)});
}

Fields::Fields(const ConfigNode& map, std::string what, std::string prefix)
    : map_(map), what_(std::move(what)), prefix_(std::move(prefix)) {
    if (map.kind != ConfigNode::Kind::map)
        keep(config_error(
            fmt::format("{}{}expected a map", what_, prefix_.empty() ? "" : prefix_ + ": "),
            map.mark.location()));
}

std::string Fields::field(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : fmt::format("{}.{}", prefix_, key);
}

Error Fields::error_at(const ConfigMark& mark, std::string_view field, std::string_view why) const {
    return config_error(fmt::format("{}{}: {}", what_, field, why), mark.location());
}

void Fields::keep(Error e) {
    if (!error_) error_ = std::move(e);
}

void Fields::refuse(std::string_view key, std::string_view why) {
    const ConfigNode* at = map_.find(key);
    keep(error_at(at ? at->mark : map_.mark, field(key), why));
}

const ConfigNode* Fields::node(std::string_view key) {
    read_.emplace(key);
    return error_ ? nullptr : map_.find(key);
}

const ConfigNode* Fields::value(std::string_view key) {
    const ConfigNode* n = node(key);
    if (!n) return nullptr;
    if (n->kind != ConfigNode::Kind::value) {
        refuse(key, "expected a single value");
        return nullptr;
    }
    return n;
}

bool Fields::text(std::string_view key, std::string& into) {
    const ConfigNode* n = value(key);
    if (!n) return false;
    into = n->text;
    return true;
}

bool Fields::required_text(std::string_view key, std::string& into) {
    std::string v;
    text(key, v);
    if (error_) return false;
    if (v.empty()) {
        const ConfigNode* at = map_.find(key);
        keep(config_error(fmt::format("{}'{}' is required", what_, field(key)),
                          (at ? at->mark : map_.mark).location()));
        return false;
    }
    into = std::move(v);
    return true;
}

bool Fields::path(std::string_view key, std::string& into) {
    const ConfigNode* n = value(key);
    if (!n) return false;
    if (n->text.empty()) {
        refuse(key, "empty path");
        return false;
    }
    std::filesystem::path p(n->text);
    if (!p.is_absolute() && n->mark.source) p = n->mark.source->dir / p;
    into = p.lexically_normal().string();
    return true;
}

bool Fields::duration(std::string_view key, Seconds& into) {
    const ConfigNode* n = value(key);
    if (!n) return false;
    auto d = parse_duration(n->text);
    if (!d) {
        refuse(key, d.error().message);
        return false;
    }
    into = *d;
    return true;
}

bool Fields::integer(std::string_view key, std::int64_t& into, std::int64_t lo, std::int64_t hi) {
    const ConfigNode* n = value(key);
    if (!n) return false;
    const std::string& s = n->text;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || v < lo || v > hi) {
        refuse(key, fmt::format("expected a whole number from {} to {}, not '{}'", lo, hi, s));
        return false;
    }
    into = v;
    return true;
}

bool Fields::map(std::string_view key, const std::function<void(Fields&)>& read) {
    const ConfigNode* n = node(key);
    if (!n) return false;
    Fields inner(*n, what_, field(key));
    if (inner.status()) read(inner);
    if (auto done = inner.finish(); !done) keep(done.error());
    return !error_;
}

Result<void> Fields::status() const {
    if (error_) return fail(*error_);
    return {};
}

Result<void> Fields::finish() const {
    if (error_) return fail(*error_);
    for (const auto& e : map_.entries)
        if (!read_.contains(e.key))
            return fail(error_at(e.key_mark, field(e.key), "unknown field"));
    return {};
}

}  // namespace zw
