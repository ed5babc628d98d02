// zw_registrar_driver: the registrar library as the executor will use it, for the
// integration tests. One process = one executor pass (or a bounded polling loop), so a test
// can kill it between "sent" and "answered" and start another.
//
//   zw_registrar_driver --name N --set type=gandi --set url=... [--set k=v ...]
//       --journal DB --zone Z (--keys FILE ... | --go-insecure) [--digest-types 2,4]
//       [--action apply|list] [--polls N --interval-ms MS]
//
// Prints `state=<receipt state>` or `error=<kind> <message>` and every held entry; exits
//   0 done, 10 in_progress, 11 needs_operator, 12 publish_cds,
//   20 transient, 21 in_progress (error), 22 invalid, 23 authentication, 24 not_found,
//   25 unsupported, 26 bad_answer, 2 usage or configuration.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "base/clock.h"
#include "dns/dnssec.h"
#include "registrar/factory.h"

using namespace zw;
using namespace zw::registrar;

namespace {

class StderrLog final : public LogSink {
  public:
    void event(LogLevel, std::string_view name, std::vector<LogField> fields) override {
        std::string line(name);
        for (const auto& f : fields) line += fmt::format(" {}={}", f.key, f.value);
        std::cerr << line << '\n';
    }
};

int usage(const std::string& msg) {
    std::cerr << "zw_registrar_driver: " << msg << '\n';
    return 2;
}

int exit_for(registrar::ErrorKind k) {
    switch (k) {
        case registrar::ErrorKind::transient:
            return 20;
        case registrar::ErrorKind::in_progress:
            return 21;
        case registrar::ErrorKind::invalid:
            return 22;
        case registrar::ErrorKind::authentication:
            return 23;
        case registrar::ErrorKind::not_found:
            return 24;
        case registrar::ErrorKind::unsupported:
            return 25;
        case registrar::ErrorKind::bad_answer:
            return 26;
    }
    return 2;
}

int exit_for(ReceiptState s) {
    switch (s) {
        case ReceiptState::done:
            return 0;
        case ReceiptState::in_progress:
            return 10;
        case ReceiptState::needs_operator:
            return 11;
        case ReceiptState::publish_cds:
            return 12;
    }
    return 2;
}

Result<std::vector<dns::Dnskey>> read_keys(const std::string& path) {
    std::ifstream in(path);
    if (!in) return fail(bad_input("cannot open " + path));
    std::vector<dns::Dnskey> keys;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == ';') continue;
        auto rr = dns::rr_from_text(line);
        if (!rr) return fail(rr.error());
        if (rr->type != dns::rrtype::DNSKEY) continue;
        auto k = dns::Dnskey::from_rdata(rr->rdata);
        if (!k) return fail(k.error());
        keys.push_back(*k);
    }
    return keys;
}

void print_entries(const std::vector<Entry>& held) {
    for (const auto& e : held) std::cout << "held " << e.describe() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
    std::string name = "test", journal_path, zone_text, action = "apply";
    Settings settings;
    std::vector<std::string> key_files;
    std::vector<std::uint8_t> digest_types{dns::digest::sha256};
    bool insecure = false;
    std::string between, between_input;
    int polls = 1, interval_ms = 200;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--name")
            name = next();
        else if (a == "--set") {
            auto kv = next();
            auto eq = kv.find('=');
            if (eq == std::string::npos) return usage("--set wants key=value");
            settings.set(kv.substr(0, eq), kv.substr(eq + 1));
        } else if (a == "--journal")
            journal_path = next();
        else if (a == "--zone")
            zone_text = next();
        else if (a == "--keys")
            key_files.push_back(next());
        else if (a == "--go-insecure")
            insecure = true;
        else if (a == "--action")
            action = next();
        else if (a == "--between")
            between = next();
        else if (a == "--between-input")
            between_input = next();
        else if (a == "--polls")
            polls = std::stoi(next());
        else if (a == "--interval-ms")
            interval_ms = std::stoi(next());
        else if (a == "--digest-types") {
            digest_types.clear();
            std::stringstream s(next());
            std::string t;
            while (std::getline(s, t, ','))
                digest_types.push_back(static_cast<std::uint8_t>(std::stoi(t)));
        } else
            return usage("unknown argument " + a);
    }
    if (journal_path.empty() || zone_text.empty())
        return usage("--journal and --zone are required");
    polls = std::clamp(polls, 1, 600);
    auto zone = dns::Name::from_text(zone_text);
    if (!zone) return usage(zone.error().describe());
    auto journal = Journal::open(journal_path);
    if (!journal) return usage(journal.error().describe());
    StderrLog log;
    auto reg = make_registrar(name, settings, *journal, log);
    if (!reg) return usage(reg.error().describe());

    if (action == "list") {
        auto held = (*reg)->list(*zone);
        if (!held) {
            std::cout << "error=" << to_text(held.error().kind) << ' ' << held.error().describe()
                      << '\n';
            return exit_for(held.error().kind);
        }
        print_entries(*held);
        return 0;
    }
    if (action != "apply" && action != "stale-apply")
        return usage("--action apply|list|stale-apply");

    DesiredSet desired;
    desired.zone = *zone;
    desired.go_insecure = insecure;
    desired.digest_types = digest_types;
    for (const auto& f : key_files) {
        auto keys = read_keys(f);
        if (!keys) return usage(keys.error().describe());
        desired.keys.insert(desired.keys.end(), keys->begin(), keys->end());
    }
    if (action == "stale-apply") {
        // One protocol step with a listing made stale on purpose: list, let --between change
        // the parent behind our back, then send the change computed from the old listing.
        auto api = make_api(name, settings, log);
        if (!api) return usage(api.error().describe());
        auto held = (*api)->list(*zone);
        if (!held) return usage(held.error().describe());
        if (FILE* p = ::popen(between.c_str(), "w")) {
            std::fputs(between_input.c_str(), p);
            if (::pclose(p) != 0) return usage("--between command failed");
        } else {
            return usage("cannot run --between");
        }
        auto want = desired_entries(desired, (*api)->capabilities());
        if (!want) return usage(want.error().describe());
        auto r = (*api)->replace(*zone, *want, *held);
        if (!r) {
            std::cout << "error=" << to_text(r.error().kind) << ' ' << r.error().describe() << '\n';
            return exit_for(r.error().kind);
        }
        std::cout << "state=sent\n";
        return 0;
    }
    SystemClock clock;
    for (int p = 0;; ++p) {
        auto r = (*reg)->apply(desired, clock.now());
        if (!r) {
            std::cout << "error=" << to_text(r.error().kind) << ' ' << r.error().describe() << '\n';
            return exit_for(r.error().kind);
        }
        if (r->state != ReceiptState::in_progress || p + 1 >= polls) {
            std::cout << "state=" << to_text(r->state) << '\n';
            if (!r->detail.empty()) std::cout << "detail " << r->detail << '\n';
            if (!r->instructions.empty()) std::cout << r->instructions << '\n';
            if (r->cds_request) {
                for (const auto& rr : r->cds_request->cds)
                    std::cout << "publish " << *dns::rr_to_text(rr) << '\n';
                for (const auto& rr : r->cds_request->cdnskey)
                    std::cout << "publish " << *dns::rr_to_text(rr) << '\n';
            }
            print_entries(r->held);
            return exit_for(r->state);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
    }
}
