#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Measures test-time views of the line model without rebuilding the detector: the frame as it is, its
horizontal mirror, or the first pass at another long side. Each (view, side) runs once in the C++ samples app
(one pass, a low score, no NMS); the detector's two-pass merge, the fusion of two views, the polygon NMS and
the scoring are redone here. Validation splits only, never test.

    /usr/bin/python3 tools/analysis/tta_offline.py --model raw.onnx --views mirror,s576 --fusions union,agree \\
        --set td500val30=GT_DIR:IMAGES_DIR --set ic15lines100=... [--cache DIR] [--csv F]

Views (each with the detector's two passes: the first at FIRST, then 672 for polygons thinner than the split,
32 px at 512, in frame pixels):
  id       the frame, first pass 512 (the detector today; the baseline row)
  mirror   the frame mirrored left to right, first pass 512; polygons mirrored back
  sNNN     the frame, first pass at long side NNN
Fusions of "id" with another view:
  union    every candidate of both views, then the threshold and one NMS, highest score first;
  agree    each candidate's score becomes the mean of its own and that of the other view's candidate that
           overlaps it most (IoU > --agree_iou; 0 when none), then the threshold and the NMS: text that only one
           view sees loses half its score.
Fusions of the "id" view's own two passes (no extra pass; give --views id):
  passagree        every candidate of both passes (no split), rescored as "agree", then the threshold and NMS;
  passagree_split  the same rescoring, then the detector's split (thick from the first pass, thin from the
                   second), the threshold and the NMS.
"""

import argparse
import json
import os
import sys
import tempfile

import cv2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tools.analysis.sweep_settings import evaluate, write_csv  # noqa: E402
from tools.analysis.two_scale_offline import (iou, model_tag, open_sets, read_dets, run_pass, shape,  # noqa: E402
                                             thickness, write_dets)
from training.atrr.data.readers import find_image  # noqa: E402

SECOND_SIDE = 672
SPLIT_AT_512 = 32.0


def mirror_images(names, images, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for n in names:
        src = find_image(images, n)
        cv2.imwrite(os.path.join(out_dir, os.path.basename(src)), cv2.flip(cv2.imread(src), 1))


def unmirror(dets, width):
    """Mirrors polygons back; the point order is reversed so that the outline keeps its orientation."""
    out = []
    for pts, s in dets:
        p = pts.copy()
        p[:, 0] = (width - 1) - p[:, 0]
        out.append((p[::-1].copy(), s))
    return out


def two_pass(first, second, split_frame):
    """The detector's merge before its NMS: thin polygons from the second pass, the others from the first."""
    return ([d for d in first if thickness(d[0]) >= split_frame] +
            [d for d in second if thickness(d[0]) < split_frame])


def nms(cands, score, thr):
    kept, shapes = [], []
    for pts, s in sorted((c for c in cands if c[1] >= score), key=lambda c: -c[1]):
        g = shape(pts)
        if all(iou(g, k) <= thr for k in shapes):
            kept.append((pts, s))
            shapes.append(g)
    return kept


def agree(a, b, min_iou):
    """Rescores each candidate of a by the best-overlapping candidate of b, and the reverse."""
    ga, gb = [shape(p) for p, _ in a], [shape(p) for p, _ in b]

    def rescored(xs, gx, ys, gy):
        out = []
        for (pts, s), g in zip(xs, gx):
            best, best_iou = 0.0, min_iou
            for (_, t), h in zip(ys, gy):
                v = iou(g, h)
                if v > best_iou:
                    best, best_iou = t, v
            out.append((pts, 0.5 * (s + best)))
        return out

    return rescored(a, ga, b, gb) + rescored(b, gb, a, ga)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--model", required=True, help="exported .onnx (raw scores)")
    ap.add_argument("--views", default="mirror", help="comma list: mirror, sNNN")
    ap.add_argument("--fusions", default="union,agree")
    ap.add_argument("--set", action="append", required=True, help="NAME=GT_DIR:IMAGES_DIR; repeatable")
    ap.add_argument("--scores", default="0.5", help="comma list of the detector's threshold, after fusion")
    ap.add_argument("--pass_score", type=float, default=0.3, help="what each pass keeps before fusion")
    ap.add_argument("--nms", type=float, default=0.1)
    ap.add_argument("--agree_iou", type=float, default=0.3)
    ap.add_argument("--cache", default="runs/tta")
    ap.add_argument("--csv")
    args = ap.parse_args(argv)
    views = args.views.split(",")
    fusions = args.fusions.split(",")
    scores = [float(v) for v in args.scores.split(",")]
    tag = model_tag(args.model)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, gt_dir, images, names, sizes in open_sets(args.set, tmp):
            mirrored = os.path.join(tmp, name + "_mirrored")
            if "mirror" in views:
                mirror_images(names, images, mirrored)

            def view_passes(view):
                """{side: {name: candidates}} of one view's two passes, in the frame's coordinates."""
                folder, first = (mirrored, 512) if view == "mirror" else (images, 512 if view == "id" else
                                                                          int(view[1:]))
                per_side = {}
                for side in (first, SECOND_SIDE):
                    d = os.path.join(args.cache, tag, name, "mirror" if view == "mirror" else "id", str(side))
                    run_pass(args.build, args.model, folder, side, d, args.pass_score)
                    per_side[side] = {n: read_dets(os.path.join(d, n + ".txt")) for n in names}
                    if view == "mirror":
                        per_side[side] = {n: unmirror(per_side[side][n], sizes[n][1]) for n in names}
                return per_side[first], per_side[SECOND_SIDE]

            def split_frame(n):
                return SPLIT_AT_512 * max(sizes[n]) / 512

            def view_dets(view):
                """{name: candidates} of one view after the detector's two-pass merge (before its NMS)."""
                first, second = view_passes(view)
                return {n: two_pass(first[n], second[n], split_frame(n)) for n in names}

            base = view_dets("id")
            settings = [("id", "none", base, None)]
            for view in views:
                if view == "id":
                    first, second = view_passes("id")
                    for fusion in fusions:
                        fused = {}
                        for n in names:
                            rescored = agree(first[n], second[n], args.agree_iou)  # first's, then second's
                            a, b = rescored[:len(first[n])], rescored[len(first[n]):]
                            fused[n] = two_pass(a, b, split_frame(n)) if fusion == "passagree_split" else a + b
                        settings.append(("id", fusion, fused, None))
                    continue
                other = view_dets(view)
                settings.append((view, "alone", other, None))
                settings += [(view, fusion, base, other) for fusion in fusions]
            for view, fusion, a, b in settings:
                fused = {}
                for n in names:
                    if b is None:
                        fused[n] = a[n]
                    elif fusion == "union":
                        fused[n] = a[n] + b[n]
                    else:
                        fused[n] = agree(a[n], b[n], args.agree_iou)
                for score in scores:
                    out = os.path.join(tmp, "%s_%s_%s_%g" % (name, view, fusion, score))
                    os.makedirs(out)
                    for n in names:
                        write_dets(out, n, nms(fused[n], score, args.nms))
                    p, r, f = evaluate(args.build, gt_dir, out, "icdar15")
                    rows.append((name, view, fusion, score, p, r, f))
                    print("%s view %s fusion %s score %g: P %.4f R %.4f F %.4f" % rows[-1], flush=True)
    if args.csv:
        write_csv(args.csv, "set,view,fusion,score,precision,recall,hmean", "%s,%s,%s,%g,%.4f,%.4f,%.4f", rows)
    print(json.dumps({"rows": len(rows)}))


if __name__ == "__main__":
    sys.exit(main())
