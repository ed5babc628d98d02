#pragma once
// Pointing Knot's zone scanner at its input (private to zones/): an origin in the form the
// scanner reads, and files that are regular files only.

// libzscanner's headers lack C++ linkage guards.
extern "C" {
#include <libzscanner/scanner.h>
}

#include <cstdint>
#include <string>

#include "base/error.h"
#include "dns/name.h"

namespace zw::zones {

// The name as the scanner reads it: letters, digits, '-' and '_' as they are, every other
// octet as \DDD. The scanner takes fewer characters bare than RFC 1035 allows ('|', '!',
// '~' ... are refused), and a valid zone such as "a|b.example." must not fail to start.
[[nodiscard]] std::string scanner_name_text(const dns::Name& name);

// zs_set_input_file for a regular file of at most max_bytes (base/regular_file.h): a
// FIFO or a device would block the scanner's open, or never end. The file is checked on
// a descriptor the scanner then reopens through /proc/self/fd, so what it reads is what
// was checked. Errors name the file.
[[nodiscard]] Result<void> set_scanner_file(zs_scanner_t* s, const std::string& path,
                                            std::uint64_t max_bytes);

}  // namespace zw::zones
