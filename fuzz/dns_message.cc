// The DNS message decoder (live/message.cc) on what any server, or anyone who can reach the
// client's port, may send: a decode either fails or gives a message whose records can be
// grouped, matched against a question and printed, with no crash or sanitizer report.

#include <string>

#include "dns/presentation.h"
#include "dns/rdata.h"
#include "fuzz/target.h"
#include "live/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zw;
    const std::span<const std::uint8_t> wire(data, size);
    auto message = live::parse_message(wire);
    if (!message) return 0;
    std::string text;
    for (const auto* section : {&message->answer, &message->authority, &message->additional}) {
        for (const auto& set : live::group_rrsets(*section)) {
            for (const auto& rdata : set.rdatas) {
                text.clear();
                dns::append_rr_text(text, set.owner, set.ttl, set.type, rdata);
                (void)dns::rdata_target_name(set.type, rdata);
            }
        }
    }
    // The client's acceptance test, with the message's own question and ID when it has one.
    if (!message->questions.empty()) {
        live::Message out;
        (void)live::match_response(wire, "127.0.0.1", 53, "127.0.0.1", 53, message->id,
                                   message->questions.front(), out);
        (void)live::find_rrset(message->answer, message->questions.front().name,
                               message->questions.front().type);
    }
    return 0;
}
