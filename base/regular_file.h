#pragma once
// Reading the files an operator names or a tenant hands over (configuration, trust
// anchors, key files, zone files): only regular files are read, so a FIFO or a device
// cannot block a pass or feed it without end; each kind has a size limit; the file is
// opened without blocking and checked on the open descriptor, so it cannot be swapped
// between the check and the read. Errors name the file and what it is, never its
// contents (a file that is not what it claims to be may be a secret: /etc/shadow).

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/unique_fd.h"

namespace zw {

// Limits that hold with room to spare for what the file kinds really are.
inline constexpr std::uint64_t max_config_file_bytes = 4u << 20;  // the YAML configuration
inline constexpr std::uint64_t max_small_file_bytes = 1u << 20;   // anchors, DS and TSIG files
inline constexpr std::uint64_t max_key_file_bytes = 64u << 10;    // a .key or .private

struct RegularFile {
    UniqueFd fd;
    std::uint64_t size = 0;
};

// Opens path for reading if it is a regular file of at most max_bytes. `what` names it in
// errors ("trust anchor file"); every error is bad input (exit 2).
[[nodiscard]] Result<RegularFile> open_regular_file(const std::string& path, std::string_view what,
                                                    std::uint64_t max_bytes);

// The whole file, under the same conditions; a file that grows past max_bytes while it is
// read is refused too.
[[nodiscard]] Result<std::string> read_regular_file(const std::string& path, std::string_view what,
                                                    std::uint64_t max_bytes);
// The same for a file opened already (to check its mode on the descriptor first).
[[nodiscard]] Result<std::string> read_regular_file(RegularFile& file, const std::string& path,
                                                    std::string_view what, std::uint64_t max_bytes);

}  // namespace zw
