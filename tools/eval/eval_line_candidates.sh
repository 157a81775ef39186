#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Scores line-model candidates (exported .onnx) on the splits that choose the line model, never on test:
#   td500val30   the 30 TD500 train images held out of every line run (runs/.../val_gt, 1024-px copies);
#   ic15lines100 ICDAR2015 img_801-900 with words merged into lines (held out of all training);
#   trainfit60   60 TD500 train images the models were trained on: how well a model fits, not a score;
#   synthval150  the 150 held-out synthetic images (seed 1000; straight, arc and wave lines): the only
#                curved text with ground truth here, the guard for what the detector is for.
#   LONG_SIDES=640,768 SCORES=0.6,0.7,0.8 NMS=0.1 BUILD=build tools/eval/eval_line_candidates.sh a.onnx b.onnx
# One pass unless SMALL_SIDE names the second pass's side (SMALL_SPLIT its split height; detector.hpp,
# setSmallTextPass), e.g. LONG_SIDES=480 SMALL_SIDE=704 SMALL_SPLIT=24 for the line model's two passes.
# VERIFIER (an exported verifier .onnx, or "off") and VERIFIER_SCORE: the app's --verifier and --verifier_score.
# The sets' folders are made as doc/training.md ("Validation splits") says; override with
# VAL30_GT, VAL30_IMAGES, IC15L_DIR, TRAINFIT_GT, TD500_TRAIN_IMAGES, SYNTH_VAL_DIR. CSV rows go to $CSV_DIR/<set>.csv.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LONG_SIDES=${LONG_SIDES:-640}
SCORES=${SCORES:-0.6,0.7,0.8}
NMS=${NMS:-0.1}
VAL30_GT=${VAL30_GT:-runs/campaign_lines_w0125_merged_cont/val_gt}
VAL30_IMAGES=${VAL30_IMAGES:-runs/data/td500_train_1024/images}
IC15L_DIR=${IC15L_DIR:-runs/data/lines_ic15_val100}
SYNTH_VAL_DIR=${SYNTH_VAL_DIR:-runs/data/synth_val_s1000_640}
TRAINFIT_GT=${TRAINFIT_GT:-runs/analysis/trainfit60_gt}
TD500_TRAIN_IMAGES=${TD500_TRAIN_IMAGES:-${ADAPTIVETEXT_SHARED:-../shared/datasets}/msra_td500/train/images}
CSV_DIR=${CSV_DIR:-runs/analysis}
mkdir -p "$CSV_DIR"
models=()
for m in "$@"; do models+=(--model "$m"); done
sweep() {  # SET GT IMAGES
    /usr/bin/python3 tools/eval/sweep_settings.py --build "$BUILD" --gt "$2" --images "$3" "${models[@]}" \
        --long_side "$LONG_SIDES" --score "$SCORES" --nms "$NMS" --small_side "${SMALL_SIDE:-0}" \
        --small_split "${SMALL_SPLIT:-0}" --verifier "${VERIFIER:-}" --verifier_score "${VERIFIER_SCORE:--1}" \
        --csv "$CSV_DIR/$1.csv" 2>&1 | grep "F [0-9]" | sed "s/^/$1 /"
}
sweep td500val30 "$VAL30_GT" "$VAL30_IMAGES"
sweep ic15lines100 "$IC15L_DIR/gt" "$IC15L_DIR/images"
if [ -d "$TRAINFIT_GT" ]; then
    sweep trainfit60 "$TRAINFIT_GT" "$TD500_TRAIN_IMAGES"
else
    echo "trainfit60: no $TRAINFIT_GT (doc/training.md, 'Validation splits', says how to pick it)"
fi
if [ -d "$SYNTH_VAL_DIR" ]; then
    sweep synthval150 "$SYNTH_VAL_DIR/gt" "$SYNTH_VAL_DIR/images"
else
    echo "synthval150: no $SYNTH_VAL_DIR (written by the synthetic configs' generate step, doc/training.md)"
fi
