#pragma once
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/store.h"

namespace zw::store::testing {

// A fresh directory per test, removed afterwards.
class TempDir {
  public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "zw-store-XXXXXX").string();
        path_ = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

template <typename T>
T must(Result<T> r) {
    if (!r) throw std::runtime_error(r.error().describe());
    return std::move(*r);
}
inline void must(Result<void> r) {
    if (!r) throw std::runtime_error(r.error().describe());
}

inline const Instant t0{Seconds{1'800'000'000}};

}  // namespace zw::store::testing
