#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""How much of a model's missed recall post-processing could still win, on a split that is not test.

    /usr/bin/python3 tools/analysis/postprocess_headroom.py --checkpoint C.pt --gt runs/x/val_gt \\
        --images ../shared/datasets/msra_td500/train/images [--long_side 640] [--score 0.5]

Every proposal is decoded (whatever its text score). For each care instance that the detector's output
(score >= --score, polygon NMS) misses at IoU > 0.5, it says where the best decoded polygon is:
  suppressed by NMS   a polygon at IoU > 0.5 scored >= --score, but a higher-scored overlapping one was kept;
  score in [0.3, s)   the best matching polygon's score lies below the threshold, above 0.3;
  score < 0.3         ... below 0.3 (the text score says "not this line");
  no polygon          no decoded polygon reaches IoU 0.5.
and how many misses two or more kept detections lying inside the instance would match if joined into their
minimum-area rectangle (a long line cut into pieces). Last, how well the text score and the Text-RPN score
each rank decoded polygons as matches (IoU > 0.5 with some care instance): the area under the ROC curve.
A rescoring or a smarter NMS can only win what the first two rows and the fragments count.
"""
import argparse
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import recall_stages as rs  # noqa: E402
from training.atrr.export import load_checkpoint  # noqa: E402
from training.atrr.model import polygon_nms, roi_polygon  # noqa: E402

MISS_KINDS = ("suppressed by NMS", "score in [0.3, s)", "score < 0.3", "no polygon")


def decode_all(model, image, long_side):
    """[(polygon in frame pixels (n, 2), text score, rpn score)] of every proposal with >= 2 point pairs."""
    out, scale, frame_wh = rs.forward(model, image, long_side)
    found = []
    for k in range(len(out["rois"])):
        if out["rois"][k, 0] < 0 or out["num_pairs"][k, 0] < 2:
            continue
        found.append((roi_polygon(out, k, scale, frame_wh).astype(np.float64), float(out["text_scores"][k, 0]),
                      float(np.asarray(out["rpn_scores"][k]).reshape(-1)[0])))
    return found


def miss_kind(gt, decoded, score):
    """Which of MISS_KINDS a missed instance falls in, from the best-scored decoded polygon matching it."""
    scores = [s for poly, s, _ in decoded if rs.poly_iou(gt, poly) > 0.5]
    if not scores:
        return MISS_KINDS[3]
    best = max(scores)
    return MISS_KINDS[0] if best >= score else MISS_KINDS[1] if best >= 0.3 else MISS_KINDS[2]


def joinable(gt, kept, inside=0.5):
    """True when >= 2 kept polygons each lie mostly (> `inside` of their area) in gt and the minimum-area
    rectangle around them all matches gt at IoU > 0.5."""
    from shapely.geometry import Polygon
    g = Polygon(gt)
    g = g if g.is_valid else g.buffer(0)
    parts = []
    for poly in kept:
        p = Polygon(poly)
        p = p if p.is_valid else p.buffer(0)
        if p.area > 0 and p.intersection(g).area > inside * p.area:
            parts.append(poly)
    if len(parts) < 2:
        return False
    box = cv2.boxPoints(cv2.minAreaRect(np.concatenate(parts).astype(np.float32)))
    return rs.poly_iou(gt, box) > 0.5


def roc_auc(scores, labels):
    """Probability that a random positive outranks a random negative (ties count half); nan without both."""
    scores, labels = np.asarray(scores, np.float64), np.asarray(labels, bool)
    pos, neg = scores[labels], scores[~labels]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater) / (len(pos) * len(neg))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    rs.add_split_arguments(ap, 0.5)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    model = load_checkpoint(args.checkpoint).eval()
    model.cfg.decoder_score_threshold = 0.0  # decode every proposal
    counts = dict.fromkeys(("care", "found", "joinable") + MISS_KINDS, 0)
    text, rpn, match = [], [], []
    for name in sorted(f[:-4] for f in os.listdir(args.gt) if f.endswith(".txt")):
        path, gts = rs.care_instances(args.gt, args.images, name)
        decoded = decode_all(model, cv2.imread(path, cv2.IMREAD_COLOR), args.long_side)
        scored = [d for d in decoded if d[1] >= args.score]
        kept = [scored[i][0] for i in polygon_nms([d[0] for d in scored], [d[1] for d in scored],
                                                   model.cfg.polygon_nms_threshold)]
        for g in gts:
            counts["care"] += 1
            if any(rs.poly_iou(g, p) > 0.5 for p in kept):
                counts["found"] += 1
                continue
            counts[miss_kind(g, decoded, args.score)] += 1
            counts["joinable"] += int(joinable(g, kept))
        for poly, t, r in decoded:
            text.append(t)
            rpn.append(r)
            match.append(any(rs.poly_iou(g, poly) > 0.5 for g in gts))
    missed = counts["care"] - counts["found"]
    print("%d care instances, %d found, %d missed (long side %d, score %g)"
          % (counts["care"], counts["found"], missed, args.long_side, args.score))
    for kind in MISS_KINDS:
        print("  missed, %-20s %4d" % (kind, counts[kind]))
    print("  missed, fragments that join   %4d (kept pieces inside the line, joined into one rectangle)"
          % counts["joinable"])
    print("decoded polygons: %d, %d match an instance; ROC AUC of the text score %.3f, of the RPN score %.3f, "
          "of their product %.3f" % (len(match), sum(match), roc_auc(text, match), roc_auc(rpn, match),
                                      roc_auc(np.multiply(text, rpn), match)))


if __name__ == "__main__":
    main()
