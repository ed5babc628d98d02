#include <fmt/format.h>

#include "rollover/engine.h"
#include "rollover/types.h"

namespace zw::rollover {

std::string_view name(Role r) {
    switch (r) {
        case Role::ksk:
            return "ksk";
        case Role::zsk:
            return "zsk";
        case Role::csk:
            return "csk";
    }
    return "?";
}

std::string_view name(Record r) {
    switch (r) {
        case Record::dnskey:
            return "dnskey";
        case Record::krrsig:
            return "krrsig";
        case Record::zrrsig:
            return "zrrsig";
        case Record::ds:
            return "ds";
    }
    return "?";
}

std::string_view name(RecordState s) {
    switch (s) {
        case RecordState::hidden:
            return "hidden";
        case RecordState::rumoured:
            return "rumoured";
        case RecordState::omnipresent:
            return "omnipresent";
        case RecordState::unretentive:
            return "unretentive";
    }
    return "?";
}

std::string_view name(Goal g) {
    switch (g) {
        case Goal::omnipresent:
            return "omnipresent";
        case Goal::hidden:
            return "hidden";
    }
    return "?";
}

std::string_view name(RolloverRequest r) {
    switch (r) {
        case RolloverRequest::none:
            return "none";
        case RolloverRequest::scheduled:
            return "scheduled";
        case RolloverRequest::emergency:
            return "emergency";
    }
    return "?";
}

namespace {
template <typename E, std::size_t N>
std::optional<E> parse_one(std::string_view s, const std::array<E, N>& all) {
    for (E e : all)
        if (name(e) == s) return e;
    return std::nullopt;
}
}  // namespace

std::optional<Role> parse_role(std::string_view s) {
    return parse_one(s, std::array{Role::ksk, Role::zsk, Role::csk});
}
std::optional<Record> parse_record(std::string_view s) { return parse_one(s, all_records); }
std::optional<RecordState> parse_record_state(std::string_view s) {
    return parse_one(s, std::array{RecordState::hidden, RecordState::rumoured,
                                   RecordState::omnipresent, RecordState::unretentive});
}
std::optional<Goal> parse_goal(std::string_view s) {
    return parse_one(s, std::array{Goal::omnipresent, Goal::hidden});
}
std::optional<RolloverRequest> parse_rollover_request(std::string_view s) {
    return parse_one(s, std::array{RolloverRequest::none, RolloverRequest::scheduled,
                                   RolloverRequest::emergency});
}

// Engine vocabulary: gates, causes and actions as status and the audit log print them.

std::string_view name(Gate g) {
    switch (g) {
        case Gate::policy:
            return "policy";
        case Gate::safety:
            return "safety";
        case Gate::observation:
            return "observation";
        case Gate::time:
            return "time";
    }
    return "?";
}

std::string_view name(Cause c) {
    switch (c) {
        case Cause::decided:
            return "decided";
        case Cause::confirmed:
            return "confirmed";
        case Cause::waited:
            return "waited";
    }
    return "?";
}

std::string describe(const Action& a) {
    struct V {
        static std::string keys(const std::vector<KeyRef>& ks) {
            std::string s;
            for (const auto& k : ks) s += (s.empty() ? "" : ",") + fmt::format("{}", k.id);
            return "{" + s + "}";
        }
        std::string operator()(const GenerateKey& g) const {
            return fmt::format("generate-key id={} role={} alg={}", g.key.id, name(g.key.role),
                               g.key.algorithm);
        }
        std::string operator()(const SubmitDsSet& s) const { return "submit-ds " + keys(s.keys); }
        std::string operator()(const Probe& p) const {
            return fmt::format("probe key={} {} {}", p.key.id, name(p.record),
                               p.expect == Expect::present ? "present" : "absent");
        }
        std::string operator()(const PurgeKey& p) const {
            return fmt::format("purge-key id={}", p.key.id);
        }
    };
    return std::visit(V{}, a);
}

}  // namespace zw::rollover
