#include "signer/self_check.h"

#include "dns/dnssec.h"

namespace zw::signer {

std::string_view self_check_name(SelfCheck mode) {
    switch (mode) {
        case SelfCheck::full:
            return "full";
        case SelfCheck::sampled:
            return "sampled";
    }
    return "unknown";
}

std::optional<SelfCheck> self_check_from_text(std::string_view text) {
    if (text == "full") return SelfCheck::full;
    if (text == "sampled") return SelfCheck::sampled;
    return std::nullopt;
}

std::uint64_t sample_one_in(std::uint8_t algorithm) {
    return algorithm == dns::alg::ecdsap384sha384 ? 64 : 16;
}

}  // namespace zw::signer
