#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Builds and runs tools/bench/direct_conv_probe.cpp (the module's FastConv3x3Layer against cv::dnn 4.6's
# Convolution on the line model's backbone stack). A benchmark: it prints times and how far the outputs differ;
# asserts nothing.
#   tools/bench/direct_conv_probe.sh [THREADS=2]     BUILD (default build) holds the module; PER_LAYER=1 also
#                                                    prints the fast Net's layer times
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LIB=$BUILD/modules/adaptivetext
[ -e "$LIB/libopencv_adaptivetext.so" ] || { echo "build the module first (cmake -B $BUILD; cmake --build $BUILD)" >&2; exit 2; }
BIN=${TMPDIR:-/tmp}/adaptivetext_direct_conv_probe
g++ -O2 -std=c++17 tools/bench/direct_conv_probe.cpp -o "$BIN" -Imodules/adaptivetext/include \
    -L"$LIB" -lopencv_adaptivetext $(pkg-config --cflags --libs opencv4)
echo "$(nproc) CPUs, 1-min load $(cut -d' ' -f1 /proc/loadavg)"
LD_LIBRARY_PATH=$LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$BIN" "${1:-2}"
