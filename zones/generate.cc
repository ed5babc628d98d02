#include "zones/generate.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "dns/rdata_check.h"
#include "dns/rr.h"

namespace zw::zones {

namespace {

constexpr std::int64_t int_max = std::numeric_limits<std::int32_t>::max();

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Tokens as BIND's lexer makes them: split at blanks that are not escaped; a token that
// opens with '"' runs to the next unescaped '"' and loses the quotes; ';' outside quotes
// starts a comment. Escapes stay in the token: the record's own parser reads them.
Result<std::vector<std::string>> split_tokens(std::string_view text) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_blank(text[i])) {
            ++i;
            continue;
        }
        if (text[i] == ';') break;
        std::string token;
        const bool quoted = text[i] == '"';
        if (quoted) ++i;
        bool closed = !quoted;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (c == '\\' && i + 1 < text.size()) {
                token += c;
                token += text[++i];
                continue;
            }
            if (quoted && c == '"') {
                closed = true;
                ++i;
                break;
            }
            if (!quoted && (is_blank(c) || c == ';' || c == '"')) break;
            token += c;
        }
        if (!closed) return fail(bad_input("$GENERATE: a quoted string is not closed"));
        out.push_back(std::move(token));
    }
    return out;
}

std::optional<std::int64_t> number(std::string_view text) {
    std::int64_t value = 0;
    if (text.empty() || text.size() > 10) return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > int_max)
        return std::nullopt;
    return value;
}

struct Range {
    std::int64_t start = 0, stop = 0, step = 1;
};

// "start-stop" or "start-stop/step", each 0 to 2^31-1, start <= stop, step >= 1.
Result<Range> parse_range(std::string_view text) {
    auto invalid = [&] {
        return fail(bad_input(fmt::format("$GENERATE: invalid range '{}'", text)));
    };
    const std::size_t dash = text.find('-');
    if (dash == std::string_view::npos) return invalid();
    const std::size_t slash = text.find('/', dash);
    auto start = number(text.substr(0, dash));
    auto stop = number(text.substr(
        dash + 1, slash == std::string_view::npos ? std::string_view::npos : slash - dash - 1));
    std::optional<std::int64_t> step = 1;
    if (slash != std::string_view::npos) step = number(text.substr(slash + 1));
    if (!start || !stop || !step || *step < 1 || *stop < *start) return invalid();
    return Range{*start, *stop, *step};
}

// Appends the hexadecimal digits of value lowest first, a dot between them, until the
// value is used up and at least `width` characters (dots included) are written.
void append_nibbles(std::string& out, std::uint32_t value, std::int64_t width, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        out += digits[value & 0x0f];
        value >>= 4;
        if (width > 0) --width;
        if (width > 0 || value != 0) {
            out += '.';
            if (width > 0) --width;
        }
    } while (value != 0 || width > 0);
}

// "${offset[,width[,base]]}" at text[at] == '{': appends the formatted value and returns
// the position after the closing brace.
Result<std::size_t> append_modified(std::string& out, std::string_view text, std::size_t at,
                                    std::int64_t iterator) {
    const std::size_t close = text.find('}', at);
    auto bad = [&] {
        const std::string_view shown = text.substr(
            at, close == std::string_view::npos ? std::string_view::npos : close - at + 1);
        return fail(bad_input(fmt::format("$GENERATE: bad modifier '${}'", shown)));
    };
    if (close == std::string_view::npos) return bad();
    std::string_view inside = text.substr(at + 1, close - at - 1);
    std::vector<std::string_view> parts;
    for (std::size_t comma; (comma = inside.find(',')) != std::string_view::npos;
         inside.remove_prefix(comma + 1)) {
        parts.push_back(inside.substr(0, comma));
    }
    parts.push_back(inside);
    if (parts.size() > 3) return bad();
    std::int64_t offset = 0, width = 0;
    const bool negative = !parts[0].empty() && parts[0].front() == '-';
    std::string_view magnitude =
        parts[0].substr(negative || (!parts[0].empty() && parts[0].front() == '+') ? 1 : 0);
    auto off = number(magnitude);
    if (!off) return bad();
    offset = negative ? -*off : *off;
    if (parts.size() >= 2) {
        auto w = number(parts[1]);
        if (!w) return bad();
        width = *w;
    }
    char base = 'd';
    if (parts.size() == 3) {
        if (parts[2].size() != 1 ||
            std::string_view("doxXnN").find(parts[2][0]) == std::string_view::npos)
            return bad();
        base = parts[2][0];
    }
    if (iterator > 0 && offset > int_max - iterator) {
        return fail(bad_input(fmt::format("$GENERATE: {} + {} is out of range", iterator, offset)));
    }
    // BIND prints the sum as a C int: negative sums show in octal and hexadecimal as
    // their 32-bit two's complement.
    const auto value = static_cast<std::int32_t>(iterator + offset);
    const auto bits = static_cast<std::uint32_t>(value);
    if (width > 255) return bad();
    const auto w = static_cast<std::size_t>(width);
    switch (base) {
        case 'd':
            fmt::format_to(std::back_inserter(out), "{:0{}d}", value, w);
            break;
        case 'o':
            fmt::format_to(std::back_inserter(out), "{:0{}o}", bits, w);
            break;
        case 'x':
            fmt::format_to(std::back_inserter(out), "{:0{}x}", bits, w);
            break;
        case 'X':
            fmt::format_to(std::back_inserter(out), "{:0{}X}", bits, w);
            break;
        default:
            append_nibbles(out, bits, width, base == 'N');
            break;
    }
    return close + 1;
}

// lhs or rhs with every "$" replaced (generate.h).
Result<void> substitute(std::string& out, std::string_view text, std::int64_t iterator) {
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '\\') {
            out += text.substr(i, 2);
            i += 2;
        } else if (c != '$') {
            out += c;
            ++i;
        } else if (i + 1 < text.size() && text[i + 1] == '$') {
            out +=
                "\\$";  // a literal '$' (RFC 1035 §5.1 \X), which Knot's scanner reads in names too
            i += 2;
        } else if (i + 1 < text.size() && text[i + 1] == '{') {
            auto next = append_modified(out, text, i + 1, iterator);
            if (!next) return fail(next.error());
            i = *next;
        } else {
            fmt::format_to(std::back_inserter(out), "{}", iterator);
            ++i;
        }
    }
    return {};
}

bool is_class(std::string_view t) {
    std::string upper(t);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper == "IN" || upper == "CH" || upper == "CS" || upper == "HS" || upper == "NONE" ||
           upper == "ANY" || (upper.rfind("CLASS", 0) == 0 && upper.size() > 5);
}

}  // namespace

Result<void> expand_generate(std::string_view arguments,
                             const std::function<void(std::string_view)>& line) {
    auto tokens = split_tokens(arguments);
    if (!tokens) return fail(tokens.error());
    const auto& t = *tokens;
    const auto usage = [] {
        return fail(bad_input("$GENERATE: want start-stop[/step] lhs [ttl] [class] type rhs"));
    };
    if (t.size() < 4) return usage();
    auto range = parse_range(t[0]);
    if (!range) return fail(range.error());
    std::size_t at = 2;
    std::string ttl;
    for (int optional = 0; optional < 2 && at < t.size(); ++optional) {
        if (is_class(t[at])) {
            if (!(t[at] == "IN" || t[at] == "in" || t[at] == "In" || t[at] == "iN")) {
                return fail(
                    bad_input(fmt::format("$GENERATE: class {} is not supported; only IN", t[at])));
            }
            ++at;
        } else if (ttl.empty() && std::isdigit(static_cast<unsigned char>(t[at][0]))) {
            ttl = t[at++];
        }
    }
    if (at + 2 != t.size())
        return at + 2 > t.size() ? usage() : fail(bad_input("$GENERATE: extra text after the rhs"));
    const std::string& type_text = t[at];
    const std::string& rhs = t[at + 1];
    const auto type = dns::type_from_text(type_text);
    if (!type) return fail(bad_input(fmt::format("$GENERATE: unknown RR type '{}'", type_text)));
    if (dns::is_meta_type(*type))
        return fail(bad_input(fmt::format("$GENERATE: meta RR type '{}'", type_text)));
    const std::int64_t count = (range->stop - range->start) / range->step + 1;
    if (count > static_cast<std::int64_t>(max_generated_per_directive)) {
        return fail(bad_input(fmt::format(
            "$GENERATE: range '{}' makes {} records; at most {} are allowed per directive", t[0],
            count, max_generated_per_directive)));
    }
    std::string text;
    for (std::int64_t i = range->start; i <= range->stop; i += range->step) {
        text.clear();
        if (auto ok = substitute(text, t[1], i); !ok) return ok;
        text += ' ';
        if (!ttl.empty()) text += ttl + ' ';
        text += "IN ";
        text += type_text;
        text += ' ';
        if (auto ok = substitute(text, rhs, i); !ok) return ok;
        line(text);
    }
    return {};
}

}  // namespace zw::zones
