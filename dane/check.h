#pragma once
// The DANE check of TLS services (docs/dane.md): the TLSA RRset validated from the trust
// anchor, each record judged usable or not (RFC 7672 §3.1), and a handshake with every
// address of the host through OpenSSL's DANE API. The verdicts are pure functions of what
// was fetched (judge_*), the IO is in check_service and check_mail_domain.

#include <chrono>
#include <string>
#include <vector>

#include "dane/tls_probe.h"
#include "dane/validated_lookup.h"

namespace zw::dane {

// pass: every address authenticated by a TLSA record; fail: a mismatch, a bogus TLSA set,
// no usable record, or a failed STARTTLS/TLS with a secure TLSA set; not_dane: the TLSA
// set is insecure or absent, so no DANE client authenticates the service (RFC 7672 §2.2);
// unchecked: the DNS or the service could not be reached.
enum class Verdict { pass, fail, not_dane, unchecked };
[[nodiscard]] std::string_view name(Verdict v);
// The worse of two: fail, then not_dane, then unchecked, then pass.
[[nodiscard]] Verdict worse(Verdict a, Verdict b);
// 0 when all pass, 1 when one fails or is not DANE-protected, else 3 (one unchecked).
[[nodiscard]] int exit_code(Verdict overall);

struct RecordReport {
    dns::Bytes rdata;
    bool usable = false;
    std::string why_unusable;
    bool matched = false;  // OpenSSL named it as the record that authenticated some address
};

// RFC 7672 §3.1 (SMTP) and RFC 7671 §5: usages 2 and 3, selectors 0 and 1, matching
// types 0, 1, 2 with the digest's length. PKIX usages 0/1 are unusable for SMTP (RFC 7672
// §3.1.3) and, elsewhere, need a public CA trust store dane-check does not load.
[[nodiscard]] RecordReport judge_record(const dns::Bytes& rdata);

struct AddressReport {
    live::Server where;
    TlsProbe probe;
    Verdict verdict = Verdict::unchecked;
};

struct HostReport {
    std::string host;  // "mail.example.test."
    std::uint16_t port = 0;
    StartTls starttls = StartTls::none;
    std::optional<ValidatedRrset> tlsa;  // none when the lookup itself failed
    std::string lookup_error;
    std::vector<RecordReport> records;
    // The usable records were given to OpenSSL (the TLSA set is secure), and in how many
    // handshakes that completed: a record is "not matched" only after one.
    bool records_offered = false;
    int handshakes = 0;
    std::vector<AddressReport> addresses;
    std::vector<std::string> address_problems;
    Verdict verdict = Verdict::unchecked;
    std::string why;
};

struct CheckContext {
    live::Client& client;
    live::Discoverer& discoverer;
    live::ChainValidator& chain;
    std::chrono::milliseconds tls_timeout{5000};
};

// _PORT._tcp.HOST's TLSA set, HOST's A and AAAA, one handshake per address.
[[nodiscard]] HostReport check_service(CheckContext& ctx, const dns::Name& host, std::uint16_t port,
                                       StartTls starttls);

struct MailDomainReport {
    std::string domain;
    std::optional<ValidatedRrset> mx;
    std::string lookup_error;
    std::vector<HostReport> hosts;
    Verdict verdict = Verdict::unchecked;
    std::string why;
};

// RFC 7672 §2.2.1: the MX set validated, then port 25 of each MX host with STARTTLS. An
// insecure MX set means no DANE for any host (the hosts are still checked and shown).
[[nodiscard]] MailDomainReport check_mail_domain(CheckContext& ctx, const dns::Name& domain);

}  // namespace zw::dane
