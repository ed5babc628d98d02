#pragma once
// Making the directories zonewarden keeps its state, keys and output in. Each missing
// directory of the path is made with mkdir(mode), which the kernel narrows by the umask:
// none is wider than `mode` or than the operator's umask allows, and none is ever
// writable by others. (std::filesystem::create_directories makes every one 0777 less
// the umask: under umask 000, world-writable.) Existing directories are left alone.

#include <sys/types.h>
#include <string>

#include "base/error.h"

namespace zw {

// Modes for what zonewarden makes (docs/security.md): the state's directory is for
// zonewarden and its group (readers of status), the signed output's for the name
// servers too, keys for zonewarden alone.
inline constexpr mode_t state_directory_mode = 0750;
inline constexpr mode_t output_directory_mode = 0755;
inline constexpr mode_t key_directory_mode = 0700;

// An outside error (exit 3) when a directory cannot be made or a path part is not one.
[[nodiscard]] Result<void> make_directories(const std::string& path, mode_t mode);

}  // namespace zw
