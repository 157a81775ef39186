#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Builds the libFuzzer harnesses of fuzz/ with clang (ASan + UBSan) and runs each one for a fixed time.
# Fails when a fuzzer reports anything (crash, sanitizer report, leak, out-of-memory, broken promise); the
# input is then under BUILD/artifacts/ (copy a reproducer to fuzz/crashes/ and see doc/fuzzing.md).
#   tools/run_fuzz.sh [fuzzer ...]          default: fuzz_model_bytes fuzz_frame, and fuzz_strip where the recogniser is installed
# Environment:
#   ADAPTIVETEXT_FUZZ_BUILD_DIR   build dir (default /tmp/build_adaptivetext_fuzz)
#   ADAPTIVETEXT_FUZZ_SECONDS     time per fuzzer (default 60)
#   ADAPTIVETEXT_JOBS             build jobs (default 2)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${ADAPTIVETEXT_FUZZ_BUILD_DIR:-/tmp/build_adaptivetext_fuzz}"
SECONDS_EACH="${ADAPTIVETEXT_FUZZ_SECONDS:-60}"
JOBS="${ADAPTIVETEXT_JOBS:-2}"
FUZZERS=("$@")
if [ ${#FUZZERS[@]} -eq 0 ]; then
    FUZZERS=(fuzz_model_bytes fuzz_frame)
    # fuzz_strip reads with the installed recogniser (tools/install_recognizer.sh): only where it is installed
    if [ -f "${ADAPTIVETEXT_RECOGNIZER_DIR:-$HOME/.cache/adaptivetext-recognizer}/ppocrv4_rec_w320.onnx" ]; then
        FUZZERS+=(fuzz_strip)
    else
        echo "run_fuzz: no recogniser installed (tools/install_recognizer.sh): fuzz_strip skipped"
    fi
fi

command -v clang++ >/dev/null || { echo "run_fuzz: clang++ not found (apt-get install clang)" >&2; exit 2; }

echo "=== build -> $BUILD"
cmake -S "$REPO/fuzz" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
ninja -C "$BUILD" -j"$JOBS" "${FUZZERS[@]}"

# Leaks are findings; UBSan reports abort (the harness is compiled with -fno-sanitize-recover).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
for fuzzer in "${FUZZERS[@]}"; do
    name="${fuzzer#fuzz_}"
    work="$BUILD/corpus/$name"        # grows during the run; the committed seeds stay untouched
    artifacts="$BUILD/artifacts/$name"
    mkdir -p "$work" "$artifacts"
    seeds=("$REPO/fuzz/corpus/$name")
    [ "$name" = model_bytes ] && seeds+=("$REPO/test/data")  # every real model, as generated for the tests
    log="$BUILD/$fuzzer.log"
    # The reproducers of the fixed findings (fuzz/crashes/<name>-*) first: each must now run clean.
    shopt -s nullglob
    repros=("$REPO/fuzz/crashes/$name-"*)
    shopt -u nullglob
    if [ ${#repros[@]} -gt 0 ]; then
        if "$BUILD/$fuzzer" -rss_limit_mb=2048 "${repros[@]}" >"$BUILD/$fuzzer.repro.log" 2>&1; then
            echo "    ${#repros[@]} reproducer(s) of fuzz/crashes: clean"
        else
            echo "    reproducers of fuzz/crashes: FAILED (see $BUILD/$fuzzer.repro.log)"
            status=1
        fi
    fi
    echo "=== $fuzzer for ${SECONDS_EACH}s, log $log"
    # -timeout: one input may take 25 s before it counts as a hang (the machine is shared and slow).
    if "$BUILD/$fuzzer" -max_total_time="$SECONDS_EACH" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$artifacts/" "$work" "${seeds[@]}" >"$log" 2>&1; then
        result="clean"
    else
        result="FAILED (see $log and $artifacts)"
        status=1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "    $result: ${runs:-?} executions, ${rate:-?} exec/s, ${cov:-cov: ?}"
    grep -m1 -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|adaptivetext fuzz" "$log" || true
done
exit $status
