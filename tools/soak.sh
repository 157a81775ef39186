#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Soak and concurrency check (doc/reliability.md): builds apps/adaptive_text_soak and runs it on real frames
# with the shipped default model at its default size. Not a test: it takes minutes.
#   tools/soak.sh [--sanitize] [SOAK OPTIONS...]       e.g. tools/soak.sh --calls=2000 --threads=4
#     --sanitize   build it with ASan + UBSan in the build dir of tools/run_sanitizers.sh (only the soak app and
#                  the library are built there), run it with the same sanitizer options, fail on any report;
#                  the RSS limit is off there (ASan's quarantine holds freed memory) and the default is 60 calls
# Frames (--input): the ICDAR 2015 sample of ../shared/datasets when present (1280x720), and
# data/samples/curved_text.jpg (800x600), i.e. network inputs 640x368 and 640x480.
# Environment: ADAPTIVETEXT_BUILD_DIR (default <repo>/build), ADAPTIVETEXT_SANITIZE_BUILD_DIR (default
# /tmp/build_adaptivetext_sanitize), ADAPTIVETEXT_JOBS (default 2).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${ADAPTIVETEXT_JOBS:-2}"
SANITIZE=0
if [ "${1:-}" = "--sanitize" ]; then
    SANITIZE=1
    shift
fi

# The shipped model, by path: the library finds it by itself only where the build knows the source tree.
MODEL="$REPO/data/models/adaptivetext_default.onnx"
INPUT="$REPO/data/samples/curved_text.jpg"
ICDAR="$REPO/../shared/datasets/icdar2015_sample/train/images"
[ -d "$ICDAR" ] && INPUT="$ICDAR,$INPUT"

if [ $SANITIZE = 1 ]; then
    BUILD="${ADAPTIVETEXT_SANITIZE_BUILD_DIR:-/tmp/build_adaptivetext_sanitize}"
    # The configuration of tools/run_sanitizers.sh.
    cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADAPTIVETEXT_SANITIZE=ON \
          -DADAPTIVETEXT_BUILD_SAMPLES=ON >/dev/null
    ninja -C "$BUILD" -j"$JOBS" adaptive_text_soak
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=23}"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
    LOG="$BUILD/soak_sanitize.log"
    set +e
    "$BUILD/apps/adaptive_text_soak/adaptive_text_soak" --model="$MODEL" --input="$INPUT" --calls=60 --warmup=1 \
        --max_rss_growth=-1 "$@" >"$LOG" 2>&1
    rc=$?
    set -e
    cat "$LOG"
    if grep -E "ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer" "$LOG"; then
        echo "soak: sanitizer report in $LOG" >&2
        exit 1
    fi
    [ $rc -eq 0 ] || { echo "soak: exit code $rc (log $LOG)" >&2; exit 1; }
    echo "soak: no sanitizer report"
else
    BUILD="${ADAPTIVETEXT_BUILD_DIR:-$REPO/build}"
    [ -f "$BUILD/build.ninja" ] || cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    ninja -C "$BUILD" -j"$JOBS" adaptive_text_soak
    "$BUILD/apps/adaptive_text_soak/adaptive_text_soak" --model="$MODEL" --input="$INPUT" "$@"
fi
