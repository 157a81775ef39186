#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# The README's main command: installs what the C++ build needs (Debian bookworm, as root or with sudo),
# builds the module and the samples app against Debian's OpenCV 4.6, and detects text in the shipped sample
# image with the shipped model. Writes OUT_DIR/curved_text.png (polygons drawn) and OUT_DIR/curved_text.txt.
#   tools/run_demo.sh [IMAGE_OR_DIR] [OUT_DIR]     (defaults: data/samples/curved_text.jpg, out/demo)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INPUT="${1:-$REPO/data/samples/curved_text.jpg}"
OUT="${2:-$REPO/out/demo}"
BUILD="${ADAPTIVETEXT_DEMO_BUILD_DIR:-$REPO/build-demo}"

PACKAGES=(build-essential cmake ninja-build pkg-config libopencv-dev libopencv-contrib-dev libboost-dev)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=(); [ "$(id -u)" -ne 0 ] && SUDO=(sudo)
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DADAPTIVETEXT_BUILD_TESTS=OFF >/dev/null
ninja -C "$BUILD" -j"${ADAPTIVETEXT_JOBS:-2}" adaptive_text_detection
mkdir -p "$OUT"
"$BUILD/samples/adaptive_text_detection" --input="$INPUT" --output="$OUT"
echo "result pictures and polygons in $OUT"
