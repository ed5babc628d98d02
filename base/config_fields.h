#pragma once
// The one field loader of the configuration: a tree of maps, lists and single values with
// the place each came from (ConfigNode, which app/yaml_tree.h makes from YAML), and typed
// readers over one map (Fields) that the configuration, the policies and the registrars
// all use. A reader names the field and its file:line:column in every error; a key that no
// reader asked for is an error, so a misspelt `dnskey-tll` never silently becomes a default.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/duration.h"
#include "base/error.h"

namespace zw {

// The file a tree was read from; relative paths in it follow its directory.
struct ConfigSource {
    std::string file;
    std::filesystem::path dir;
};

struct ConfigMark {
    std::shared_ptr<const ConfigSource> source;  // empty: built in code, not read from a file
    std::uint64_t line = 0;                      // from 1; 0 unknown
    std::uint64_t column = 0;                    // from 1; 0 unknown

    [[nodiscard]] std::optional<SourceLocation> location() const;
};

struct ConfigEntry;

struct ConfigNode {
    enum class Kind { empty, value, map, list };
    Kind kind = Kind::map;
    std::string text;                  // Kind::value
    std::vector<ConfigEntry> entries;  // Kind::map, in the file's order, keys unique
    std::vector<ConfigNode> items;     // Kind::list
    ConfigMark mark;

    ConfigNode() = default;
    // A map of single values built in code (tests, a command line's key=value pairs).
    ConfigNode(std::initializer_list<std::pair<const std::string, std::string>> values);

    [[nodiscard]] const ConfigNode* find(std::string_view key) const;
    // Sets key to a single value, replacing an earlier one (built maps only).
    void set(std::string_view key, std::string value);
};

struct ConfigEntry {
    std::string key;
    ConfigMark key_mark;
    ConfigNode value;
};

// Reads the fields of one map. Each reader leaves its target alone when the key is absent
// and returns whether it set it; the first mistake is kept (later readers then do
// nothing) and returned by status() and finish().
class Fields {
  public:
    // `what` starts every message ("policy fast: ", "registrar parent: ", or nothing);
    // `prefix` is this map's dotted place ("dns", "policies.fast.ksk" is written "ksk").
    explicit Fields(const ConfigNode& map, std::string what = "", std::string prefix = "");

    bool text(std::string_view key, std::string& into);
    bool required_text(std::string_view key, std::string& into);  // absent or empty: an error
    // A file or directory name; relative names follow the file the map was read from.
    bool path(std::string_view key, std::string& into);
    bool duration(std::string_view key, Seconds& into);
    bool integer(std::string_view key, std::int64_t& into, std::int64_t lo, std::int64_t hi);
    template <typename I>
    bool integer(std::string_view key, I& into, std::int64_t lo, std::int64_t hi) {
        std::int64_t v = 0;
        if (!integer(key, v, lo, hi)) return false;
        into = static_cast<I>(v);
        return true;
    }
    // One of named choices; the error lists them: "unknown method 'x' (one of a, b)".
    template <typename E>
    bool choice(std::string_view key, E& into,
                std::initializer_list<std::pair<std::string_view, E>> choices,
                std::string_view noun) {
        std::string s;
        if (!text(key, s)) return false;
        std::string names;
        for (const auto& [word, value] : choices) {
            if (word == s) {
                into = value;
                return true;
            }
            names += names.empty() ? std::string(word) : ", " + std::string(word);
        }
        refuse(key, "unknown " + std::string(noun) + " '" + s + "' (one of " + names + ")");
        return false;
    }
    // The fields of a map under key, read by `read` and finished there; absent: nothing.
    bool map(std::string_view key, const std::function<void(Fields&)>& read);
    // The node under key, marked as read, for a caller that walks it itself.
    [[nodiscard]] const ConfigNode* node(std::string_view key);

    // Keeps "field: why" at the key's value (at the map when the key is absent) as the
    // mistake, unless an earlier one is kept already.
    void refuse(std::string_view key, std::string_view why);
    void keep(Error e);
    [[nodiscard]] Error error_at(const ConfigMark& mark, std::string_view field,
                                 std::string_view why) const;
    [[nodiscard]] std::string field(std::string_view key) const;
    [[nodiscard]] const ConfigNode& whole() const { return map_; }

    [[nodiscard]] Result<void> status() const;
    // status(), then the first key (in the file's order) that no reader asked for.
    [[nodiscard]] Result<void> finish() const;

  private:
    [[nodiscard]] const ConfigNode* value(std::string_view key);

    const ConfigNode& map_;
    std::string what_;
    std::string prefix_;
    std::set<std::string, std::less<>> read_;
    std::optional<Error> error_;
};

}  // namespace zw
