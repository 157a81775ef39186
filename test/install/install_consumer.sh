#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# The install test (ctest entry install_consumer, test/CMakeLists.txt): installs the current build into a
# temporary prefix, moves the prefix (so that nothing can lean on the paths known at build time), builds
# test/install/consumer with find_package(adaptivetext) and CMAKE_PREFIX_PATH=<prefix> only, and runs it on the
# sample. It passes when the consumer finds text and the models it loaded are the prefix's; then it checks that
# ADAPTIVETEXT_MODEL_DIR overrides the folder. Nothing outside the temporary folder is written or removed.
#
#   install_consumer.sh BUILD_DIR IMAGE [CMAKE [GENERATOR [CXX_COMPILER]]]
# ADAPTIVETEXT_KEEP_INSTALL_TEST=1 keeps the temporary folder (its path is printed).
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_DIR IMAGE [CMAKE [GENERATOR [CXX_COMPILER]]]" >&2
    exit 2
fi
BUILD="$1"
IMAGE="$2"
CMAKE="${3:-cmake}"
GENERATOR="${4:-}"
CXX_COMPILER="${5:-}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Resolved, since the library reports its models' folder resolved (symbolic links followed).
TMP="$(cd "$(mktemp -d "${TMPDIR:-/tmp}/adaptivetext_install.XXXXXX")" && pwd -P)"
if [ "${ADAPTIVETEXT_KEEP_INSTALL_TEST:-0}" = 1 ]; then
    echo "keeping $TMP"
else
    trap 'rm -rf "$TMP"' EXIT
fi
fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "=== [install_consumer ${SECONDS}s] $*"; }
# The models must come from the prefix, not from a folder named by the caller's environment.
unset ADAPTIVETEXT_MODEL_DIR

step "cmake --install $BUILD --prefix $TMP/installed"
"$CMAKE" --install "$BUILD" --prefix "$TMP/installed" > "$TMP/install.log" || { cat "$TMP/install.log"; fail "cmake --install"; }
mv "$TMP/installed" "$TMP/prefix"
PREFIX="$TMP/prefix"
echo "installed, then moved to $PREFIX:"
(cd "$PREFIX" && find . -type f | sort | sed 's|^\./|  |')
for f in adaptivetext_default.onnx adaptivetext_words.onnx adaptivetext_verifier.onnx adaptivetextConfig.cmake \
         adaptivetextConfigVersion.cmake adaptivetextTargets.cmake adaptivetext.hpp; do
    [ -n "$(find "$PREFIX" -name "$f" -type f)" ] || fail "$f is not in the installed tree"
done

step "consumer: configure with find_package(adaptivetext), CMAKE_PREFIX_PATH=$PREFIX"
CONFIGURE=(-S "$HERE/consumer" -B "$TMP/consumer" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$PREFIX")
[ -n "$GENERATOR" ] && CONFIGURE+=(-G "$GENERATOR")
[ -n "$CXX_COMPILER" ] && CONFIGURE+=(-DCMAKE_CXX_COMPILER="$CXX_COMPILER")
"$CMAKE" "${CONFIGURE[@]}" > "$TMP/configure.log" 2>&1 || { cat "$TMP/configure.log"; fail "consumer configure"; }
grep -E 'adaptivetext_(DIR|MODEL_DIR)=' "$TMP/configure.log"
grep -q "adaptivetext_DIR=$PREFIX/" "$TMP/configure.log" || fail "find_package(adaptivetext) did not use the prefix"

step "consumer: build"
"$CMAKE" --build "$TMP/consumer" > "$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; fail "consumer build"; }
CONSUMER="$TMP/consumer/adaptivetext_consumer"
if command -v ldd > /dev/null; then
    LIB="$(ldd "$CONSUMER" | grep -o '[^ ]*libopencv_adaptivetext[^ ]*' | tail -n 1)"
    echo "the consumer loads $LIB"
    [[ "$LIB" == "$PREFIX/"* ]] || fail "the consumer does not load the installed library"
fi

step "consumer: create(\"\") and detect on $IMAGE"
# OpenCV writes INFO lines to stdout, warnings to stderr: stderr apart, so that the consumer's lines stay whole.
OPENCV_LOG_LEVEL=INFO "$CONSUMER" "$IMAGE" > "$TMP/run.log" 2> "$TMP/run.err" \
    || { cat "$TMP/run.log" "$TMP/run.err"; fail "consumer run"; }
cat "$TMP/run.err" "$TMP/run.log"
MODEL="$(sed -n 's/^model: //p' "$TMP/run.log")"
VERIFIER="$(sed -n 's/^verifier: //p' "$TMP/run.log")"
POLYGONS="$(sed -n 's/^polygons: //p' "$TMP/run.log")"
[[ "$MODEL" == "$PREFIX/"*/adaptivetext_default.onnx ]] || fail "the line model '$MODEL' is not the prefix's"
[[ "$VERIFIER" == "$PREFIX/"*/adaptivetext_verifier.onnx ]] || fail "the verifier '$VERIFIER' is not the prefix's"
grep -qF "shipped model adaptivetext_default.onnx: $MODEL" "$TMP/run.log" || fail "no log line names the model loaded"
[ "${POLYGONS:-0}" -ge 1 ] || fail "no text found in $IMAGE"

step "ADAPTIVETEXT_MODEL_DIR overrides the installed folder"
mkdir "$TMP/override"
cp "$MODEL" "$TMP/override/"
ADAPTIVETEXT_MODEL_DIR="$TMP/override" "$CONSUMER" "$IMAGE" > "$TMP/override.log" 2> "$TMP/override.err" \
    || { cat "$TMP/override.log" "$TMP/override.err"; fail "consumer run with ADAPTIVETEXT_MODEL_DIR"; }
cat "$TMP/override.log"
grep -qx "model: $TMP/override/adaptivetext_default.onnx" "$TMP/override.log" \
    || fail "ADAPTIVETEXT_MODEL_DIR did not override the installed folder"

APP="$PREFIX/bin/adaptive_text_detection"
if [ -x "$APP" ]; then
    step "the installed samples app finds the installed library and models"
    "$APP" -i "$IMAGE" -o "$TMP/app" > "$TMP/app.log" 2>&1 || { cat "$TMP/app.log"; fail "installed $APP"; }
    ls "$TMP/app"
fi
step "passed"
