#pragma once
// Domain names as uncompressed wire format, always lowercased: the canonical form of
// RFC 4034 §6.2 is what we sign, so we keep names in it from the start and never fold
// case again. Ordering is the canonical DNS name order of RFC 4034 §6.1.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/error.h"

namespace zw::dns {

class Name {
  public:
    Name();  // the root

    // Presentation format with RFC 1035 escapes; relative names are completed with origin.
    [[nodiscard]] static Result<Name> from_text(std::string_view text,
                                                const Name* origin = nullptr);
    // Wire format as read from a packet or a zone scanner; lowercased on the way in.
    [[nodiscard]] static Result<Name> from_wire(std::span<const std::uint8_t> wire);

    [[nodiscard]] const std::string& wire() const { return wire_; }
    [[nodiscard]] std::span<const std::uint8_t> bytes() const {
        return {reinterpret_cast<const std::uint8_t*>(wire_.data()), wire_.size()};
    }
    [[nodiscard]] std::string to_text() const;

    // Number of labels, the root not counted ("a.b." has 2).
    [[nodiscard]] int label_count() const;
    [[nodiscard]] bool is_root() const { return wire_.size() == 1; }
    [[nodiscard]] bool is_wildcard() const {
        return wire_.size() >= 2 && wire_[0] == 1 && wire_[1] == '*';
    }
    // True when this name equals other or lies below it.
    [[nodiscard]] bool is_subdomain_of(const Name& other) const;
    // The name with its leftmost label removed; the root stays the root.
    [[nodiscard]] Name parent() const;
    // A new name with one label put in front: "label.this".
    [[nodiscard]] Result<Name> prepend(std::string_view label) const;

    friend bool operator==(const Name&, const Name&) = default;

  private:
    explicit Name(std::string wire) : wire_(std::move(wire)) {}
    std::string wire_;
};

// RFC 4034 §6.1: negative, zero or positive like strcmp.
[[nodiscard]] int canonical_compare(const Name& a, const Name& b);

struct CanonicalLess {
    bool operator()(const Name& a, const Name& b) const { return canonical_compare(a, b) < 0; }
};

// Lowercases a wire-format name in place; false when the bytes are not a valid name.
[[nodiscard]] bool lowercase_wire_name(std::span<std::uint8_t> wire);
// Length of the wire-format name at the start of data, or 0 if it is malformed.
[[nodiscard]] std::size_t wire_name_length(std::span<const std::uint8_t> data);
// Appends the presentation form of a wire-format name (escaped per RFC 1035 §5.1, and
// every character other than letters, digits, '-', '_', '/' and '*' escaped, which every
// zone file reader takes).
void append_name_text(std::string& out, std::span<const std::uint8_t> wire);

// The one way a name becomes part of a file name (zone files, key files, a zone's key
// directory): BIND's dns_name_tofilenametext, so BIND's key files are found by the names
// dnssec-keygen gives them. Lowercase letters, digits, '-' and '_' stay; every other octet
// of a label is written %XX (uppercase hex); labels are joined by '.' and the name ends
// with one ("a/b.example." -> "a%2Fb.example."); the root is ".". No name can make '/',
// a label "." or "..", or a character a shell or a file system treats specially.
[[nodiscard]] std::string file_name_text(const Name& name);

}  // namespace zw::dns
