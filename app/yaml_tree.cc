#include "app/yaml_tree.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <system_error>

namespace zw::app {

namespace {

// A real configuration has a few hundred nodes, four maps deep; aliases (`*a`) repeat a
// node wherever they are used, so a few lines could otherwise expand to billions.
constexpr std::size_t max_nodes = 200'000;
constexpr int max_depth = 32;

class Converter {
  public:
    explicit Converter(std::shared_ptr<const ConfigSource> source) : source_(std::move(source)) {}

    Result<ConfigNode> convert(const YAML::Node& n, const std::string& place, int depth) {
        ConfigNode out;
        out.mark = mark(n.Mark());
        if (++count_ > max_nodes)
            return fail(at(out.mark, place, "too many values (aliases expanding?)"));
        if (depth > max_depth) return fail(at(out.mark, place, "nested too deeply"));
        switch (n.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null:
                out.kind = ConfigNode::Kind::empty;
                return out;
            case YAML::NodeType::Scalar:
                out.kind = ConfigNode::Kind::value;
                out.text = n.Scalar();
                return out;
            case YAML::NodeType::Sequence:
                out.kind = ConfigNode::Kind::list;
                for (const auto& item : n) {
                    auto v = convert(item, place, depth + 1);
                    if (!v) return v;
                    out.items.push_back(std::move(*v));
                }
                return out;
            case YAML::NodeType::Map:
                out.kind = ConfigNode::Kind::map;
                if (auto ok = convert_map(n, place, depth, out); !ok) return fail(ok.error());
                return out;
        }
        return fail(at(out.mark, place, "unreadable value"));
    }

  private:
    Result<void> convert_map(const YAML::Node& n, const std::string& place, int depth,
                             ConfigNode& out) {
        std::map<std::string, ConfigMark, std::less<>> seen;
        for (const auto& kv : n) {
            ConfigMark key_mark = mark(kv.first.Mark());
            if (!kv.first.IsScalar())
                return fail(at(key_mark, place.empty() ? "configuration" : place,
                               "a key must be a single word"));
            std::string key = kv.first.Scalar();
            std::string inner = place.empty() ? key : fmt::format("{}.{}", place, key);
            if (auto [first, fresh] = seen.emplace(key, key_mark); !fresh)
                return fail(at(key_mark, inner,
                               fmt::format("duplicate key; the first is at {}:{}:{}", source_->file,
                                           first->second.line, first->second.column)));
            auto v = convert(kv.second, inner, depth + 1);
            if (!v) return fail(v.error());
            out.entries.push_back(ConfigEntry{std::move(key), key_mark, std::move(*v)});
        }
        return {};
    }

    [[nodiscard]] ConfigMark mark(const YAML::Mark& m) const {
        // yaml-cpp counts from 0 and gives -1 for "no place" (a node made in code).
        auto from_one = [](int v) { return v >= 0 ? static_cast<std::uint64_t>(v) + 1 : 0; };
        return ConfigMark{source_, from_one(m.line), from_one(m.column)};
    }
    [[nodiscard]] static Error at(const ConfigMark& m, std::string_view place,
                                  std::string_view why) {
        return config_error(fmt::format("{}: {}", place, why), m.location());
    }

    std::shared_ptr<const ConfigSource> source_;
    std::size_t count_ = 0;
};

}  // namespace

Result<ConfigNode> parse_yaml_tree(std::string_view text, const std::string& file) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(file, ec);
    auto source = std::make_shared<const ConfigSource>(
        ConfigSource{file, ec ? std::filesystem::path{} : absolute.parent_path()});
    try {
        YAML::Node root = YAML::Load(std::string(text));
        return Converter(source).convert(root, "", 0);
    } catch (const YAML::Exception& e) {
        return fail(
            config_error(e.msg, SourceLocation{file, static_cast<std::uint64_t>(e.mark.line) + 1,
                                               static_cast<std::uint64_t>(e.mark.column) + 1}));
    }
}

}  // namespace zw::app
