#include "app/pass_guard.h"

#include <fmt/format.h>

#include <cstdio>
#include <exception>

namespace zw::app {

namespace {

PassResult failed_pass(std::string_view zone, LogSink& log, std::string_view what) {
    PassResult r;
    r.zone = std::string(zone);
    r.exit_code = exit_code_for(ErrorKind::internal);
    r.lines.push_back(fmt::format(
        "error: internal error: the pass stopped on an exception ({}); the other zones go "
        "on, and the next pass starts afresh from the state database",
        what));
    log.event(LogLevel::error, "zone-pass.exception",
              {{"zone", std::string(zone)}, {"what", std::string(what)}});
    return r;
}

}  // namespace

PassResult guard_pass(std::string_view zone, LogSink& log,
                      const std::function<PassResult()>& pass) {
    try {
        return pass();
    } catch (const std::exception& e) {
        return failed_pass(zone, log, e.what());
    } catch (...) {
        return failed_pass(zone, log, "not a std::exception");
    }
}

// The delay is returned from each branch, never kept in a local across the try: GCC 12 at
// -O2 dropped the initial value of such a local, which only the handler read, and the
// daemon retried at once, in a tight loop.
Seconds guard_wake(const std::function<Seconds()>& wake, Seconds retry) {
    auto failed = [retry](std::string_view what) {
        fmt::print(stderr, "zonewarden: error: internal error in a pass: {}; retrying in {}s\n",
                   what, retry.count());
        return retry;
    };
    try {
        return wake();
    } catch (const std::exception& e) {
        return failed(e.what());
    } catch (...) {
        return failed("not a std::exception");
    }
}

PassResult guarded_zone_pass(PassEnv& env, const store::ZoneInfo& zone) {
    return guard_pass(zone.name, env.log, [&] { return run_zone_pass(env, zone); });
}

}  // namespace zw::app
