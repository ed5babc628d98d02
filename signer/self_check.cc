#include "signer/self_check.h"

namespace zw::signer {

std::string_view self_check_name(SelfCheck mode) {
    switch (mode) {
        case SelfCheck::full: return "full";
        case SelfCheck::sampled: return "sampled";
    }
    return "unknown";
}

std::optional<SelfCheck> self_check_from_text(std::string_view text) {
    if (text == "full") return SelfCheck::full;
    if (text == "sampled") return SelfCheck::sampled;
    return std::nullopt;
}

}  // namespace zw::signer
