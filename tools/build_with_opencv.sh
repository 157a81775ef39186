#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Builds a minimal OpenCV 4.6 (core, imgproc, imgcodecs, dnn, python3) from Debian's source package with
# modules/adaptivetext as an extra module, the way contrib users get a module into cv2.
#
#   tools/build_with_opencv.sh BUILD_DIR
#
# Leaves BUILD_DIR/lib/python3/cv2*.so; use it with PYTHONPATH=BUILD_DIR/lib/python3 /usr/bin/python3.
# Incremental: the source tree is cached (ADAPTIVETEXT_OPENCV_SRC_CACHE, default ~/.cache/adaptivetext) and
# CMake is re-run only when the module's file list or the options change; ninja rebuilds only what changed.
# Needs (Debian bookworm): dpkg-dev cmake ninja-build g++ libprotobuf-dev protobuf-compiler python3-dev
# python3-numpy; the first run adds a deb-src line (root or sudo) and downloads ~128 MB.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$1"
BUILD_DIR="$(cd "$1" && pwd)"
SRC_CACHE="${ADAPTIVETEXT_OPENCV_SRC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/adaptivetext/opencv-src}"
JOBS="${ADAPTIVETEXT_JOBS:-2}"
LOG="$BUILD_DIR/build_with_opencv.log"
START=$(date +%s)

step() { echo "[build_with_opencv $(( $(date +%s) - START ))s] $*" | tee -a "$LOG"; }
fail() {
    echo "[build_with_opencv] FAILED: $*; last lines of $LOG:" >&2
    tail -n 40 "$LOG" >&2
    exit 1
}
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else fail "'$*' needs root (no sudo found)"; fi
}

: > "$LOG"
step "repo $REPO, build dir $BUILD_DIR, source cache $SRC_CACHE, log $LOG"
for tool in cmake ninja dpkg-source protoc /usr/bin/python3; do
    command -v "$tool" >/dev/null || fail "'$tool' is missing: apt-get install -y cmake ninja-build dpkg-dev protobuf-compiler python3-dev"
done

# --- 1. Debian's OpenCV source package (the same version as the installed libopencv-dev when possible) ---
find_source() { find "$SRC_CACHE" -mindepth 2 -maxdepth 2 -name CMakeLists.txt -path '*/opencv-*' 2>/dev/null | head -n 1; }
if [ -z "$(find_source)" ]; then
    # apt-get source needs a deb-src entry; Debian images often have only "deb" (one-line or deb822 format).
    if ! grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        step "adding a deb-src entry for bookworm (/etc/apt/sources.list.d/adaptivetext-deb-src.sources)"
        as_root tee /etc/apt/sources.list.d/adaptivetext-deb-src.sources >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        as_root apt-get update >>"$LOG" 2>&1 || fail "apt-get update"
    fi
    mkdir -p "$SRC_CACHE"
    version="$(dpkg-query -W -f='${Version}' libopencv-dev 2>/dev/null || true)"
    step "apt-get source opencv${version:+=$version} (about 128 MB)"
    ( cd "$SRC_CACHE" &&
      { [ -n "$version" ] && apt-get source -q "opencv=$version" >>"$LOG" 2>&1 || apt-get source -q opencv >>"$LOG" 2>&1; } ) ||
        fail "apt-get source opencv (is there a deb-src line for bookworm and is dpkg-dev installed?)"
fi
OPENCV_SRC="$(dirname "$(find_source)")"
[ -d "$OPENCV_SRC" ] || fail "no OpenCV source tree under $SRC_CACHE"
step "OpenCV source: $OPENCV_SRC"

# --- 2. Configure (section 0 of the conventions notes: Debian strips the bundled 3rdparty code) ---
CMAKE_OPTIONS=(
    -G Ninja -DCMAKE_BUILD_TYPE=Release
    -DBUILD_LIST=core,imgproc,imgcodecs,dnn,python3,adaptivetext
    -DOPENCV_EXTRA_MODULES_PATH="$REPO/modules"
    -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_opencv_apps=OFF -DBUILD_DOCS=OFF
    -DBUILD_JAVA=OFF -DBUILD_opencv_python2=OFF -DPYTHON3_EXECUTABLE=/usr/bin/python3
    -DWITH_PROTOBUF=ON -DBUILD_PROTOBUF=OFF -DPROTOBUF_UPDATE_FILES=ON
    -DWITH_OPENCL=OFF -DWITH_IPP=OFF -DWITH_ADE=OFF -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF -DWITH_QUIRC=OFF
    -DWITH_ITT=OFF -DWITH_TIFF=OFF -DWITH_WEBP=OFF -DWITH_OPENEXR=OFF -DWITH_IMGCODEC_HDR=OFF
    -DBUILD_ZLIB=OFF -DBUILD_JPEG=OFF -DBUILD_PNG=OFF -DWITH_GTK=OFF -DWITH_FFMPEG=OFF -DWITH_GSTREAMER=OFF
    -DWITH_V4L=OFF -DWITH_1394=OFF -DWITH_LAPACK=OFF -DWITH_EIGEN=OFF -DWITH_TBB=OFF -DWITH_VA=OFF
    -DWITH_VA_INTEL=OFF -DWITH_CAROTENE=OFF -DWITH_FLATBUFFERS=OFF
)
# OpenCV globs module sources at configure time (no CONFIGURE_DEPENDS): re-configure when files come or go.
stamp="$( { printf '%s\n' "$OPENCV_SRC" "${CMAKE_OPTIONS[@]}"; (cd "$REPO/modules" && find . -type f | LC_ALL=C sort); } | sha256sum | cut -d' ' -f1)"
if [ -f "$BUILD_DIR/build.ninja" ] && [ "$(cat "$BUILD_DIR/.adaptivetext_configure_stamp" 2>/dev/null)" = "$stamp" ]; then
    step "configure is up to date"
else
    step "configuring (cmake)"
    rm -f "$BUILD_DIR/.adaptivetext_configure_stamp"
    cmake -S "$OPENCV_SRC" -B "$BUILD_DIR" "${CMAKE_OPTIONS[@]}" >>"$LOG" 2>&1 || fail "cmake configure"
    grep -qE 'To be built:.*adaptivetext' "$LOG" || fail "OpenCV did not pick up the adaptivetext module"
    echo "$stamp" > "$BUILD_DIR/.adaptivetext_configure_stamp"
fi

# --- 3. Build ---
step "building with ninja -j$JOBS (first build: about 12 min on 2 free cores)"
ninja -C "$BUILD_DIR" -j"$JOBS" >>"$LOG" 2>&1 || fail "ninja"

so="$(ls "$BUILD_DIR"/lib/python3/cv2*.so 2>/dev/null | head -n 1)"
[ -n "$so" ] || fail "no cv2*.so under $BUILD_DIR/lib/python3"
step "done: $so"
step "use: PYTHONPATH=$BUILD_DIR/lib/python3 /usr/bin/python3 -c 'import cv2; print(cv2.AdaptiveTextDetector)'"
