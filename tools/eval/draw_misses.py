# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""A picture of what a model misses: ground-truth lines coloured by whether the detector returns them
(IoU > 0.5) and, if not, by the group that training/atrr/recall_stages.py counts them in; detections drawn thin.

    /usr/bin/python3 tools/eval/draw_misses.py --checkpoint C.pt --gt runs/analysis/trainfit60_gt \\
        --images ../shared/datasets/msra_td500/train/images --out doc/images/misses.jpg [--count 3]

Without --names it picks the --count images with the most missed lines (so it shows the kind of failure, not a
typical image; say so in a caption). Colours (BGR): found green, missed small (< 12 px) red, missed vertical
magenta, missed other orange; detections blue.
"""
import argparse
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from training.atrr import recall_stages as rs  # noqa: E402
from training.atrr.export import load_checkpoint  # noqa: E402
from training.atrr.model import network_input_size  # noqa: E402

COLOURS = {"found": (0, 200, 0), "small": (0, 0, 255), "vertical": (255, 0, 255), "other": (0, 140, 255)}


def analyse(model, gt_dir, images, name, long_side, score):
    path, gts = rs.care_instances(gt_dir, images, name)
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if not gts:
        return image, [], [], 0
    hits = rs.stage_hits(model, image, gts, long_side, score)
    net_scale = network_input_size(image.shape[1], image.shape[0], long_side)[0] / image.shape[1]
    kinds = []
    for g, found in zip(gts, hits["final"]):
        groups = rs.instance_groups(g, net_scale, 6.0)
        kinds.append("found" if found else "small" if "height < 12 px" in groups else
                     "vertical" if "vertical (box w/h < 0.8)" in groups else "other")
    return image, gts, kinds, sum(k != "found" for k in kinds)


def draw(image, gts, kinds, detections, height):
    s = height / image.shape[0]
    out = cv2.resize(image, (int(round(image.shape[1] * s)), height), interpolation=cv2.INTER_AREA)
    for p in detections:
        cv2.polylines(out, [np.round(p * s).astype(np.int32)], True, (255, 120, 0), 1, cv2.LINE_AA)
    for g, k in zip(gts, kinds):
        cv2.polylines(out, [np.round(g * s).astype(np.int32)], True, COLOURS[k], 2, cv2.LINE_AA)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--gt", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--names", help="comma list of image names (default: the --count with the most misses)")
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--long_side", type=int, default=640)
    ap.add_argument("--score", type=float, default=0.7)
    ap.add_argument("--nms", type=float, default=0.1, help="the detector's polygon NMS (its default 0.1)")
    ap.add_argument("--height", type=int, default=420, help="height of each panel")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    model = load_checkpoint(args.checkpoint).eval()
    model.cfg.decoder_score_threshold = 0.0
    model.cfg.polygon_nms_threshold = args.nms
    names = args.names.split(",") if args.names else sorted(f[:-4] for f in os.listdir(args.gt) if f.endswith(".txt"))
    results = [(n,) + analyse(model, args.gt, args.images, n, args.long_side, args.score) for n in names]
    if not args.names:
        results = sorted(results, key=lambda r: -r[4])[:args.count]
    panels = []
    for name, image, gts, kinds, misses in results:
        dets, _ = model.predict(image, args.long_side, args.score, args.nms)
        panels.append(draw(image, gts, kinds, dets, args.height))
        print("%s: %d care lines, %d missed (%s)" % (name, len(gts), misses,
              ", ".join("%s %d" % (k, kinds.count(k)) for k in ("small", "vertical", "other") if k in kinds)))
    gap = np.full((args.height, 8, 3), 255, np.uint8)
    sheet = panels[0]
    for p in panels[1:]:
        sheet = np.concatenate([sheet, gap, p], axis=1)
    cv2.imwrite(args.out, sheet, [cv2.IMWRITE_JPEG_QUALITY, 85])
    print("wrote", args.out)


if __name__ == "__main__":
    main()
