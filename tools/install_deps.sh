#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Installs every Debian bookworm package the project needs (build, tests, training, tools, fonts for the
# rendered samples). Does nothing when all are already installed; otherwise needs root (or sudo).
# Add a package here, one per line with the reason, when your part of the project needs it.
set -euo pipefail

PACKAGES=(
    build-essential cmake ninja-build pkg-config        # toolchain
    libopencv-dev libopencv-contrib-dev                 # the standalone build links Debian's OpenCV 4.6
    libboost-test-dev libboost-dev                      # Boost.Test; Boost.Geometry for polygon IoU
    python3-opencv python3-numpy python3-onnx           # reference-data generators, tools
    python3-torch python3-torchvision                   # training, PyTorch references
    libopenblas0-pthread                                # replaces the reference libblas.so.3 that Debian's
                                                        # torch calls for Linear/LSTM: 40x faster matmul
    python3-pytest python3-shapely python3-pil python3-matplotlib python3-tqdm
    python3-dev libprotobuf-dev protobuf-compiler dpkg-dev   # tools/build_with_opencv.sh (cv2 from source)
    fonts-noto-cjk fonts-dejavu-core fonts-liberation2  # synthetic text rendering
    fonts-bebas-neue fonts-league-spartan fonts-lobster fonts-comfortaa fonts-leckerli-one \
    fonts-roboto-slab fonts-cabin fonts-urw-base35      # display and bold faces of the curved-word synthesis
    tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim   # --ocr (cv::text::OCRTesseract), the Python
                                                        # sample's and tools/measure_recognition.py's reader
)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "[install_deps] all ${#PACKAGES[@]} packages are installed"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "[install_deps] need root to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
fi
echo "[install_deps] installing: ${missing[*]}"
"${SUDO[@]}" apt-get update
# Recommends are left out: they would pull in Java (libopencv-java) and libtorch-dev, which nothing here uses.
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}"
