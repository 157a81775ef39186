#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Measures "container suppression" for the line model without rebuilding the detector, and diagnoses the
misses it aims at. Validation splits only, never test.

    /usr/bin/python3 tools/analysis/container_offline.py --model raw.onnx --children 0.3,0.5 --inside 0.7,0.85 \\
        --set td500val30=GT_DIR:IMAGES_DIR --set ic15lines100=... [--cache DIR] [--csv F] [--diagnose F]

Why: a polygon drawn over two stacked lines can outscore the polygon of each line, and the polygon NMS
(highest score first) then keeps it and drops both; the line that matched is lost with the one that did not.
The detector's two passes run once each in the C++ samples app (score --pass_score, no NMS); the detector's
two-pass merge (thin polygons from 672, the rest from 512, split 32 px at 512), the rule, the threshold, the
NMS and the scoring are redone here. The rule, before the NMS: a candidate P (score >= the threshold) is a
container when at least two other candidates (score >= CHILD) each lie mostly inside it (INSIDE of their
area), are each at most 0.7 of its area, do not overlap each other (IoU <= the NMS threshold) and are stacked
across P's long axis (their centres, projected on the short side of P's minimum-area rectangle, lie further
apart than half the thinner one's thickness): P holds two lines, not two pieces of one. A container is
replaced by those children, each at P's score.
--diagnose writes, for the baseline (no rule), one row per missed care line: its set and image, the kind of
miss (none: no output polygon touches it; merged: an output polygon covering half of it also covers half of
another care line; loose: the rest) and the best IoU and score of a candidate in the pool before the NMS.
"""

import argparse
import json
import os
import sys
import tempfile

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tools.analysis.sweep_settings import evaluate, write_csv  # noqa: E402
from tools.analysis.tta_offline import SECOND_SIDE, SPLIT_AT_512, nms, two_pass  # noqa: E402
from tools.analysis.two_scale_offline import (iou, model_tag, open_sets, read_dets, run_pass, shape,  # noqa: E402
                                             thickness, write_dets)

MAX_CHILD_AREA = 0.7


def short_axis(pts):
    """Unit vector along the short side of the polygon's minimum-area rectangle."""
    box = cv2.boxPoints(cv2.minAreaRect(pts))
    a, b = box[1] - box[0], box[2] - box[1]
    v = a if np.linalg.norm(a) < np.linalg.norm(b) else b
    return v / max(np.linalg.norm(v), 1e-6)


def children_of(i, cands, shapes, child_score, inside, nms_thr):
    """Indices of two stacked, non-overlapping candidates inside candidate i, or [] if there are none."""
    g = shapes[i]
    inner = [j for j, (_, s) in enumerate(cands)
             if j != i and s >= child_score and 0 < shapes[j].area <= MAX_CHILD_AREA * g.area and
             shapes[j].intersection(g).area >= inside * shapes[j].area]
    if len(inner) < 2:
        return []
    axis = short_axis(cands[i][0])
    centre = {j: np.asarray(shapes[j].centroid.coords[0]) for j in inner}
    best = []
    for a in range(len(inner)):
        for b in range(a + 1, len(inner)):
            j, k = inner[a], inner[b]
            if iou(shapes[j], shapes[k]) > nms_thr:
                continue
            gap = abs(float(np.dot(centre[j] - centre[k], axis)))
            if gap > 0.5 * min(thickness(cands[j][0]), thickness(cands[k][0])):
                pair = [j, k]
                if sum(cands[x][1] for x in pair) > sum(cands[x][1] for x in best):
                    best = pair
    return best


def detector_pools(build, model, cache, pass_score, name, images, names, sizes, sides=(512, SECOND_SIDE)):
    """{image name: candidates} of the detector's two passes, merged by thickness, before its NMS; each pass runs
    once in the C++ app and is kept under cache/MODEL_TAG/name/SIDE. One side in `sides`: that pass alone."""
    per_side = {}
    for side in sides:
        d = os.path.join(cache, model_tag(model), name, str(side))
        run_pass(build, model, images, side, d, pass_score)
        per_side[side] = {n: read_dets(os.path.join(d, n + ".txt")) for n in names}
    if len(sides) == 1:
        return per_side[sides[0]]
    return {n: two_pass(per_side[512][n], per_side[SECOND_SIDE][n], SPLIT_AT_512 * max(sizes[n]) / 512)
            for n in names}


def replace_containers(cands, score, child_score, inside, nms_thr):
    shapes = [shape(p) for p, _ in cands]
    out, promoted = [], {}
    for i, (p, s) in enumerate(cands):
        kids = children_of(i, cands, shapes, child_score, inside, nms_thr) if s >= score else []
        if not kids:
            out.append(i)
            continue
        for j in kids:
            promoted[j] = max(promoted.get(j, 0.0), s)
    return [(cands[i][0], max(cands[i][1], promoted.get(i, 0.0))) for i in out]


def read_gt(path):
    lines = []
    for row in open(path):
        v = row.strip().split(",")
        if len(v) < 9:
            continue
        n = (len(v) - 1) // 2 * 2
        pts = np.array([float(x) for x in v[:n]], np.float32).reshape(-1, 2)
        lines.append((pts, v[-1] != "###"))
    return lines


def diagnose(set_name, image, gt, out, pool):
    """Rows (set, image, kind, best pool IoU, its score) for the care lines that no output matches."""
    gs = [shape(p) for p, _ in gt]
    os_ = [shape(p) for p, _ in out]
    ps = [shape(p) for p, _ in pool]
    rows = []
    for gi, ((_, care), g) in enumerate(zip(gt, gs)):
        if not care or g.area <= 0 or any(iou(g, o) >= 0.5 for o in os_):
            continue
        kind = "none"
        for o in os_:
            cover = o.intersection(g).area / g.area
            if cover > 0:
                kind = "loose"
            if cover >= 0.5 and any(k != gi and gt[k][1] and gs[k].area > 0 and
                                    o.intersection(gs[k]).area >= 0.5 * gs[k].area for k in range(len(gt))):
                kind = "merged"
                break
        best, best_s = 0.0, 0.0
        for (_, s), q in zip(pool, ps):
            v = iou(g, q)
            if v > best:
                best, best_s = v, s
        rows.append((set_name, image, kind, best, best_s))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--model", required=True, help="exported .onnx (raw scores)")
    ap.add_argument("--set", action="append", required=True, help="NAME=GT_DIR:IMAGES_DIR; repeatable")
    ap.add_argument("--children", default="0.3,0.4,0.5", help="comma list of CHILD score thresholds")
    ap.add_argument("--inside", default="0.7,0.85", help="comma list of INSIDE fractions")
    ap.add_argument("--score", type=float, default=0.5)
    ap.add_argument("--pass_score", type=float, default=0.3, help="what each pass keeps before the rule")
    ap.add_argument("--nms", type=float, default=0.1)
    ap.add_argument("--cache", default="runs/container")
    ap.add_argument("--csv")
    ap.add_argument("--diagnose", help="CSV of the baseline's missed care lines")
    args = ap.parse_args(argv)
    settings = [(None, None)] + [(float(c), float(i)) for c in args.children.split(",")
                                 for i in args.inside.split(",")]
    rows, misses = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, gt_dir, images, names, sizes in open_sets(args.set, tmp):
            pools = detector_pools(args.build, args.model, args.cache, args.pass_score, name, images, names, sizes)
            for child, inside in settings:
                out = os.path.join(tmp, "%s_%s_%s" % (name, child, inside))
                os.makedirs(out)
                for n in names:
                    cands = pools[n] if child is None else replace_containers(pools[n], args.score, child,
                                                                                inside, args.nms)
                    kept = nms(cands, args.score, args.nms)
                    write_dets(out, n, kept)
                    if child is None and args.diagnose:
                        misses += diagnose(name, n, read_gt(os.path.join(gt_dir, n + ".txt")), kept, pools[n])
                p, r, f = evaluate(args.build, gt_dir, out, "icdar15")
                rows.append((name, "none" if child is None else "%g" % child,
                             "none" if inside is None else "%g" % inside, p, r, f))
                print("%s children %s inside %s: P %.4f R %.4f F %.4f" % rows[-1], flush=True)
    if args.csv:
        write_csv(args.csv, "set,child_score,inside,precision,recall,hmean", "%s,%s,%s,%.4f,%.4f,%.4f", rows)
    if args.diagnose:
        write_csv(args.diagnose, "set,image,kind,best_pool_iou,best_pool_score", "%s,%s,%s,%.3f,%.3f", misses)
    print(json.dumps({"rows": len(rows), "misses": len(misses)}))


if __name__ == "__main__":
    sys.exit(main())
