#include "registrar/tsig.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "dns/encoding.h"
#include "dns/name.h"
#include "dns/rdata.h"

namespace zw::registrar {

namespace {

constexpr std::uint16_t type_tsig = 250, class_any = 255;

const EVP_MD* digest_for(std::string_view name) {
    if (name == "hmac-sha256") return EVP_sha256();
    if (name == "hmac-sha384") return EVP_sha384();
    if (name == "hmac-sha512") return EVP_sha512();
    return nullptr;
}

// A domain name in canonical wire form (RFC 8945 §4.3.3: lowercase, uncompressed).
std::optional<Wire> name_wire(std::string_view text) {
    auto name = dns::Name::from_text(text);
    if (!name) return std::nullopt;
    return Wire(name->bytes().begin(), name->bytes().end());
}

void put16(Wire& w, std::uint32_t v) { dns::put_u16(w, static_cast<std::uint16_t>(v)); }

void put48(Wire& w, std::int64_t v) {
    for (int shift = 40; shift >= 0; shift -= 8) w.push_back(static_cast<std::uint8_t>(v >> shift));
}

// Time Signed, Fudge, Error, Other Len, Other Data: the tail of the TSIG variables (§4.3.3).
Wire variables(const Wire& key_name, const Wire& algorithm, std::int64_t time, std::uint16_t fudge,
               std::uint16_t error, const Wire& other) {
    Wire v = key_name;
    put16(v, class_any);
    put16(v, 0);
    put16(v, 0);  // TTL 0, 32 bits
    v.insert(v.end(), algorithm.begin(), algorithm.end());
    put48(v, time);
    put16(v, fudge);
    put16(v, error);
    put16(v, static_cast<std::uint32_t>(other.size()));
    v.insert(v.end(), other.begin(), other.end());
    return v;
}

RResult<Wire> hmac(const TsigKey& key, const Wire& data) {
    const EVP_MD* md = digest_for(key.algorithm);
    if (md == nullptr)
        return reg_fail(ErrorKind::unsupported,
                        "TSIG algorithm " + key.algorithm + " is not supported");
    auto secret = dns::base64_decode(key.secret);
    if (!secret || secret->empty())
        return reg_fail(ErrorKind::authentication, "TSIG secret is not base64");
    Wire mac(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    if (HMAC(md, secret->data(), static_cast<int>(secret->size()), data.data(), data.size(),
             mac.data(), &len) == nullptr)
        return reg_fail(ErrorKind::authentication, "HMAC failed");
    mac.resize(len);
    return mac;
}

// Reads a wire-format message far enough to find its last record. Names may be compressed
// (pointers are followed a bounded number of times).
class Reader {
  public:
    explicit Reader(const Wire& w) : w_(w) {}
    bool skip_name(std::size_t& at) const {
        while (at < w_.size()) {
            auto len = w_[at];
            if ((len & 0xC0) == 0xC0) return (at += 2) <= w_.size();
            if (len > 63) return false;
            at += 1 + len;
            if (len == 0) return at <= w_.size();
        }
        return false;
    }
    std::optional<Wire> read_name(std::size_t at) const {  // lowercased, decompressed
        Wire out;
        for (int jumps = 0; at < w_.size() && jumps < 32;) {
            auto len = w_[at];
            if ((len & 0xC0) == 0xC0) {
                if (at + 1 >= w_.size()) return std::nullopt;
                at = static_cast<std::size_t>((len & 0x3F) << 8 | w_[at + 1]);
                ++jumps;
                continue;
            }
            if (len > 63 || at + 1 + len > w_.size()) return std::nullopt;
            out.push_back(len);
            if (len == 0) return out;
            for (std::size_t i = 0; i < len; ++i)
                out.push_back(static_cast<std::uint8_t>(std::tolower(w_[at + 1 + i])));
            at += 1 + len;
        }
        return std::nullopt;
    }
    std::optional<std::uint32_t> u16(std::size_t at) const {
        if (at + 2 > w_.size()) return std::nullopt;
        return static_cast<std::uint32_t>(w_[at] << 8 | w_[at + 1]);
    }

  private:
    const Wire& w_;
};

}  // namespace

bool tsig_algorithm_supported(std::string_view name) { return digest_for(name) != nullptr; }

RResult<SignedMessage> tsig_sign(const Wire& message, const TsigKey& key, std::int64_t now,
                                 std::uint16_t fudge) {
    if (message.size() < 12)
        return reg_fail(ErrorKind::invalid, "DNS message shorter than its header");
    auto key_name = name_wire(key.name);
    auto algorithm = name_wire(key.algorithm);
    if (!key_name || !algorithm)
        return reg_fail(ErrorKind::invalid, "TSIG key name is not a domain name");
    Wire data = message;
    auto vars = variables(*key_name, *algorithm, now, fudge, 0, {});
    data.insert(data.end(), vars.begin(), vars.end());
    auto mac = hmac(key, data);
    if (!mac) return std::unexpected(mac.error());
    SignedMessage out{message, *mac};
    Wire rdata = *algorithm;
    put48(rdata, now);
    put16(rdata, fudge);
    put16(rdata, static_cast<std::uint32_t>(mac->size()));
    rdata.insert(rdata.end(), mac->begin(), mac->end());
    rdata.push_back(message[0]);  // Original ID
    rdata.push_back(message[1]);
    put16(rdata, 0);  // Error
    put16(rdata, 0);  // Other Len
    out.wire.insert(out.wire.end(), key_name->begin(), key_name->end());
    put16(out.wire, type_tsig);
    put16(out.wire, class_any);
    put16(out.wire, 0);
    put16(out.wire, 0);
    put16(out.wire, static_cast<std::uint32_t>(rdata.size()));
    out.wire.insert(out.wire.end(), rdata.begin(), rdata.end());
    std::uint32_t arcount = static_cast<std::uint32_t>(message[10] << 8 | message[11]) + 1;
    out.wire[10] = static_cast<std::uint8_t>(arcount >> 8);
    out.wire[11] = static_cast<std::uint8_t>(arcount);
    return out;
}

RResult<void> tsig_verify(const Wire& answer, const TsigKey& key, const Wire& request_mac,
                          std::int64_t now) {
    Reader r(answer);
    auto counts = [&](std::size_t at) { return r.u16(at).value_or(0); };
    if (answer.size() < 12)
        return reg_fail(ErrorKind::transient, "answer shorter than a DNS header");
    const auto rcode = answer[3] & 0x0F;
    const std::uint32_t qd = counts(4), an = counts(6), ns = counts(8), ar = counts(10);
    auto unsigned_answer = [&] {
        return reg_fail(
            ErrorKind::authentication,
            fmt::format("the answer (rcode {}) carries no TSIG record: not accepted for a signed "
                        "request (RFC 8945 §5.3)",
                        rcode));
    };
    if (ar == 0) return unsigned_answer();
    std::size_t at = 12;
    for (std::uint32_t i = 0; i < qd; ++i)
        if (!r.skip_name(at) || (at += 4) > answer.size())
            return reg_fail(ErrorKind::transient, "malformed answer");
    std::size_t tsig_at = 0;
    for (std::uint32_t i = 0; i < an + ns + ar; ++i) {
        tsig_at = at;
        if (!r.skip_name(at)) return reg_fail(ErrorKind::transient, "malformed answer");
        auto rdlength = r.u16(at + 8);
        if (!rdlength || (at += 10 + *rdlength) > answer.size())
            return reg_fail(ErrorKind::transient, "malformed answer");
    }
    if (at != answer.size())
        return reg_fail(ErrorKind::transient, "malformed answer (bytes after its last record)");
    std::size_t rd = tsig_at;
    r.skip_name(rd);
    if (r.u16(rd) != type_tsig) return unsigned_answer();
    // §4.2: class ANY, TTL 0; the RDATA must end where the message ends.
    if (r.u16(rd + 2) != class_any || r.u16(rd + 4) != 0u || r.u16(rd + 6) != 0u)
        return reg_fail(ErrorKind::authentication, "malformed TSIG record (class or TTL)");
    auto owner = r.read_name(tsig_at);
    auto key_name = name_wire(key.name), algorithm = name_wire(key.algorithm);
    if (!owner || !key_name || !algorithm || *owner != *key_name)
        return reg_fail(ErrorKind::authentication, "the answer is signed with another key");
    rd += 10;
    auto alg = r.read_name(rd);
    if (!alg || *alg != *algorithm)
        return reg_fail(ErrorKind::authentication, "the answer is signed with another algorithm");
    r.skip_name(rd);
    if (rd + 10 > answer.size()) return reg_fail(ErrorKind::transient, "malformed TSIG record");
    std::int64_t time = 0;
    for (int i = 0; i < 6; ++i) time = time << 8 | answer[rd + i];
    const std::uint16_t fudge = static_cast<std::uint16_t>(*r.u16(rd + 6));
    const std::uint32_t mac_size = *r.u16(rd + 8);
    std::size_t p = rd + 10;
    if (p + mac_size + 6 > answer.size())
        return reg_fail(ErrorKind::transient, "malformed TSIG record");
    Wire mac(answer.begin() + static_cast<std::ptrdiff_t>(p),
             answer.begin() + static_cast<std::ptrdiff_t>(p + mac_size));
    p += mac_size;
    const std::uint8_t original_id[2] = {answer[p], answer[p + 1]};
    const std::uint32_t error = *r.u16(p + 2), other_len = *r.u16(p + 4);
    p += 6;
    if (p + other_len > answer.size())
        return reg_fail(ErrorKind::transient, "malformed TSIG record");
    Wire other(answer.begin() + static_cast<std::ptrdiff_t>(p),
               answer.begin() + static_cast<std::ptrdiff_t>(p + other_len));
    if (error != 0)  // 16 BADSIG, 17 BADKEY, 18 BADTIME, 22 BADTRUNC (RFC 8945 §3)
        return reg_fail(ErrorKind::authentication,
                        fmt::format("the server refused our TSIG (error {}: {})", error,
                                    error == 16   ? "BADSIG"
                                    : error == 17 ? "BADKEY"
                                    : error == 18 ? "BADTIME"
                                                  : "other"));
    Wire data;
    put16(data, static_cast<std::uint32_t>(request_mac.size()));
    data.insert(data.end(), request_mac.begin(), request_mac.end());
    Wire stripped(answer.begin(), answer.begin() + static_cast<std::ptrdiff_t>(tsig_at));
    stripped[0] = original_id[0];
    stripped[1] = original_id[1];
    stripped[10] = static_cast<std::uint8_t>((ar - 1) >> 8);
    stripped[11] = static_cast<std::uint8_t>(ar - 1);
    data.insert(data.end(), stripped.begin(), stripped.end());
    auto vars =
        variables(*key_name, *algorithm, time, fudge, static_cast<std::uint16_t>(error), other);
    data.insert(data.end(), vars.begin(), vars.end());
    auto expected = hmac(key, data);
    if (!expected) return std::unexpected(expected.error());
    if (mac.size() != expected->size() ||
        CRYPTO_memcmp(mac.data(), expected->data(), mac.size()) != 0)
        return reg_fail(ErrorKind::authentication,
                        "the answer's TSIG does not verify (wrong key?)");
    if (std::abs(now - time) > fudge)
        return reg_fail(ErrorKind::authentication,
                        "the answer's TSIG time is outside its fudge (clock skew?)");
    return {};
}

}  // namespace zw::registrar
