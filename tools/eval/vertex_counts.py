#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""How many vertices the detector gives the text it finds: the mean vertex count of the detections matched
(polygon IoU > 0.5, one to one, highest score first) to care ground truth, next to the ground truth's own, and
of all detections. A word model trained on quadrilaterals only gives 4.00 on curved words; a polygon that follows
a curve needs more (doc/models.md).

    /usr/bin/python3 tools/eval/vertex_counts.py --gt GT_DIR --pred PRED_DIR [--min_gt_vertices 5]

GT_DIR holds gt/NAME.txt or NAME.txt (uniform format); PRED_DIR holds NAME.txt as the samples app writes them.
--min_gt_vertices counts only ground truth with at least that many points (5: curved instances, not quads).
Prints one JSON line."""
import argparse
import glob
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from training.atrr.detections import match_one_to_one, read_dets, read_gt  # noqa: E402


def vertex_counts(gt_dir, pred_dir, min_gt_vertices=0):
    matched_det, matched_gt, all_det, n_gt = [], [], [], 0
    files = os.path.join(gt_dir, "gt") if os.path.isdir(os.path.join(gt_dir, "gt")) else gt_dir
    for gt_path in sorted(glob.glob(os.path.join(files, "*.txt"))):
        name = os.path.splitext(os.path.basename(gt_path))[0]
        gts = [(p, care and len(p) >= min_gt_vertices) for p, care in read_gt(gt_path)]
        dets = read_dets(os.path.join(pred_dir, name + ".txt"))
        n_gt += sum(1 for _, care in gts if care)
        all_det += [len(p) for p, _ in dets]
        for d, g in match_one_to_one(dets, gts):
            matched_det.append(len(dets[d][0]))
            matched_gt.append(len(gts[g][0]))
    mean = lambda v: round(sum(v) / len(v), 3) if v else None  # noqa: E731
    return {"gt_counted": n_gt, "matched": len(matched_det), "recall": round(len(matched_det) / n_gt, 4) if n_gt else None,
            "mean_vertices_matched": mean(matched_det), "mean_vertices_matched_gt": mean(matched_gt),
            "mean_vertices_all_detections": mean(all_det), "detections": len(all_det)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gt", required=True, help="folder with gt/NAME.txt, or with NAME.txt")
    ap.add_argument("--pred", required=True, help="folder with NAME.txt detections")
    ap.add_argument("--min_gt_vertices", type=int, default=0, help="count only ground truth with this many points")
    a = ap.parse_args(argv)
    if not os.path.isdir(a.gt):
        ap.error("%s is not a folder" % a.gt)
    print(json.dumps(vertex_counts(a.gt, a.pred, a.min_gt_vertices)))


if __name__ == "__main__":
    main()
