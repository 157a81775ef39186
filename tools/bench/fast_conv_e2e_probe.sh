#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Builds and runs tools/bench/fast_conv_e2e_probe.cpp: the shipped line model's detect() with a direct AVX-512
# 3x3 convolution (tools/bench/fast_conv_probe_layer.hpp) in place of cv::dnn 4.6's, against the detector as
# shipped (a benchmark; asserts nothing).
#   tools/bench/fast_conv_e2e_probe.sh [IMAGE=data/samples/curved_text.jpg]     BUILD (default build) holds the module
set -eu
cd "$(dirname "$0")/../.."
grep -q avx512f /proc/cpuinfo || { echo "this CPU has no AVX-512F; the probe's kernel needs it" >&2; exit 2; }
BUILD=${BUILD:-build}
LIB=$BUILD/modules/adaptivetext
[ -e "$LIB/libopencv_adaptivetext.so" ] || { echo "build the module first (cmake -B $BUILD; cmake --build $BUILD)" >&2; exit 2; }
BIN=${TMPDIR:-/tmp}/adaptivetext_fast_conv_e2e_probe
g++ -O3 -march=native -std=c++17 tools/bench/fast_conv_e2e_probe.cpp -o "$BIN" -Imodules/adaptivetext/include \
    -L"$LIB" -lopencv_adaptivetext $(pkg-config --cflags --libs opencv4)
echo "$(nproc) CPUs, 1-min load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ)"
LD_LIBRARY_PATH=$LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$BIN" "${1:-data/samples/curved_text.jpg}"
