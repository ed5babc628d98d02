#include "app/pass_guard.h"

#include <fmt/format.h>

#include <exception>

namespace zw::app {

namespace {

PassResult failed_pass(std::string_view zone, LogSink& log, std::string_view what) {
    PassResult r;
    r.zone = std::string(zone);
    r.exit_code = exit_code_for(ErrorKind::internal);
    r.lines.push_back(fmt::format("error: internal error: the pass stopped on an exception ({}); the other zones go "
                                  "on, and the next pass starts afresh from the state database",
                                  what));
    log.event(LogLevel::error, "zone-pass.exception", {{"zone", std::string(zone)}, {"what", std::string(what)}});
    return r;
}

}  // namespace

PassResult guard_pass(std::string_view zone, LogSink& log, const std::function<PassResult()>& pass) {
    try {
        return pass();
    } catch (const std::exception& e) {
        return failed_pass(zone, log, e.what());
    } catch (...) {
        return failed_pass(zone, log, "not a std::exception");
    }
}

PassResult guarded_zone_pass(PassEnv& env, const store::ZoneInfo& zone) {
    return guard_pass(zone.name, env.log, [&] { return run_zone_pass(env, zone); });
}

}  // namespace zw::app
