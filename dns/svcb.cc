#include "dns/svcb.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <string_view>
#include <vector>

#include "dns/encoding.h"
#include "dns/name.h"
#include "dns/rdata.h"

namespace zw::dns {

namespace {

using Span = std::span<const std::uint8_t>;

// RFC 9460 §14.3.2 and RFC 9461, RFC 9540: the registered SvcParamKeys.
namespace key {
inline constexpr std::uint16_t mandatory = 0, alpn = 1, no_default_alpn = 2, port = 3, ipv4hint = 4,
                               ech = 5, ipv6hint = 6, dohpath = 7, ohttp = 8;
}  // namespace key

// Keys 0-6 by name; later ones as keyNNNNN, which every parser reads (Knot 3.2's scanner
// knows no name past ipv6hint).
std::string key_text(std::uint16_t k) {
    static constexpr std::array<std::string_view, 7> names{
        "mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint"};
    if (k < names.size()) return std::string(names[k]);
    return fmt::format("key{}", k);
}

struct Param {
    std::uint16_t key;
    Span value;
};

// The parameters after priority and target; false when their framing is broken.
bool split_params(Span rdata, std::size_t& target_len, std::vector<Param>& params,
                  std::string& why) {
    if (rdata.size() < 3) {
        why = "shorter than a priority and a target name";
        return false;
    }
    target_len = wire_name_length(rdata.subspan(2));
    if (target_len == 0) {
        why = "the target is not an uncompressed domain name";
        return false;
    }
    for (std::size_t at = 2 + target_len; at < rdata.size();) {
        if (at + 4 > rdata.size()) {
            why = "a parameter is cut off before its length";
            return false;
        }
        const std::uint16_t k = read_u16(rdata.data() + at), len = read_u16(rdata.data() + at + 2);
        if (at + 4 + len > rdata.size()) {
            why =
                fmt::format("parameter {}: its value runs past the end of the record", key_text(k));
            return false;
        }
        params.push_back(Param{k, rdata.subspan(at + 4, len)});
        at += 4 + len;
    }
    return true;
}

// RFC 9461 §5: a relative URI template (RFC 6570) with a "dns" variable.
bool valid_dohpath(Span v) {
    std::string_view path(reinterpret_cast<const char*>(v.data()), v.size());
    if (path.empty() || path.front() != '/') return false;
    bool dns = false;
    for (std::size_t open = path.find('{'); open != std::string_view::npos;
         open = path.find('{', open + 1)) {
        const std::size_t close = path.find('}', open);
        if (close == std::string_view::npos) return false;
        std::string_view names = path.substr(open + 1, close - open - 1);
        if (!names.empty() &&
            std::string_view("+#./;?&").find(names.front()) != std::string_view::npos) {
            names.remove_prefix(1);
        }
        while (!names.empty()) {
            const std::size_t comma = names.find(',');
            std::string_view name = names.substr(0, comma);
            if (const std::size_t mod = name.find_first_of("*:"); mod != std::string_view::npos)
                name = name.substr(0, mod);
            if (name.empty()) return false;
            dns = dns || name == "dns";
            names = comma == std::string_view::npos ? std::string_view{} : names.substr(comma + 1);
        }
    }
    return dns;
}

// What RFC 9460 (§7, §8) and the peers require of one value; empty when it is fine.
std::string value_problem(std::uint16_t k, Span v) {
    switch (k) {
        case key::mandatory:
            if (v.empty() || v.size() % 2 != 0) return "a list of 2-octet keys, not empty";
            for (std::size_t i = 0; i < v.size(); i += 2) {
                if (read_u16(v.data() + i) == key::mandatory)
                    return "lists mandatory itself (RFC 9460 §8)";
                if (i > 0 && read_u16(v.data() + i) <= read_u16(v.data() + i - 2)) {
                    return "keys not in increasing order or repeated";
                }
            }
            return {};
        case key::alpn:
            if (v.empty()) return "no ALPN id";
            for (std::size_t i = 0; i < v.size(); i += 1 + v[i]) {
                if (v[i] == 0) return "an empty ALPN id";
                if (i + 1 + v[i] > v.size()) return "an ALPN id runs past the value";
            }
            return {};
        case key::no_default_alpn:
        case key::ohttp:
            return v.empty() ? std::string{} : "takes no value";
        case key::port:
            return v.size() == 2 ? std::string{} : "a port is 2 octets";
        case key::ipv4hint:
            return !v.empty() && v.size() % 4 == 0 ? std::string{} : "not a list of IPv4 addresses";
        case key::ech:
            return v.empty() ? "an empty ECHConfigList" : std::string{};
        case key::ipv6hint:
            return !v.empty() && v.size() % 16 == 0 ? std::string{}
                                                    : "not a list of IPv6 addresses";
        case key::dohpath:
            return valid_dohpath(v)
                       ? std::string{}
                       : "not a relative URI template with a {dns} variable (RFC 9461 §5)";
        default:
            return {};
    }
}

// RFC 1035 §5.1 character-string content: '"' and '\' escaped, the rest of the printable
// ASCII as it is, everything else (space included) as \DDD, so no quoting is needed.
void append_escaped(std::string& out, std::string_view s) {
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c > 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            fmt::format_to(std::back_inserter(out), "\\{:03}", c);
        }
    }
}

void append_value(std::string& out, std::uint16_t k, Span v) {
    switch (k) {
        case key::mandatory:
            for (std::size_t i = 0; i < v.size(); i += 2) {
                if (i > 0) out += ',';
                out += key_text(read_u16(v.data() + i));
            }
            return;
        case key::alpn: {
            // No id holds a comma or a backslash here (portable_text).
            std::string list;
            for (std::size_t i = 0; i < v.size(); i += 1 + v[i]) {
                if (i > 0) list += ',';
                list.append(reinterpret_cast<const char*>(v.data() + i + 1), v[i]);
            }
            append_escaped(out, list);
            return;
        }
        case key::port:
            out += std::to_string(read_u16(v.data()));
            return;
        case key::ipv4hint:
        case key::ipv6hint: {
            const bool v4 = k == key::ipv4hint;
            const std::size_t size = v4 ? 4 : 16;
            std::array<char, INET6_ADDRSTRLEN> buf{};
            for (std::size_t i = 0; i < v.size(); i += size) {
                if (i > 0) out += ',';
                out += inet_ntop(v4 ? AF_INET : AF_INET6, v.data() + i, buf.data(), buf.size());
            }
            return;
        }
        case key::ech:
            out += base64_encode(v);
            return;
        default:
            append_escaped(out,
                           std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
            return;
    }
}

// An ALPN id with a comma or a backslash has no text form that all readers take back:
// RFC 9460 Appendix A.1 writes "h1,h2" as h1\\,h2, which BIND and Knot read as one id and
// ldns 1.8 as "h1\" and "h2" (it skips the value-list unescaping), and the \DDD forms come
// back from ldns with the backslash in the id. Such RDATA is written in the RFC 3597
// generic form, which all of them read alike.
bool portable_text(const std::vector<Param>& params) {
    for (const Param& p : params) {
        if (p.key != key::alpn) continue;
        for (std::uint8_t c : p.value) {
            if (c == ',' || c == '\\') return false;
        }
    }
    return true;
}

}  // namespace

std::optional<std::string> svcb_problem(Span rdata) {
    std::size_t target_len = 0;
    std::vector<Param> params;
    std::string why;
    if (!split_params(rdata, target_len, params, why)) return why;
    Span mandatory;
    bool have_mandatory = false;
    for (std::size_t i = 0; i < params.size(); ++i) {
        const Param& p = params[i];
        // RFC 9460 §2.2: keys in increasing order, each once.
        if (i > 0 && p.key <= params[i - 1].key) {
            return fmt::format("parameter {} is out of order or repeated", key_text(p.key));
        }
        if (std::string problem = value_problem(p.key, p.value); !problem.empty()) {
            return fmt::format("parameter {}: {}", key_text(p.key), problem);
        }
        if (p.key == key::mandatory) {
            mandatory = p.value;
            have_mandatory = true;
        }
        // RFC 9460 §7.1.1: no-default-alpn only beside alpn.
        if (p.key == key::no_default_alpn && (i == 0 || params[i - 1].key != key::alpn)) {
            return "parameter no-default-alpn without alpn (RFC 9460 §7.1.1)";
        }
    }
    if (have_mandatory) {
        for (std::size_t i = 0; i < mandatory.size(); i += 2) {
            const std::uint16_t k = read_u16(mandatory.data() + i);
            bool present = false;
            for (const Param& p : params) present = present || p.key == k;
            if (!present)
                return fmt::format("parameter mandatory lists {}, which is not there (RFC 9460 §8)",
                                   key_text(k));
        }
    }
    return std::nullopt;
}

bool append_svcb_text(std::string& out, Span rdata) {
    if (svcb_problem(rdata)) return false;
    std::size_t target_len = 0;
    std::vector<Param> params;
    std::string why;
    (void)split_params(rdata, target_len, params, why);
    if (!portable_text(params)) return false;
    out += std::to_string(read_u16(rdata.data()));
    out += ' ';
    append_name_text(out, rdata.subspan(2, target_len));
    for (const Param& p : params) {
        out += ' ';
        out += key_text(p.key);
        if (p.value.empty()) continue;
        out += '=';
        append_value(out, p.key, p.value);
    }
    return true;
}

}  // namespace zw::dns
