#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Runs, in one go on the same machine and images, the C++ benchmark (adaptive_text_benchmark), the same model
# in PyTorch eager (tools/bench/bench_pytorch.py) and the baseline (the PaddleOCR PP-OCRv4 mobile detector on
# OpenCV DNN, ../shared/baseline), then writes doc/benchmarks.md and doc/images/benchmarks.png
# (tools/bench/plot_benchmarks.py).
#   tools/bench/run_benchmarks.sh
# Settings (environment): RUNS (C++ and baseline timed runs, 20), PT_RUNS (PyTorch timed runs, 10), WARMUP (3),
# THREADS (1,2), SIZES (short736,1280x736,long640,default: the last is the detector as created),
# ADAPTIVETEXT_BENCH_BUILD_DIR (build-bench), ADAPTIVETEXT_BENCH_OUT (out/bench: raw results),
# ADAPTIVETEXT_BENCH_MODEL (data/models/adaptivetext_default.onnx), ADAPTIVETEXT_CHECKPOINT (the PyTorch
# checkpoint that ONNX was exported from: training/checkpoints/lines_v1.pt, the shipped line model's),
# BASELINE_DIR (~/.cache/adaptivetext-baseline, where ../shared/baseline/setup.sh installed the baseline).
# Images: data/samples/curved_text.jpg, plus the first MSRA-TD500 test image (by name) from
# ../shared/datasets/msra_td500/test/images when present.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${ADAPTIVETEXT_BENCH_BUILD_DIR:-$REPO/build-bench}"
OUT="${ADAPTIVETEXT_BENCH_OUT:-$REPO/out/bench}"
RUNS="${RUNS:-20}"
PT_RUNS="${PT_RUNS:-10}"
WARMUP="${WARMUP:-3}"
THREADS="${THREADS:-1,2}"
SIZES="${SIZES:-short736,1280x736,long640,default}"  # default: the detector as created (two passes)
MODEL="${ADAPTIVETEXT_BENCH_MODEL:-$REPO/data/models/adaptivetext_default.onnx}"
CHECKPOINT="${ADAPTIVETEXT_CHECKPOINT:-$REPO/training/checkpoints/lines_v1.pt}"
BASELINE_BENCH="$REPO/../shared/baseline/bench.py"
export BASELINE_DIR="${BASELINE_DIR:-$HOME/.cache/adaptivetext-baseline}"
PY=/usr/bin/python3  # Debian's: cv2, torch, matplotlib

cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DADAPTIVETEXT_BUILD_TESTS=OFF \
      -DADAPTIVETEXT_BUILD_SAMPLES=OFF >/dev/null
ninja -C "$BUILD" -j"${ADAPTIVETEXT_JOBS:-2}" adaptive_text_benchmark
BENCH="$BUILD/apps/adaptive_text_benchmark/adaptive_text_benchmark"

images=("$REPO/data/samples/curved_text.jpg")
td500_dir="$REPO/../shared/datasets/msra_td500/test/images"
if [ -d "$td500_dir" ]; then
    first="$(find "$td500_dir" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.png' \) | sort | head -n 1)"
    [ -n "$first" ] && images+=("$first")
fi

rm -rf "$OUT" && mkdir -p "$OUT"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# One line per tool run: which tool, on what, and the load average (1, 5, 15 min) before and after it.
log_load() { echo "$1 $2 $3 | $(loadavg)" >> "$OUT/load.txt"; }

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "model: ${MODEL#"$REPO/"} ($(stat -c %s "$MODEL") bytes)"
    echo "checkpoint: ${CHECKPOINT#"$REPO/"}"
    echo "threads: $THREADS"
    echo "sizes: $SIZES"
    echo "runs: $RUNS (C++ and baseline), $PT_RUNS (PyTorch), warm-up $WARMUP"
    echo "load_start: $(loadavg)"
} > "$OUT/machine.txt"

for i in "${!images[@]}"; do
    img="${images[$i]}"
    tag="img$i"
    echo "== $img"
    echo "$tag $img" >> "$OUT/images.txt"

    log_load cpp "$tag" start
    "$BENCH" --model="$MODEL" --image="$img" --sizes="$SIZES" --threads="$THREADS" --runs="$RUNS" \
             --warmup="$WARMUP" --json="$OUT/cpp_$tag.json" 2>/dev/null | grep -v '^{'
    log_load cpp "$tag" end

    # The first image also times the checkpoint as trained (BatchNorm not folded); both run every iteration.
    folded_only=(); [ "$i" -gt 0 ] && folded_only=(--folded-only)
    log_load pytorch "$tag" start
    "$PY" "$REPO/tools/bench/bench_pytorch.py" --checkpoint "$CHECKPOINT" --image "$img" --sizes "$SIZES" \
          --threads "$THREADS" --runs "$PT_RUNS" --warmup "$WARMUP" "${folded_only[@]}" \
          --json "$OUT/pytorch_$tag.json" | grep -v '^{'
    log_load pytorch "$tag" end

    if [ -f "$BASELINE_BENCH" ]; then
        # The baseline at the network sizes ours used on this image, rounded to its stride of 32 (baseline_size);
        # for two passes, at the larger one (baseline_input).
        baseline_sizes="$("$PY" -c 'import json, sys; sys.path.insert(0, sys.argv[1]); import plot_benchmarks as p
print(" ".join(sorted({"%dx%d" % p.baseline_input(r) for r in json.load(open(sys.argv[2]))["results"]})))' \
            "$REPO/tools/bench" "$OUT/cpp_$tag.json")"
        for t in ${THREADS//,/ }; do
            log_load baseline "$tag" "start_t$t"
            # shellcheck disable=SC2086
            "$PY" "$BASELINE_BENCH" "$img" $baseline_sizes --threads "$t" --runs "$RUNS" --warmup "$WARMUP" \
                > "$OUT/baseline_${tag}_t$t.txt" 2>&1 || echo "baseline failed (see $OUT/baseline_${tag}_t$t.txt)"
            grep -v ERROR "$OUT/baseline_${tag}_t$t.txt"
            log_load baseline "$tag" "end_t$t"
        done
    else
        echo "baseline not found at $BASELINE_BENCH: its columns stay empty"
    fi
done
echo "load_end: $(loadavg)" >> "$OUT/machine.txt"

"$PY" "$REPO/tools/bench/plot_benchmarks.py" --results "$OUT" --doc "$REPO/doc/benchmarks.md" \
      --plot "$REPO/doc/images/benchmarks.png"
