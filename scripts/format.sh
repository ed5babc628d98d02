#!/usr/bin/env bash
# Formats every tracked C++ file as .clang-format says (what tests/format/check_format.sh,
# and so CI, checks).
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/.."
git ls-files -z -- '*.cc' '*.h' | xargs -0 clang-format -i
