#pragma once
// What every fuzz target defines: libFuzzer's entry points. The same source builds a
// libFuzzer binary (ZW_FUZZ=ON, fuzz/README.md) and a replay binary that the test suite
// runs over the kept corpus and every regression input (replay_main.cc).

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional one-time setup; a target that needs none does not define it.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
