// Feeds every file of the directories on the command line to the target, in name order, as
// libFuzzer would replay a corpus: the test suite's way of running the kept corpus and the
// regression inputs under whatever sanitizers the build has (GCC's ASan+UBSan included),
// without libFuzzer. A crash, a sanitizer report or an uncaught exception fails the run.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/target.h"

extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: {} DIR...  (every file of each directory is one input)\n",
                   argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    std::size_t inputs = 0;
    for (int i = 1; i < argc; ++i) {
        std::error_code ec;
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(argv[i], ec))
            if (entry.is_regular_file()) files.push_back(entry.path());
        if (ec) {
            fmt::print(stderr, "cannot read {}: {}\n", argv[i], ec.message());
            return 2;
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            std::ifstream in(file, std::ios::binary);
            std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
                                           std::istreambuf_iterator<char>());
            LLVMFuzzerTestOneInput(data.data(), data.size());
            ++inputs;
        }
        fmt::print("{}: {} inputs\n", argv[i], files.size());
    }
    // An empty corpus would make this test pass without testing anything.
    if (inputs == 0) {
        fmt::print(stderr, "no inputs found\n");
        return 1;
    }
    return 0;
}
