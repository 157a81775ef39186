#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Builds the standalone project with AddressSanitizer + UBSan (option ADAPTIVETEXT_SANITIZE, gcc by
# default) into its own build dir and runs the samples app once on a test image with the tiny detector
# model of test/data. Fails on any sanitizer report (memory error, leak, undefined behaviour) or when the
# app fails. See doc/fuzzing.md for durations.
#   tools/run_sanitizers.sh [--tests [BOOST_FILTER]]
#     --tests          also run the Boost suites under the sanitizers (all, or --run_test=BOOST_FILTER)
# Environment:
#   ADAPTIVETEXT_SANITIZE_BUILD_DIR   build dir (default /tmp/build_adaptivetext_sanitize)
#   ADAPTIVETEXT_SANITIZE_SKIP_BUILD  1: use the build dir as it is (a ctest entry of a sanitizer build)
#   ADAPTIVETEXT_JOBS                 build jobs (default 2)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${ADAPTIVETEXT_SANITIZE_BUILD_DIR:-/tmp/build_adaptivetext_sanitize}"
JOBS="${ADAPTIVETEXT_JOBS:-2}"
RUN_TESTS=0
TEST_FILTER=""
if [ "${1:-}" = "--tests" ]; then
    RUN_TESTS=1
    TEST_FILTER="${2:-}"
fi

step() { echo "=== [run_sanitizers $SECONDS s] $*"; }

if [ "${ADAPTIVETEXT_SANITIZE_SKIP_BUILD:-0}" != 1 ]; then
    step "build with ASan + UBSan -> $BUILD"
    # RelWithDebInfo: reports name source lines. The Python and cv2 entries are not needed here.
    cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADAPTIVETEXT_SANITIZE=ON \
          -DADAPTIVETEXT_BUILD_SAMPLES=ON >/dev/null
    ninja -C "$BUILD" -j"$JOBS"
fi
APP="$BUILD/samples/adaptive_text_detection"
[ -x "$APP" ] || { echo "run_sanitizers: $APP was not built" >&2; exit 2; }

# Every report is fatal: UBSan would otherwise print and go on; LeakSanitizer runs at exit (ASan's default).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=23}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

OUT="$BUILD/sanitizer_run"
rm -rf "$OUT" && mkdir -p "$OUT/pred"
# The test image of the tiny detector (tools/testdata/gen_tiny_detector.py), as the PNG the app reads, and
# the number of detections the generator's NumPy/PyTorch reference expects at score 0.5 and NMS 0.3 (the
# thresholds it was made at; the app's default score, 0.7, is the shipped model's and is passed explicitly).
EXPECTED=$(/usr/bin/python3 - "$REPO/test/data" "$OUT/tiny_detector.png" <<'EOF'
import os
import sys
import cv2
import numpy as np
img = np.load(os.path.join(sys.argv[1], "tiny_detector.image.npy")).astype(np.uint8)
assert img.ndim == 3 and img.shape[2] == 3, img.shape
assert cv2.imwrite(sys.argv[2], img)
print(len(np.load(os.path.join(sys.argv[1], "tiny_detector.scores.npy"))))
EOF
)

# Reports go to the log, which is checked too (belt and braces: a report must not pass with exit code 0).
check_log() {
    if grep -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer" "$1"; then
        echo "run_sanitizers: sanitizer report in $1" >&2
        return 1
    fi
}

step "samples app on tiny_detector.png with the tiny model"
LOG="$OUT/app.log"
set +e
"$APP" --input="$OUT/tiny_detector.png" --model="$REPO/test/data/tiny_detector.onnx" --width=64 --height=48 --score=0.5 \
       --output="$OUT/pred" >"$LOG" 2>&1
rc=$?
set -e
cat "$LOG"
[ $rc -eq 0 ] || { echo "run_sanitizers: the app exited with $rc" >&2; exit 1; }
check_log "$LOG"
FOUND=$(wc -l <"$OUT/pred/tiny_detector.txt" 2>/dev/null || echo none)
echo "detections: $FOUND polygons in $OUT/pred/tiny_detector.txt (reference: $EXPECTED)"
[ "$FOUND" = "$EXPECTED" ] || { echo "run_sanitizers: expected $EXPECTED detections" >&2; exit 1; }

if [ $RUN_TESTS = 1 ]; then
    step "Boost suites${TEST_FILTER:+ ($TEST_FILTER)} under the sanitizers"
    LOG="$OUT/tests.log"
    set +e
    (cd "$BUILD" && ./test/adaptivetext_tests ${TEST_FILTER:+--run_test=$TEST_FILTER} --log_level=test_suite) \
        >"$LOG" 2>&1
    rc=$?
    set -e
    tail -5 "$LOG"
    [ $rc -eq 0 ] || { echo "run_sanitizers: the tests exited with $rc (log $LOG)" >&2; exit 1; }
    check_log "$LOG"
fi
step "clean"
