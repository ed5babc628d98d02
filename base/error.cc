#include "base/error.h"

#include <fmt/format.h>

namespace zw {

std::string Error::describe() const {
    if (where && !where->file.empty()) {
        if (where->line > 0 && where->column > 0)
            return fmt::format("{}:{}:{}: {}", where->file, where->line, where->column, message);
        if (where->line > 0) return fmt::format("{}:{}: {}", where->file, where->line, message);
        return fmt::format("{}: {}", where->file, message);
    }
    return message;
}

int exit_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::bad_input:
        case ErrorKind::config:
            return 2;
        case ErrorKind::outside:
            return 3;
        case ErrorKind::internal:
            return 4;
    }
    return 4;
}

}  // namespace zw
