#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# End-to-end scores (detect, then read; adaptive_text_eval --protocol=e2e) of the word model on ICDAR2015
# img_801..img_900, with the recogniser (--ocr, tools/install_recognizer.sh) and with Tesseract (--ocr=tesseract)
# in the same run, plus the detection-only scores and the reading time: each reader's run minus a run without
# reading, per frame and per detected word.
#   BUILD (default build): a standalone build; OUT (default /tmp/adaptivetext_e2e); IC15 (default
#   runs/data/ic15_val100, written by `python3 -m training.atrr.stages prepare`): a split with gt/ and images/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
B="${BUILD:-build}"
OUT="${OUT:-/tmp/adaptivetext_e2e}"
IC15="${IC15:-runs/data/ic15_val100}"
APP="$B/samples/adaptive_text_detection"
EVAL="$B/apps/adaptive_text_eval/adaptive_text_eval"
rm -rf "$OUT"; mkdir -p "$OUT"
n=$(ls "$IC15/images" | wc -l)
run() {  # name, app options...: prints the run's seconds
    local name=$1; shift
    local t0; t0=$(date +%s.%N)
    "$APP" --model=words --input="$IC15/images" --output="$OUT/$name" "$@" > "$OUT/$name.log"
    echo "$(date +%s.%N) - $t0" | bc
}
date -u
t_det=$(run detect)
echo "== detection only: ${t_det} s for $n frames"
"$EVAL" --gt="$IC15" --pred="$OUT/detect" --protocol=icdar15 | tail -n 1
words=$(cat "$OUT"/detect/*.txt | wc -l)
for reader in recognizer tesseract; do
    if [ "$reader" = recognizer ]; then opt=--ocr; else opt=--ocr=tesseract; fi
    t=$(run "$reader" "$opt")
    echo "== $reader ($opt): ${t} s for $n frames, $words detected words"
    echo "reading: $(echo "scale=1; 1000 * ($t - $t_det) / $n" | bc) ms per frame, $(echo "scale=1; 1000 * ($t - $t_det) / $words" | bc) ms per word"
    "$EVAL" --gt="$IC15" --pred="$OUT/$reader" --protocol=e2e | tail -n 1
done
date -u
