#!/usr/bin/env bash
# bench/fuzz.sh [--minutes N] [--build DIR] [--jobs-dir DIR] [--no-build] [TARGET...]
#
# Builds the libFuzzer targets of fuzz/ (DIR, default build-fuzz: -DZW_FUZZ=ON
# -DZW_SANITIZE=ON, GCC with AddressSanitizer and UndefinedBehaviorSanitizer, see
# fuzz/README.md) and runs each TARGET (default: all) for N minutes (default 30), one
# after another under `nice -n 10`, starting from the kept corpus. New inputs go to a
# work corpus (--jobs-dir, default /tmp/zw-fuzz), never into the tree; a crash is left
# there as crash-* for review (a fix then keeps it in fuzz/regressions/TARGET/). Prints,
# per target, the last status line of libFuzzer: executions, coverage (cov: blocks
# reached, ft: features), corpus, exec/s, memory; the CPU time the run got (on a busy
# machine far less than its wall time); and the crashes found. --no-build runs what is
# built already.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=30 build=build-fuzz work=/tmp/zw-fuzz targets=() rebuild=1
while (($#)); do
    case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --jobs-dir) work=$2; shift 2 ;;
    --no-build) rebuild=0; shift ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
    esac
done
all=(zone_reader dns_message chain_validation signing_state registrar_answers config)
((${#targets[@]})) || targets=("${all[@]}")

if ((rebuild)); then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZW_FUZZ=ON -DZW_SANITIZE=ON -DZW_TESTS=OFF >/dev/null
    cmake --build "$build" -j2 --target "${targets[@]/#/zw_fuzz_}"
fi

mkdir -p "$work"
summary=()
for t in "${targets[@]}"; do
    mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
    log=$work/$t/fuzz.log
    echo "== $t: $minutes min, log $log" >&2
    # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: a leak or a bomb.
    /usr/bin/time -f '%e %U %S' -o "$work/$t/time" \
        nice -n 10 "$build/fuzz/zw_fuzz_$t" -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" \
        "$work/$t/corpus" "fuzz/corpus/$t" >"$log" 2>&1 || true
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    # GNU time puts "Command exited with non-zero status N" first when the run stopped on a
    # finding; the times are the last line.
    read -r wall user sys < <(tail -n 1 "$work/$t/time") || true
    crashes=$(find "$work/$t/artifacts" -type f | wc -l)
    summary+=("$t: $last; wall ${wall:-?} s, CPU $(echo "${user:-0} + ${sys:-0}" | bc) s; artifacts: $crashes")
done
printf '%s\n' "${summary[@]}"
