#pragma once
// SVCB and HTTPS RDATA (RFC 9460): checked as BIND and Knot check it, and written in a
// presentation format that BIND, Knot and ldns all read back to the same octets. ldns's
// printer writes an ALPN id that contains a comma as "h1\,h2", which RFC 9460 Appendix
// A.1 reads as two ids; and no text form of such an id reads back alike in all three, so
// that RDATA is written in the RFC 3597 generic form instead.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace zw::dns {

inline constexpr std::uint16_t svcb_type = 64, https_type = 65;

// Why the RDATA is not valid SVCB/HTTPS RDATA (naming the SvcParamKey at fault), or nullopt.
[[nodiscard]] std::optional<std::string> svcb_problem(std::span<const std::uint8_t> rdata);

// Appends "priority target key=value ..." for valid RDATA (svcb_problem is nullopt) that
// has a portable text form; false, with nothing appended, otherwise (the caller writes the
// generic form).
[[nodiscard]] bool append_svcb_text(std::string& out, std::span<const std::uint8_t> rdata);

}  // namespace zw::dns
