#pragma once
// The low-level operations of a registrar that can list what it holds (RFC 2136, Gandi,
// OVH). ApiRegistrar (reconcile.h) turns them into the declarative interface with the
// journal; an Api only speaks its protocol and maps its errors.

#include <string>
#include <vector>

#include "registrar/entry.h"
#include "registrar/error.h"
#include "registrar/plan.h"

namespace zw::registrar {

struct Submitted {
    std::string reference;  // the registrar's task id, empty when it gives none
    bool async = false;     // accepted for later (202, a task); false: done when it answered
};

// pending: the registrar says the task is on its way. unknown: a status the adapter cannot
// place (not in the published definition, or one that waits on the registrar's staff); it is
// waited for only within the settle window, then reported as an invalid error.
enum class TaskState { pending, done, failed, unknown };

struct TaskStatus {
    TaskState state = TaskState::pending;
    std::string detail;
};

class Api {
  public:
    virtual ~Api() = default;
    [[nodiscard]] virtual Capabilities capabilities() const = 0;
    [[nodiscard]] virtual RResult<std::vector<Entry>> list(const dns::Name& zone) = 0;
    // per_record registrars:
    [[nodiscard]] virtual RResult<Submitted> add(const dns::Name& zone, const Entry& e);
    [[nodiscard]] virtual RResult<Submitted> remove(const dns::Name& zone, const Entry& held);
    // whole_set registrars; `held` is what the last listing showed (for prerequisites).
    [[nodiscard]] virtual RResult<Submitted> replace(const dns::Name& zone,
                                                     const std::vector<Entry>& desired,
                                                     const std::vector<Entry>& held);
    // Registrars that answer with tasks:
    [[nodiscard]] virtual RResult<TaskStatus> task(const dns::Name& zone, const std::string& ref);
    // An unfinished task for the zone, to adopt when our request's answer was lost.
    [[nodiscard]] virtual RResult<std::optional<std::string>> open_task(const dns::Name& zone);
};

}  // namespace zw::registrar
