#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Scores one line-model checkpoint the way the shipped line model was chosen (doc/training.md, "Choosing a
# checkpoint"), never on test:
#   1. its raw export at the detector's two passes (long side 512, then 672 split 32), score 0.5, NMS 0.1,
#      on val30, ICDAR2015 lines val100, train-fit 60 and synthetic val 150 (eval_line_candidates.sh);
#      the three-split mean is that of the first three;
#   2. its outlines' reading share after calibration (convert --score_at 0.5, default_input 512) on the
#      40 reading-validation scenes (tools/testdata/gen_arc_scenes.py --seed 3000 --scenes 40 --out $READVAL)
#      and, with PRODUCT=1, on the reading test's own scenes.
#   BUILD=build tools/eval/score_line_checkpoint.sh CKPT NAME     -> runs/scores/NAME/{*.csv,summary.txt}
# NICE=N runs it at that niceness (beside a training run). READVAL (default runs/data/readval40).
# FIRST_SIDE (default 512, the detector's): another first pass's long side, for the splits and the reading
# validation alike ($ADAPTIVETEXT_TEST_READING_SIDE).
# SMALL_SIDE / SMALL_SPLIT (default 672 / 32, the detector's): another second pass, for the splits and the
# reading validation alike (the reading test's $ADAPTIVETEXT_TEST_READING_SMALL).
# VERIFIER_PT (a verifier checkpoint, training/atrr/verifier.py) scores the line model with that verifier, as
# setVerifier would run it: exported for the calibrated model (fused threshold VERIFIER_T, default 0.5; fusion
# weight VERIFIER_W, default 0.5, the shipped one 0.75) to $OUT/verifier.onnx, the splits on cal.onnx at the
# detector's default score 0.7 (the verifier's output is in the calibrated score space) with the default candidate
# score, the reading test through $ADAPTIVETEXT_TEST_READING_VERIFIER.
set -eu
cd "$(dirname "$0")/../.."
[ $# -eq 2 ] || { sed -n 5,24p "$0"; exit 2; }
CKPT=$1 NAME=$2
BUILD=${BUILD:-build}
READVAL=${READVAL:-runs/data/readval40}
FIRST_SIDE=${FIRST_SIDE:-512}
SMALL_SIDE=${SMALL_SIDE:-672}
SMALL_SPLIT=${SMALL_SPLIT:-32}
OUT=runs/scores/$NAME
mkdir -p "$OUT"
run() { nice -n "${NICE:-0}" "$@"; }
run /usr/bin/python3 -m training.atrr.convert --checkpoint "$CKPT" --out "$OUT/cal.pt" --score_at 0.5 \
    --set 'default_input=[512,512]' > /dev/null
run /usr/bin/python3 -m training.atrr.export --checkpoint "$OUT/cal.pt" --out "$OUT/cal.onnx" > /dev/null
VERIFIER_ONNX=
if [ -n "${VERIFIER_PT:-}" ]; then
    VERIFIER_ONNX=$OUT/verifier.onnx
    run /usr/bin/python3 -m training.atrr.verifier export --verifier "$VERIFIER_PT" --line_checkpoint "$OUT/cal.pt" \
        --threshold "${VERIFIER_T:-0.5}" --weight "${VERIFIER_W:-0.5}" --out "$VERIFIER_ONNX" > /dev/null
    SPLIT_MODEL=$OUT/cal.onnx SPLIT_SCORE=0.7
else
    run /usr/bin/python3 -m training.atrr.export --checkpoint "$CKPT" --out "$OUT/raw.onnx" > /dev/null
    SPLIT_MODEL=$OUT/raw.onnx SPLIT_SCORE=0.5
fi
VERIFIER=$VERIFIER_ONNX CSV_DIR=$OUT BUILD=$BUILD LONG_SIDES=$FIRST_SIDE SMALL_SIDE=$SMALL_SIDE SMALL_SPLIT=$SMALL_SPLIT SCORES=$SPLIT_SCORE NMS=0.1 \
    run tools/eval/eval_line_candidates.sh "$SPLIT_MODEL" > "$OUT/splits.log"
f_of() { tail -n 1 "$OUT/$1.csv" | awk -F, '{ print $NF }'; }  # hmean, 4 decimals (one setting per run)
V=$(f_of td500val30) I=$(f_of ic15lines100) T=$(f_of trainfit60) S=$(f_of synthval150)
MEAN=$(awk -v a="$V" -v b="$I" -v c="$T" 'BEGIN { printf "%.4f", (a + b + c) / 3 }')
reading() {  # SCENES_FOLDER (empty: the test's own) -> share of the true outlines' accuracy, in %
    ADAPTIVETEXT_TEST_READING_MODEL=$OUT/cal.onnx ADAPTIVETEXT_TEST_READING_SCENES=$1 \
        ADAPTIVETEXT_TEST_READING_VERIFIER=$VERIFIER_ONNX \
        ADAPTIVETEXT_TEST_READING_SMALL="$SMALL_SIDE,$SMALL_SPLIT" ADAPTIVETEXT_TEST_READING_SIDE=$FIRST_SIDE \
        run "$BUILD/test/adaptivetext_tests" --run_test='*/shipped_outlines_read_like_the_true_ones' \
        --log_level=message 2>&1 | tee "$OUT/reading${1:+_val}.log" |
        awk '/legible curved lines/ { for (i = 1; i <= NF; ++i) if ($i == "accuracy") t = $(i + 1);
                                      d = $(NF - 4); printf "%.1f", 100 * d / t }'
}
R=$(reading "$READVAL")
P=-
[ "${PRODUCT:-0}" = 1 ] && P=$(reading "")
printf '%s first %s small %s/%s val30 %s ic15lines %s trainfit %s synth %s mean %s reading_val %s%% reading_product %s%%\n' \
    "$NAME" "$FIRST_SIDE" "$SMALL_SIDE" "$SMALL_SPLIT" "$V" "$I" "$T" "$S" "$MEAN" "$R" "$P" | tee "$OUT/summary.txt"
