#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Writes runs/gpu_pack: the line mix of campaign/lines_w0125_merged.json shrunk to about 32 MB, so that it can
# travel to a lent GPU machine with the working tree (64 MiB in all, 27 MB of it tracked files). The 30 TD500
# validation images are left out, so nothing there can train on them. Needs the campaign's folders under
# runs/data and the validation split's ground truth (doc/training.md, "Campaign" and "Training on a lent GPU").
#   bash tools/gpu/pack_line_data.sh [VAL_GT]
set -eu
cd "$(dirname "$0")/../.."
VAL_GT=${1:-runs/campaign_lines_w0125_merged_cont/val_gt}
PACK=${PACK:-runs/gpu_pack}
[ -d "$VAL_GT" ] || { echo "no validation ground truth at $VAL_GT" >&2; exit 1; }
rm -rf "$PACK"
/usr/bin/python3 -m training.atrr.resize_dataset --src runs/data/td500_train_1024 --dst "$PACK/td500_train270" \
    --long_side 768 --quality 80 --exclude_gt "$VAL_GT"
# LIMITS: how many images of each other source (session 6: 32 MB in all; session 15: 400/250/400/400, 44 MB)
LIMITS=${LIMITS:-"lines_mlt:130 lines_ic15_train800:100 realbg_lines_s1:130 synth_train_s1_640:100"}
for d in $LIMITS; do
    /usr/bin/python3 -m training.atrr.resize_dataset --src "runs/data/${d%:*}" --dst "$PACK/${d%:*}" \
        --long_side "${OTHER_SIDE:-704}" --quality 75 --limit "${d#*:}"
done
du -sh "$PACK"
