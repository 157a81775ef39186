#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Fine-tunes the line model from a checkpoint, in the recipe (MIX td5) of the last fine-tune averaged into the
# shipped line model (doc/models.md, doc/training.md): stride 8, polygon-IoU score target, stage-4 skip,
# long-axis quads and zoom-out, BatchNorm statistics frozen (batch 4 is too small to re-estimate them), AdamW at
# LR with a cosine that follows the time budget, so the run ends its schedule when its minutes end.
#
#   tools/finetune_lines.sh NAME INIT_CHECKPOINT SEED MIX BUDGET_MIN [--set KEY=VALUE ...]
#     e.g. tools/finetune_lines.sh my_lines training/checkpoints/lines_v1_uncalibrated.pt 1 hs2 60
#     MIX: td5  TD500 0.5, synthetic 0.2, real-background lines 0.15, MLT-like lines 0.1, ICDAR2015 lines 0.05
#          hs2  TD500 0.35, synthetic 0.35, real-background lines 0.15, MLT-like lines 0.1, ICDAR2015 lines 0.05
#   THREADS (default 1: on a small CPU two runs side by side give more images/s in all than one on two threads),
#   LR (default 1e-4), DEVICE (auto, cpu or cuda; default auto).
# Output: runs/NAME (checkpoints, metrics.csv, val_gt), log runs/NAME.log. The data folders under runs/data are
# made as doc/training.md says; TD500 and the synthetic lines are made on first use. Score the result on the
# validation splits with tools/eval/score_line_checkpoint.sh, calibrate and export it as doc/training.md says.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 5 ] || { sed -n 5,19p "$0"; exit 2; }
NAME=$1 INIT=$2 SEED=$3 MIX=$4 BUDGET=$5
shift 5
THREADS=${THREADS:-1}
LR=${LR:-0.0001}
case "$MIX" in
    td5) W=(0.5 0.2 0.15 0.1 0.05) ;;
    hs2) W=(0.35 0.35 0.15 0.1 0.05) ;;
    *) echo "unknown MIX '$MIX' (td5 or hs2)" >&2; exit 2 ;;
esac
SOURCES='[{"path":"runs/data/td500_train_1024","weight":'${W[0]}',
  "resize_from":{"src":"${ADAPTIVETEXT_SHARED}/msra_td500/train","long_side":1024}},
 {"path":"runs/data/synth_train_s1_640","weight":'${W[1]}',"val_fraction":0.0,
  "generate":{"count":1000,"seed":1,"size":640,"workers":2}},
 {"path":"runs/data/realbg_lines_s1","weight":'${W[2]}',"val_fraction":0.0},
 {"path":"runs/data/lines_mlt","weight":'${W[3]}',"val_fraction":0.0},
 {"path":"runs/data/lines_ic15_train800","weight":'${W[4]}',"val_fraction":0.0}]'
AUG='{"long_axis_quads":true,"long_axis_min_aspect":2.0,"zoom_out_prob":0.3,"zoom_out_max":2.0}'
export PYTHONUNBUFFERED=1
mkdir -p runs
exec /usr/bin/python3 -m training.atrr.train --config training/configs/campaign/lines_w0125_merged.json \
    --out "runs/$NAME" --device "${DEVICE:-auto}" --set "init_checkpoint=$INIT" --set seed="$SEED" \
    --set "data.sources=$SOURCES" \
    --set model.feature_stride=8 --set model.score_target=polygon_iou --set model.stage4_skip=true \
    --set "data.augment=$AUG" --set train.freeze_bn_stats=true --set optim.lr="$LR" \
    --set schedule.warmup_steps=20 --set train.steps=1000000 --set train.time_budget_minutes="$BUDGET" \
    --set schedule.follow_time_budget=true --set train.val_every=400 --set train.ckpt_every=100 \
    --set train.torch_threads="$THREADS" "$@" > "runs/$NAME.log" 2>&1
