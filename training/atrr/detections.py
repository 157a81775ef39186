# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Detections as the C++ samples app and the evaluator write them, and the polygon arithmetic that the verifier's
training and the evaluation scripts under tools/ both redo on them in Python: one place, so that the two agree.

A detection file is NAME.txt with one polygon a line, `x1,y1,...,xn,yn,score`; a ground-truth file is the uniform
format (`x1,y1,...,xn,yn,transcription`, "###" for a don't-care region). The detector's two passes (doc/detector.md,
"Input size"): the frame at long side FIRST_SIDE, then SECOND_SIDE for polygons thinner than SPLIT_AT_512 pixels
at long side 512; two_pass and nms redo its merge and its polygon NMS, highest score first.
"""
import os

import cv2
import numpy as np
from shapely.geometry import Polygon

FIRST_SIDE = 512
SECOND_SIDE = 672
SPLIT_AT_512 = 32.0


def shape(pts):
    """A shapely polygon of the points, repaired (buffer(0)) where it crosses itself."""
    p = Polygon(pts)
    return p if p.is_valid else p.buffer(0)


def iou(a, b):
    """Intersection over union of two shapely polygons (0 for two empty ones)."""
    inter = a.intersection(b).area
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def thickness(pts):
    """The short side of the polygon's minimum-area rectangle: what the detector's two-pass split compares."""
    w, h = cv2.minAreaRect(pts)[1]
    return min(w, h)


def read_dets(path):
    """[(points N x 2 float32, score)] of one detection file; [] when there is none."""
    dets = []
    if os.path.exists(path):
        for line in open(path):
            if line.strip():
                v = [float(x) for x in line.split(",")]
                dets.append((np.array(v[:-1], np.float32).reshape(-1, 2), v[-1]))
    return dets


def write_dets(out_dir, name, dets):
    """out_dir/name.txt in the app's format (integer points, four-decimal score), readable by the evaluator."""
    with open(os.path.join(out_dir, name + ".txt"), "w") as f:
        for pts, s in dets:
            f.write(",".join("%d" % round(float(v)) for v in pts.reshape(-1)) + ",%.4f\n" % s)


def read_gt(path):
    """[(points N x 2 float32, care)] of one uniform-format ground-truth file; care is False for "###"."""
    lines = []
    for row in open(path):
        v = row.strip().split(",")
        if len(v) < 9:
            continue
        n = (len(v) - 1) // 2 * 2
        pts = np.array([float(x) for x in v[:n]], np.float32).reshape(-1, 2)
        lines.append((pts, v[-1] != "###"))
    return lines


def two_pass(first, second, split_frame):
    """The detector's merge before its NMS: thin polygons from the second pass, the others from the first."""
    return ([d for d in first if thickness(d[0]) >= split_frame] +
            [d for d in second if thickness(d[0]) < split_frame])


def nms(cands, score, thr):
    """The detector's polygon NMS: candidates scored >= score, highest first, each kept unless it overlaps a kept
    one at IoU > thr."""
    kept, shapes = [], []
    for pts, s in sorted((c for c in cands if c[1] >= score), key=lambda c: -c[1]):
        g = shape(pts)
        if all(iou(g, k) <= thr for k in shapes):
            kept.append((pts, s))
            shapes.append(g)
    return kept


def match_one_to_one(dets, gts, thr=0.5):
    """Greedy one-to-one matching, detections in descending score order, each to the unmatched care ground truth
    of highest polygon IoU above thr (the ctw1500 protocol's rule, doc/evaluation.md). dets: [(points, score)],
    gts: [(points, care)]. Returns [(det index, gt index)]."""
    gt_shapes = [shape(p) if care else None for p, care in gts]
    taken = set()
    pairs = []
    for d in sorted(range(len(dets)), key=lambda i: -dets[i][1]):
        ds = shape(dets[d][0])
        best, best_iou = -1, thr
        for g, gs in enumerate(gt_shapes):
            if gs is None or g in taken:
                continue
            v = iou(ds, gs)
            if v > best_iou:
                best, best_iou = g, v
        if best >= 0:
            taken.add(best)
            pairs.append((d, best))
    return pairs
