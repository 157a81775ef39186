# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""One-to-one matching (training/atrr/detections.py) and tools/eval/vertex_counts.py on hand-worked squares."""
import os
import sys

import numpy as np

from training.atrr.detections import match_one_to_one

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "eval"))
import vertex_counts  # noqa: E402


def square(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def test_highest_score_takes_the_ground_truth_and_iou_must_exceed_half():
    gts = [(square(0, 0, 10, 10), True), (square(20, 0, 30, 10), True), (square(40, 0, 50, 10), False)]
    dets = [(square(0, 0, 10, 10), 0.9),     # IoU 1 with gt 0, but a higher-scored detection takes it first
            (square(1, 0, 11, 10), 0.95),    # IoU 90 / 110 = 0.818 with gt 0
            (square(20, 0, 30, 5), 0.5),     # IoU 50 / 100 = 0.5 with gt 1: not above 0.5
            (square(40, 0, 50, 10), 0.8)]    # a don't-care region is never matched
    assert match_one_to_one(dets, gts) == [(1, 0)]


def test_vertex_counts_of_matched_detections(tmp_path):
    gt_dir, pred = tmp_path / "set", tmp_path / "pred"
    (gt_dir / "gt").mkdir(parents=True)
    pred.mkdir()
    # a hexagonal "curved" instance and a quad
    (gt_dir / "gt" / "a.txt").write_text("0,0,10,0,20,0,20,10,10,10,0,10,WORD\n30,0,40,0,40,10,30,10,QUAD\n")
    (pred / "a.txt").write_text("0,0,10,0,20,0,20,10,10,10,0,10,0.9\n30,0,40,0,40,10,30,10,0.8\n100,100,110,100,110,110,0.7\n")
    r = vertex_counts.vertex_counts(str(gt_dir), str(pred))
    assert r["matched"] == 2 and r["mean_vertices_matched"] == 5.0 and r["detections"] == 3
    assert r["mean_vertices_all_detections"] == round(13 / 3, 3)
    curved_only = vertex_counts.vertex_counts(str(gt_dir), str(pred), min_gt_vertices=5)
    assert curved_only["gt_counted"] == 1 and curved_only["matched"] == 1
    assert curved_only["mean_vertices_matched"] == 6.0 and curved_only["recall"] == 1.0
