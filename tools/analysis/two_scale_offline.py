#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Compares ways of merging the line model's two passes without rebuilding the detector: each pass runs once
in the C++ samples app (one pass, no NMS), and the merge, the polygon NMS and the scoring are redone here for
every (second side, split, merge rule). Validation splits only, never test.

    /usr/bin/python3 tools/analysis/two_scale_offline.py --model raw.onnx --sides 672,800 --splits 16,24,32 \\
        --rules score,first --set td500val30=GT_DIR:IMAGES_DIR --set ic15lines100=... [--cache DIR] [--csv F]

Merge rules (the detector's own is "score"):
  score   thin polygons (minimum-area rectangle thinner than the split, in first-pass input pixels) from the
          second pass, the others from the first; one NMS over both, highest score first;
  first   the same polygons, but the NMS keeps every first-pass polygon before any second-pass one (a
          second-pass polygon never suppresses a first-pass one);
  inside  "score", after dropping each second-pass polygon that lies mostly (> 0.5 of its area) inside a
          first-pass polygon.
The first pass reads the frame resized straight to long side 512, where the detector reads it from the second
pass's copy, so "score" at 672 / 32 lands within a few thousandths of the detector, not on it.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np
from shapely.geometry import Polygon

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tools.analysis.sweep_settings import evaluate, link_images, write_csv  # noqa: E402
from training.atrr.data.readers import find_image  # noqa: E402

FIRST_SIDE = 512


def run_pass(build, model, images, side, out_dir, score):
    if os.path.isdir(out_dir) and os.listdir(out_dir):
        return
    app = os.path.join(build, "samples", "adaptive_text_detection")
    subprocess.run([app, "--model=" + model, "--input=" + images, "--output=" + out_dir, "--long_side=%d" % side,
                    "--small_side=0", "--score=%g" % score, "--nms=1"], check=True, capture_output=True)


def read_dets(path):
    dets = []
    if os.path.exists(path):
        for line in open(path):
            if line.strip():
                v = [float(x) for x in line.split(",")]
                dets.append((np.array(v[:-1], np.float32).reshape(-1, 2), v[-1]))
    return dets


def thickness(pts):
    w, h = cv2.minAreaRect(pts)[1]
    return min(w, h)


def shape(pts):
    p = Polygon(pts)
    return p if p.is_valid else p.buffer(0)


def iou(a, b):
    inter = a.intersection(b).area
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def merge(first, second, split_frame, rule, nms, second_score=0.0):
    """first/second: [(pts, score)]; split_frame: the split in frame pixels; second_score: the second pass's
    own score threshold -> [(pts, score)] kept."""
    cands = [(pts, s, 0) for pts, s in first if thickness(pts) >= split_frame]
    small = [(pts, s, 1) for pts, s in second if thickness(pts) < split_frame and s >= second_score]
    if rule == "inside":
        big = [shape(p) for p, _, _ in cands]
        kept_small = []
        for pts, s, k in small:
            g = shape(pts)
            if g.area <= 0 or not any(g.intersection(b).area > 0.5 * g.area for b in big):
                kept_small.append((pts, s, k))
        small = kept_small
    cands += small
    if rule == "first":
        order = sorted(range(len(cands)), key=lambda i: (cands[i][2], -cands[i][1]))
    else:
        order = sorted(range(len(cands)), key=lambda i: -cands[i][1])
    kept, shapes = [], []
    for i in order:
        g = shape(cands[i][0])
        if all(iou(g, k) <= nms for k in shapes):
            kept.append(cands[i])
            shapes.append(g)
    return [(p, s) for p, s, _ in kept]


def write_dets(out_dir, name, dets):
    with open(os.path.join(out_dir, name + ".txt"), "w") as f:
        for pts, s in dets:
            f.write(",".join("%d" % round(float(v)) for v in pts.reshape(-1)) + ",%.4f\n" % s)


def model_tag(path):
    """A short hash of the model's bytes: the pass cache is per model content."""
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()[:12]


def open_sets(specs, tmp):
    """(name, gt_dir, images, names, sizes) for each NAME=GT_DIR:IMAGES_DIR, its images linked under tmp."""
    for spec in specs:
        name, dirs = spec.split("=", 1)
        gt_dir, images_dir = dirs.split(":", 1)
        images = os.path.join(tmp, name + "_images")
        names = link_images(gt_dir, images_dir, images)
        sizes = {n: cv2.imread(find_image(images, n)).shape[:2] for n in names}
        yield name, gt_dir, images, names, sizes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--model", required=True, help="exported .onnx")
    ap.add_argument("--sides", default="672", help="comma list of second-pass long sides")
    ap.add_argument("--splits", default="32", help="comma list of splits, first-pass (512) input pixels")
    ap.add_argument("--rules", default="score", help="comma list of merge rules: score, first, inside")
    ap.add_argument("--set", action="append", required=True, help="NAME=GT_DIR:IMAGES_DIR; repeatable")
    ap.add_argument("--score", type=float, default=0.5)
    ap.add_argument("--second_scores", default="0.5",
                    help="comma list of score thresholds for the second pass's polygons (>= --score)")
    ap.add_argument("--nms", type=float, default=0.1)
    ap.add_argument("--cache", default="runs/twoscale", help="per-pass detections are kept here")
    ap.add_argument("--csv")
    args = ap.parse_args(argv)
    sides = [int(v) for v in args.sides.split(",")]
    splits = [float(v) for v in args.splits.split(",")]
    rules = args.rules.split(",")
    second_scores = [float(v) for v in args.second_scores.split(",")]
    tag = model_tag(args.model)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, gt_dir, images, names, sizes in open_sets(args.set, tmp):
            passes = {}
            for side in [FIRST_SIDE] + sides:
                d = os.path.join(args.cache, tag, name, str(side))
                run_pass(args.build, args.model, images, side, d, args.score)
                passes[side] = {n: read_dets(os.path.join(d, n + ".txt")) for n in names}
            for side in sides:
                for split in splits:
                    for rule in rules:
                        for t2 in second_scores:
                            out = os.path.join(tmp, "%s_%d_%g_%s_%g" % (name, side, split, rule, t2))
                            os.makedirs(out)
                            for n in names:
                                h, w = sizes[n]
                                split_frame = split * max(h, w) / FIRST_SIDE
                                write_dets(out, n, merge(passes[FIRST_SIDE][n], passes[side][n], split_frame,
                                                         rule, args.nms, t2))
                            p, r, f = evaluate(args.build, gt_dir, out, "icdar15")
                            rows.append((name, side, split, rule, t2, p, r, f))
                            print("%s side %d split %g rule %s second score %g: P %.4f R %.4f F %.4f" % rows[-1],
                                  flush=True)
    if args.csv:
        write_csv(args.csv, "set,side,split,rule,second_score,precision,recall,hmean",
                  "%s,%d,%g,%s,%g,%.4f,%.4f,%.4f", rows)
    print(json.dumps({"rows": len(rows)}))


if __name__ == "__main__":
    sys.exit(main())
