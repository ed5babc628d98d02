#include "dns/name.h"

#include <fmt/format.h>
#include <ldns/ldns.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "dns/ldns_handles.h"
#include "dns/name_text_with.h"

namespace zw::dns {

namespace {

constexpr std::size_t max_name_length = 255;

std::uint8_t to_lower(std::uint8_t c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// Offsets of each label's length byte, leftmost first; returns the count.
int label_offsets(const std::string& wire, std::array<std::uint8_t, 128>& out) {
    int n = 0;
    std::size_t i = 0;
    while (i < wire.size() && wire[i] != 0) {
        out[n++] = static_cast<std::uint8_t>(i);
        i += 1 + static_cast<std::uint8_t>(wire[i]);
    }
    return n;
}

}  // namespace

Name::Name() : wire_(1, '\0') {}

std::size_t wire_name_length(std::span<const std::uint8_t> data) {
    std::size_t i = 0;
    while (i < data.size()) {
        std::uint8_t len = data[i];
        if (len == 0) return i + 1 <= max_name_length ? i + 1 : 0;
        if (len > 63) return 0;  // compression pointers never appear in our input
        i += 1 + len;
    }
    return 0;
}

bool lowercase_wire_name(std::span<std::uint8_t> wire) {
    std::size_t len = wire_name_length(wire);
    if (len == 0) return false;
    std::size_t i = 0;
    while (wire[i] != 0) {
        std::size_t end = i + 1 + wire[i];
        for (std::size_t j = i + 1; j < end; ++j) wire[j] = to_lower(wire[j]);
        i = end;
    }
    return true;
}

Result<Name> Name::from_wire(std::span<const std::uint8_t> wire) {
    std::size_t len = wire_name_length(wire);
    if (len == 0) return fail(bad_input("malformed domain name in wire format"));
    std::string w(reinterpret_cast<const char*>(wire.data()), len);
    (void)lowercase_wire_name({reinterpret_cast<std::uint8_t*>(w.data()), w.size()});
    return Name(std::move(w));
}

Result<Name> Name::from_text(std::string_view text, const Name* origin) {
    if (text == "@") {
        if (origin) return *origin;
        return fail(bad_input("'@' needs an origin"));
    }
    std::string s(text);
    bool absolute = !s.empty() && s.back() == '.' && (s.size() < 2 || s[s.size() - 2] != '\\');
    if (s.empty()) return fail(bad_input("empty domain name"));
    Rdf rdf{ldns_dname_new_frm_str(s.c_str())};
    if (!rdf) return fail(bad_input(fmt::format("invalid domain name '{}'", text)));
    auto data = std::span<const std::uint8_t>(ldns_rdf_data(rdf.get()), ldns_rdf_size(rdf.get()));
    auto name = from_wire(data);
    if (!name) return fail(bad_input(fmt::format("invalid domain name '{}'", text)));
    if (absolute || origin == nullptr || name->is_root()) return name;
    // ldns makes every name absolute; a relative one gets the origin instead of the root.
    std::string w = name->wire_.substr(0, name->wire_.size() - 1) + origin->wire_;
    if (w.size() > max_name_length)
        return fail(bad_input(fmt::format("domain name too long: '{}'", text)));
    return Name(std::move(w));
}

namespace {

// RFC 1035 §5.1 asks for . ; \\ ( ) " @ $ and the unprintable; Knot's zone scanner also
// refuses most other punctuation bare ("a|b.example."), while every reader takes any
// character escaped. So only letters, digits, '-', '_', '/' (RFC 2317 names) and '*' go
// bare: the signed output of a zone such as "a|b.example." loads in BIND, ldns and Knot.
bool needs_escape(std::uint8_t c) {
    const bool bare = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '/' || c == '*';
    return !bare;
}

}  // namespace

void append_name_text(std::string& out, std::span<const std::uint8_t> wire) {
    if (wire.empty() || wire[0] == 0) {
        out += '.';
        return;
    }
    std::size_t i = 0;
    while (i < wire.size() && wire[i] != 0) {
        const std::size_t end = std::min(wire.size(), i + 1 + wire[i]);
        // Writing a signed zone prints every owner several times: plain labels, nearly all
        // of them, are appended whole rather than character by character.
        std::size_t j = i + 1;
        while (j < end) {
            std::size_t plain = j;
            while (plain < end && !needs_escape(wire[plain])) ++plain;
            out.append(reinterpret_cast<const char*>(wire.data()) + j, plain - j);
            if (plain == end) break;
            const std::uint8_t c = wire[plain];
            if (c > 0x20 && c < 0x7f) {
                out += '\\';
                out += static_cast<char>(c);
            } else {
                out += fmt::format("\\{:03}", c);
            }
            j = plain + 1;
        }
        out += '.';
        i = i + 1 + wire[i];
    }
}

std::string name_text_with(const Name& name, ByteEscape escape) {
    if (name.is_root()) return ".";
    std::string out;
    const std::string& wire = name.wire();
    for (std::size_t i = 0; i < wire.size() && wire[i] != 0;
         i += 1 + static_cast<std::uint8_t>(wire[i])) {
        const std::size_t end = i + 1 + static_cast<std::uint8_t>(wire[i]);
        for (std::size_t j = i + 1; j < end; ++j) {
            const auto c = static_cast<std::uint8_t>(wire[j]);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
                out += static_cast<char>(c);
            else
                escape(out, c);
        }
        out += '.';
    }
    return out;
}

std::string file_name_text(const Name& name) {
    return name_text_with(
        name, [](std::string& out, std::uint8_t c) { out += fmt::format("%{:02X}", c); });
}

std::string Name::to_text() const {
    std::string out;
    append_name_text(out, bytes());
    return out;
}

int Name::label_count() const {
    int n = 0;
    for (std::size_t i = 0; i < wire_.size() && wire_[i] != 0;
         i += 1 + static_cast<std::uint8_t>(wire_[i]))
        ++n;
    return n;
}

bool Name::is_subdomain_of(const Name& other) const {
    if (other.wire_.size() > wire_.size()) return false;
    std::size_t start = wire_.size() - other.wire_.size();
    if (std::memcmp(wire_.data() + start, other.wire_.data(), other.wire_.size()) != 0)
        return false;
    // The suffix must begin on a label boundary, not inside a label.
    for (std::size_t i = 0; i <= start; i += 1 + static_cast<std::uint8_t>(wire_[i])) {
        if (i == start) return true;
        if (wire_[i] == 0) break;
    }
    return false;
}

Name Name::parent() const {
    if (is_root()) return *this;
    return Name(wire_.substr(1 + static_cast<std::uint8_t>(wire_[0])));
}

Result<Name> Name::prepend(std::string_view label) const {
    if (label.empty() || label.size() > 63) return fail(bad_input("label must be 1 to 63 octets"));
    if (wire_.size() + label.size() + 1 > max_name_length)
        return fail(bad_input("domain name too long"));
    std::string w;
    w.reserve(wire_.size() + label.size() + 1);
    w += static_cast<char>(label.size());
    for (char c : label) w += static_cast<char>(to_lower(static_cast<std::uint8_t>(c)));
    w += wire_;
    return Name(std::move(w));
}

int canonical_compare(const Name& a, const Name& b) {
    std::array<std::uint8_t, 128> ao{}, bo{};
    int an = label_offsets(a.wire(), ao);
    int bn = label_offsets(b.wire(), bo);
    const auto* aw = reinterpret_cast<const std::uint8_t*>(a.wire().data());
    const auto* bw = reinterpret_cast<const std::uint8_t*>(b.wire().data());
    // Compare from the rightmost label; a name that runs out of labels first sorts first.
    for (int i = an - 1, j = bn - 1; i >= 0 && j >= 0; --i, --j) {
        std::uint8_t al = aw[ao[i]], bl = bw[bo[j]];
        int c = std::memcmp(aw + ao[i] + 1, bw + bo[j] + 1, std::min(al, bl));
        if (c != 0) return c;
        if (al != bl) return al < bl ? -1 : 1;
    }
    return an - bn;
}

}  // namespace zw::dns
