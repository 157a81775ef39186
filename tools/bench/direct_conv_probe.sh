#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Builds and runs tools/bench/direct_conv_probe.cpp (the direct AVX-512 3x3 convolution of
# tools/bench/fast_conv_probe_layer.hpp against cv::dnn 4.6 on
# the line model's backbone stack). A benchmark: it prints times and how far the outputs differ; asserts nothing.
#   tools/bench/direct_conv_probe.sh [THREADS=2]        (PER_LAYER=1 also prints the fast Net's layer times)
set -eu
cd "$(dirname "$0")/../.."
grep -q avx512f /proc/cpuinfo || { echo "this CPU has no AVX-512F; the probe's kernel needs it" >&2; exit 2; }
BIN=${TMPDIR:-/tmp}/adaptivetext_direct_conv_probe
g++ -O3 -march=native -std=c++17 tools/bench/direct_conv_probe.cpp -o "$BIN" $(pkg-config --cflags --libs opencv4)
echo "$(nproc) CPUs, 1-min load $(cut -d' ' -f1 /proc/loadavg)"
"$BIN" "${1:-2}"
