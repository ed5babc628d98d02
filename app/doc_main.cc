// zonewarden-doc: writes zonewarden(8) or the bash completion from the command-line
// definition (a build step; not installed).
//   zonewarden-doc man|bash-completion OUT

#include <fmt/format.h>

#include <fstream>
#include <string_view>

#include "app/cli.h"
#include "app/cli_doc.h"

int main(int argc, char** argv) {
    if (argc != 3) {
        fmt::print(stderr, "usage: zonewarden-doc man|bash-completion OUT\n");
        return 2;
    }
    zw::app::CliState state;
    auto app = zw::app::make_cli(state);
    std::string_view what = argv[1];
    std::string text;
    if (what == "man")
        text = zw::app::man_page(*app);
    else if (what == "bash-completion")
        text = zw::app::bash_completion(*app);
    else {
        fmt::print(stderr, "zonewarden-doc: unknown document '{}'\n", what);
        return 2;
    }
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        fmt::print(stderr, "zonewarden-doc: cannot write {}\n", argv[2]);
        return 3;
    }
    return 0;
}
