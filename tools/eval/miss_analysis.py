#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Why ground-truth lines are missed: for every care instance that no detection matches at IoU > 0.5,
the best IoU any detection reaches, and whether the best detection also covers a second instance
(a proposal spanning two lines) or is much shorter than the instance (a long line cut into pieces).

    /usr/bin/python3 tools/eval/miss_analysis.py --gt ../shared/datasets/msra_td500/test \\
        --pred /tmp/td500test/ours [--pred /tmp/td500test/other ...]

The matching is the icdar15 rule of adaptive_text_eval (IoU > 0.5, one-to-one, greedy by IoU); the
numbers are a diagnosis, not a score: the C++ evaluator stays the reference for P/R/F.
"""
import argparse
import os
import sys

import numpy as np
from shapely.geometry import Polygon

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from training.atrr.data.readers import read_uniform_split  # noqa: E402

BINS = [(0.0, 0.0, "no overlap"), (0.0, 0.1, "IoU (0, 0.1]"), (0.1, 0.3, "IoU (0.1, 0.3]"),
        (0.3, 0.5, "IoU (0.3, 0.5]")]


def shape(points):
    p = Polygon(np.asarray(points, dtype=np.float64).reshape(-1, 2))
    return p if p.is_valid else p.buffer(0)


def read_pred(path):
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path):
        fields = line.strip().split(",")
        if len(fields) >= 9:
            out.append(shape([float(v) for v in fields[:-1]]))
    return out


def iou(a, b):
    inter = a.intersection(b).area
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def analyse(gt_dir, pred_dir):
    stats = {"care": 0, "matched": 0, "bins": [0] * len(BINS), "spans_two": 0, "too_short": 0,
             "miss_long": 0, "care_long": 0}
    for record in read_uniform_split(gt_dir):
        name = os.path.splitext(os.path.basename(record.image_path))[0]
        preds = read_pred(os.path.join(pred_dir, name + ".txt"))
        gts = [(shape(p), ig) for p, ig in zip(record.polygons, record.ignore)]
        pairs = sorted(((iou(g, p), gi, pi) for gi, (g, ig) in enumerate(gts) if not ig
                        for pi, p in enumerate(preds)), reverse=True)
        used_g, used_p = set(), set()
        for v, gi, pi in pairs:
            if v > 0.5 and gi not in used_g and pi not in used_p:
                used_g.add(gi)
                used_p.add(pi)
        for gi, (g, ig) in enumerate(gts):
            if ig:
                continue
            stats["care"] += 1
            rect = g.minimum_rotated_rectangle
            sides = sorted(np.hypot(*np.diff(np.asarray(rect.exterior.coords)[:3], axis=0).T))
            is_long = sides[0] > 0 and sides[1] / sides[0] > 6.0  # long lines: aspect above 6
            stats["care_long"] += is_long
            if gi in used_g:
                stats["matched"] += 1
                continue
            stats["miss_long"] += is_long
            best, best_p = 0.0, None
            for p in preds:
                v = iou(g, p)
                if v > best:
                    best, best_p = v, p
            for k, (lo, hi, _) in enumerate(BINS):
                if (best == 0.0 and hi == 0.0) or lo < best <= hi:
                    stats["bins"][k] += 1
                    break
            if best_p is not None:
                # the best detection holds most of another care instance too: one proposal, two lines
                others = [o for oi, (o, oig) in enumerate(gts) if oi != gi and not oig and o.area > 0]
                if any(best_p.intersection(o).area > 0.5 * o.area for o in others):
                    stats["spans_two"] += 1
                elif best_p.intersection(g).area < 0.5 * g.area:
                    stats["too_short"] += 1  # the detection covers under half the line
    return stats


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gt", required=True, help="uniform-format split (images/, gt/)")
    ap.add_argument("--pred", required=True, action="append", help="folder of NAME.txt predictions; repeatable")
    args = ap.parse_args(argv)
    for pred in args.pred:
        s = analyse(args.gt, pred)
        missed = s["care"] - s["matched"]
        print("%s: %d care, %d matched, %d missed" % (pred, s["care"], s["matched"], missed))
        for (_, _, label), n in zip(BINS, s["bins"]):
            print("  missed, best %-15s %4d (%.0f %%)" % (label, n, 100.0 * n / max(missed, 1)))
        print("  missed, best detection also holds another line   %4d" % s["spans_two"])
        print("  missed, best detection covers < half the line     %4d" % s["too_short"])
        print("  long lines (aspect > 6): %d care, %d missed" % (s["care_long"], s["miss_long"]))


if __name__ == "__main__":
    main()
