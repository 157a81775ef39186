#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# The project's one test command (README, .ci/run): installs the Debian packages, builds OpenCV 4.6 from
# source with our module (cv2 for the binding tests), builds the standalone project against Debian's
# OpenCV, and runs every test (Boost.Test suites and pytest entries) with ctest. Extra arguments go to
# ctest, e.g. `tools/run_tests.sh -R model_loading`.
#   ADAPTIVETEXT_BUILD_DIR         standalone build (default <repo>/build)
#   ADAPTIVETEXT_OPENCV_BUILD_DIR  OpenCV-with-module build (default <repo>/build-opencv)
#   ADAPTIVETEXT_JOBS              parallel jobs (default 2)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${ADAPTIVETEXT_BUILD_DIR:-$REPO/build}"
OPENCV_BUILD="${ADAPTIVETEXT_OPENCV_BUILD_DIR:-$REPO/build-opencv}"
JOBS="${ADAPTIVETEXT_JOBS:-2}"
export ADAPTIVETEXT_JOBS="$JOBS"

step() { echo "=== [run_tests $SECONDS s] $*"; }

step "dependencies"
"$REPO/tools/install_deps.sh"

step "recogniser (tools/install_recognizer.sh; without npm or network its tests are skipped, with the reason)"
if command -v npm >/dev/null; then
    timeout 600 "$REPO/tools/install_recognizer.sh" || echo "[run_tests] recogniser not installed: its tests are skipped"
else
    echo "[run_tests] npm not found: the recogniser's tests are skipped"
fi

step "OpenCV 4.6 from source with modules/adaptivetext -> $OPENCV_BUILD"
"$REPO/tools/build_with_opencv.sh" "$OPENCV_BUILD"

step "standalone build -> $BUILD"
cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DADAPTIVETEXT_OPENCV_BUILD_DIR="$OPENCV_BUILD"
ninja -C "$BUILD" -j"$JOBS"

step "ctest"
cd "$BUILD"
ctest --output-on-failure "$@"
step "done"
