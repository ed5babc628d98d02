#pragma once
// The text of a name for places with their own escaping rules (a file name, a zone file
// for libzscanner): each label's bytes in [a-z0-9-_] as they are, every other byte
// written by `escape`, and a dot after each label. Names are lowercase already.

#include <cstdint>
#include <string>

#include "dns/name.h"

namespace zw::dns {

using ByteEscape = void (*)(std::string& out, std::uint8_t byte);

[[nodiscard]] std::string name_text_with(const Name& name, ByteEscape escape);

}  // namespace zw::dns
