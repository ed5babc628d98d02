#!/usr/bin/env bash
# Every C++ file of the source tree is formatted as .clang-format says: clang-format
# --dry-run --Werror over the tracked files (or, outside a git checkout, every .cc and .h
# outside build trees). Fix with: scripts/format.sh
set -euo pipefail
src=${1:?usage: check_format.sh SOURCE_DIR}
cd "$src"
command -v clang-format >/dev/null || { echo "clang-format is not installed (apt install clang-format)"; exit 77; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files -- '*.cc' '*.h')
else
    mapfile -t files < <(find . -path './build*' -prune -o \( -name '*.cc' -o -name '*.h' \) -print)
fi
((${#files[@]} > 0)) || { echo "no C++ file found under $src"; exit 1; }
out=$(mktemp)
if ! clang-format --dry-run --Werror "${files[@]}" 2>"$out"; then
    grep -m 20 'error:' "$out" || true
    echo "$(grep -c 'error:' "$out") places are not formatted as .clang-format says; run scripts/format.sh"
    rm -f "$out"
    exit 1
fi
rm -f "$out"
echo "${#files[@]} files formatted as .clang-format says"
