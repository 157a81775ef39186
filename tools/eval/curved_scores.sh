#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Scores a model on the fixed curved-word validation set (doc/data.md §8): the curved words and the large-text
# slice, polygon IoU > 0.5 one to one (ctw1500 protocol), plus the vertex counts of the matched detections
# (tools/eval/vertex_counts.py). Never a test set.
#   tools/eval/curved_scores.sh MODEL [APP OPTIONS...]     MODEL: "words", "lines" or a .onnx path
# VAL (default runs/data/curved_val, made by `python3 -m training.atrr.data.curved_words validation --out VAL`),
# BUILD (default build), OUT (default /tmp/adaptivetext_curved/<model tag>). The word model is scored against
# word polygons (VAL/large/gt), the line model ("lines", or GRANULARITY=lines for a path) against line polygons
# (VAL/large/gt_lines).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
[ $# -ge 1 ] || { sed -n 5,12p "$0"; exit 2; }
MODEL=$1; shift
B="${BUILD:-build}"
VAL="${VAL:-runs/data/curved_val}"
OUT="${OUT:-/tmp/adaptivetext_curved/$(basename "$MODEL" .onnx)}"
APP="$B/samples/adaptive_text_detection"
EVAL="$B/apps/adaptive_text_eval/adaptive_text_eval"
rm -rf "$OUT"; mkdir -p "$OUT"
LARGE_GT="$VAL/large"
if [ "${GRANULARITY:-}" = lines ] || [ "$MODEL" = lines ]; then LARGE_GT="$VAL/large/gt_lines"; fi
for part in curved large; do
    gt="$VAL/$part"; [ "$part" = large ] && gt="$LARGE_GT"
    echo "== $MODEL $* on $VAL/$part"
    "$APP" --model="$MODEL" "$@" --input="$VAL/$part/images" --output="$OUT/$part" | tail -n 1
    "$EVAL" --gt="$gt" --pred="$OUT/$part" --protocol=ctw1500 | tail -n 1
    /usr/bin/python3 tools/eval/vertex_counts.py --gt "$gt" --pred "$OUT/$part" --min_gt_vertices 5
done
