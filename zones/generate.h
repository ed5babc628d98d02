#pragma once
// BIND's $GENERATE directive (BIND 9 ARM, "The $GENERATE Directive"), which hosting
// providers use for reverse zones:
//
//   $GENERATE start-stop[/step] lhs [ttl] [class] type rhs
//
// lhs and rhs are copied once per value of the iterator with each "$" replaced by it;
// "${offset[,width[,base]]}" adds offset and prints the value zero-padded to width in
// base d (decimal), o (octal), x/X (hexadecimal) or n/N (nibbles: hexadecimal digits in
// reverse order, one label each, width counting the dots); "$$" and "\$" are a literal "$",
// written "\$" (an escaped character, RFC 1035 §5.1: Knot's scanner takes no bare "$" in a
// name, where BIND does).
// rhs is one token; quotes around it are dropped, so `MX "0 ."` gives "MX 0 .".
//
// Expansion makes master-file lines; the zone reader parses them like any other.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace zw::zones {

// At most this many records from one directive: a line of text must not turn into
// millions of records. 65,536 covers the reverse zone of a /16 in one directive.
inline constexpr std::size_t max_generated_per_directive = 65536;

// Expands the arguments of one $GENERATE (the text after the directive name, comments
// included) into master-file lines, each passed to `line` without its newline. A bad
// range, modifier, type or count is a bad_input error whose message the caller places at
// the directive's file and line.
[[nodiscard]] Result<void> expand_generate(std::string_view arguments,
                                           const std::function<void(std::string_view)>& line);

}  // namespace zw::zones
