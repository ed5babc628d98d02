#pragma once
// A fresh directory for one test, removed with everything in it afterwards.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace zw::testutil {

class TempDir {
  public:
    TempDir() {
        std::string templ = (std::filesystem::temp_directory_path() / "zwtest-XXXXXX").string();
        if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
        path_ = templ;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] std::string path() const { return path_.string(); }
    [[nodiscard]] std::string file(const std::string& name) const {
        return (path_ / name).string();
    }
    std::string write(const std::string& name, const std::string& content) const {
        std::ofstream(file(name)) << content;
        return file(name);
    }
    // A private key file: mode 0600, as key generators write it (zonewarden refuses one
    // that others can read).
    std::string write_private(const std::string& name, const std::string& content) const {
        write(name, content);
        std::filesystem::permissions(
            file(name), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        return file(name);
    }

  private:
    std::filesystem::path path_;
};

}  // namespace zw::testutil
