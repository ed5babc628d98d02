#pragma once
// The interface the executor in app/ calls. Declarative: it hands over the DS set the parent
// should serve; the registrar works out what to send. apply() is idempotent and is also how a
// receipt is polled: call it again with the same desired set until the receipt says done (or
// needs_operator / publish_cds, which the executor handles). Even "done" only means the
// registrar holds the set: the live DS check at every parent server decides when the change
// is real: a registrar's answer is never the truth.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/duration.h"
#include "dns/rr.h"
#include "registrar/entry.h"
#include "registrar/error.h"
#include "registrar/plan.h"

namespace zw::registrar {

enum class ReceiptState {
    done,            // the registrar holds exactly the desired set
    in_progress,     // accepted; poll again (after poll_after)
    needs_operator,  // manual: a human must submit `instructions`
    publish_cds,     // cds: the signer must publish `cds_request`, the parent scans it
};

[[nodiscard]] std::string_view to_text(ReceiptState s);

// RFC 7344 / RFC 8078: what the signer must put at the child's apex for a scanning parent.
// CDS and CDNSKEY always describe the same keys (registries differ in which they read), and
// both are signed by the KSK(s) like the DNSKEY RRset.
struct CdsRequest {
    bool delete_form = false;  // RFC 8078 §4: "0 3 0 AA==" and "0 0 0 00"
    std::vector<dns::Rr> cds;  // owner = the zone
    std::vector<dns::Rr> cdnskey;
};

struct Receipt {
    ReceiptState state = ReceiptState::in_progress;
    std::string registrar;  // configured name
    std::string zone;
    std::string reference;  // task / request id of the last submission, if any
    std::optional<std::int64_t> journal_id;
    std::string detail;                 // one line for status
    std::vector<Entry> held;            // what the registrar held at the last listing
    std::optional<Instant> poll_after;  // when polling again is useful
    std::string instructions;           // manual: exactly what to submit
    std::optional<CdsRequest> cds_request;
};

class Registrar {
  public:
    virtual ~Registrar() = default;
    [[nodiscard]] virtual const std::string& name() const = 0;
    [[nodiscard]] virtual Capabilities capabilities() const = 0;
    // What the registrar holds for zone; unsupported when it cannot tell (cds, manual, command).
    [[nodiscard]] virtual RResult<std::vector<Entry>> list(const dns::Name& zone) = 0;
    // One step toward desired; call again to poll.
    [[nodiscard]] virtual RResult<Receipt> apply(const DesiredSet& desired, Instant now) = 0;
};

}  // namespace zw::registrar
