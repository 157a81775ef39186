#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# The reported test scores (doc/evaluation.md, doc/models.md), in one go: the line model on MSRA-TD500 test
# (detector defaults, and with its verifier off), the word model on ICDAR2015 img_801..img_900 (its defaults), the baseline (PaddleOCR
# PP-OCRv4 mobile detector on OpenCV DNN) on both, and the miss analysis.
# Run it once, after checkpoints and settings were chosen on the validation splits.
#   BUILD (default build): a standalone build; OUT (default /tmp/adaptivetext_scores); the baseline set up by
#   ../shared/baseline/setup.sh into BASELINE_DIR (default ~/.cache/adaptivetext-baseline);
#   runs/data/ic15_val100 written by `python3 -m training.atrr.stages prepare`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
B="${BUILD:-build}"
OUT="${OUT:-/tmp/adaptivetext_scores}"
TD500=../shared/datasets/msra_td500/test
IC15=runs/data/ic15_val100
BASELINE=(env BASELINE_DIR="${BASELINE_DIR:-$HOME/.cache/adaptivetext-baseline}" /usr/bin/python3
          ../shared/baseline/run_baseline.py)
score() { "$B/apps/adaptive_text_eval/adaptive_text_eval" --gt="$1" --pred="$2" --protocol=icdar15 | tail -n 1; }
rm -rf "$OUT"; mkdir -p "$OUT"
date -u
echo "== line model, MSRA-TD500 test, detector defaults"
"$B/samples/adaptive_text_detection" --input="$TD500/images" --output="$OUT/td500_ours" | tail -n 2
score "$TD500" "$OUT/td500_ours"
echo "== line model alone (--verifier=off), MSRA-TD500 test"
"$B/samples/adaptive_text_detection" --verifier=off --input="$TD500/images" --output="$OUT/td500_alone" | tail -n 2
score "$TD500" "$OUT/td500_alone"
echo "== baseline (PaddleOCR PP-OCRv4 mobile, OpenCV DNN), MSRA-TD500 test"
"${BASELINE[@]}" "$TD500/images" "$OUT/td500_baseline" --threads 2 | tail -n 1
score "$TD500" "$OUT/td500_baseline"
echo "== word model, ICDAR2015 img_801-900, its defaults"
"$B/samples/adaptive_text_detection" --model=words --input="$IC15/images" --output="$OUT/ic15_ours" | tail -n 2
score "$IC15" "$OUT/ic15_ours"
echo "== line model on the word split, one pass at long side 1280 (for scale)"
"$B/samples/adaptive_text_detection" --long_side=1280 --small_side=0 --input="$IC15/images" --output="$OUT/ic15_lines" | tail -n 1
score "$IC15" "$OUT/ic15_lines"
echo "== baseline (PaddleOCR PP-OCRv4 mobile, OpenCV DNN), ICDAR2015 img_801-900"
"${BASELINE[@]}" "$IC15/images" "$OUT/ic15_baseline" --threads 2 | tail -n 1
score "$IC15" "$OUT/ic15_baseline"
date -u
echo "== why lines are missed, MSRA-TD500 test"
/usr/bin/python3 tools/eval/miss_analysis.py --gt "$TD500" --pred "$OUT/td500_ours" --pred "$OUT/td500_baseline"
