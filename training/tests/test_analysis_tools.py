# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The geometry of tools/analysis/recall_stages.py and postprocess_headroom.py on shapes worked by hand, and
bootstrap_offline.py's arithmetic on counts worked by hand."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "analysis"))
import bootstrap_offline  # noqa: E402
import postprocess_headroom as ph  # noqa: E402
import recall_stages  # noqa: E402


def test_box_iou_by_hand():
    # 2x2 boxes overlapping in a 1x1 square: 1 / (4 + 4 - 1)
    assert recall_stages.box_iou([0, 0, 2, 2], [1, 1, 3, 3]) == pytest.approx(1 / 7)
    assert recall_stages.box_iou([0, 0, 1, 1], [2, 2, 3, 3]) == 0.0


def test_poly_iou_by_hand():
    square = np.array([[0, 0], [2, 0], [2, 2], [0, 2]], float)
    half = np.array([[0, 0], [1, 0], [1, 2], [0, 2]], float)
    assert recall_stages.poly_iou(square, half) == pytest.approx(0.5)


def test_instance_groups():
    horizontal = np.array([[0, 0], [100, 0], [100, 10], [0, 10]], float)  # 10 px high, aspect 10
    assert recall_stages.instance_groups(horizontal, 1.0, 6.0) == ["all", "long (aspect > 6)", "height < 12 px"]
    # the same line at twice the scale is 20 px high
    assert recall_stages.instance_groups(horizontal, 2.0, 6.0)[-1] == "height 12-24 px"
    vertical = horizontal[:, ::-1].copy()  # a 10 x 100 column
    assert "vertical (box w/h < 0.8)" in recall_stages.instance_groups(vertical, 1.0, 6.0)
    square = np.array([[0, 0], [30, 0], [30, 30], [0, 30]], float)
    assert recall_stages.instance_groups(square, 1.0, 6.0) == ["all", "height >= 24 px"]


def test_roc_auc_by_hand():
    # positives 0.9, 0.4; negatives 0.5, 0.1: pairs (0.9>0.5) (0.9>0.1) (0.4<0.5) (0.4>0.1) -> 3 of 4
    assert ph.roc_auc([0.9, 0.4, 0.5, 0.1], [1, 1, 0, 0]) == pytest.approx(0.75)
    assert ph.roc_auc([0.5, 0.5], [1, 0]) == pytest.approx(0.5)  # a tie counts half
    assert np.isnan(ph.roc_auc([0.5], [1]))


def test_miss_kind_by_hand():
    line = np.array([[0, 0], [100, 0], [100, 10], [0, 10]], float)
    left = np.array([[0, 0], [60, 0], [60, 10], [0, 10]], float)  # IoU 0.6 with the line
    assert ph.miss_kind(line, [(left, 0.9, 1.0)], 0.5) == "suppressed by NMS"
    assert ph.miss_kind(line, [(left, 0.4, 1.0)], 0.5) == "score in [0.3, s)"
    assert ph.miss_kind(line, [(left, 0.2, 1.0), (left, 0.1, 1.0)], 0.5) == "score < 0.3"
    small = np.array([[0, 0], [40, 0], [40, 10], [0, 10]], float)  # IoU 0.4
    assert ph.miss_kind(line, [(small, 0.9, 1.0)], 0.5) == "no polygon"


def test_joinable_by_hand():
    line = np.array([[0, 0], [100, 0], [100, 10], [0, 10]], float)
    left = np.array([[0, 0], [45, 0], [45, 10], [0, 10]], float)
    right = np.array([[55, 0], [100, 0], [100, 10], [55, 10]], float)
    assert ph.joinable(line, [left, right])  # their rectangle is the line
    assert not ph.joinable(line, [left])  # one piece is not a fragment pair
    above = right + [0, 50]  # outside the line
    assert not ph.joinable(line, [left, above])


def test_bootstrap_hmean_by_hand():
    # 10 care lines, 8 scored detections, 6 lines matched by 6 detections: P 0.75, R 0.6, F 0.9 / 1.35 = 2 / 3
    assert bootstrap_offline.hmean(np.array([10, 8, 6, 6], float)) == pytest.approx(2 / 3)
    assert bootstrap_offline.hmean(np.array([5, 0, 0, 0], float)) == 0.0  # nothing detected: F 0, not NaN
    line = "img_1: gt_care=3 gt_dontcare=2 det=4 det_dontcare=1 matched=2 matched_det=2"
    assert bootstrap_offline.LINE.match(line).groups() == ("img_1", "3", "4", "1", "2", "2")


def test_paired_bootstrap_by_hand():
    # Split 1: A finds both lines of image 0, B one; image 1 the same for both. A: F 1; B: P 1, R 3/4, F 6/7.
    a = [np.array([[2, 2, 2, 2], [2, 2, 2, 2]], float)]
    b = [np.array([[2, 1, 1, 1], [2, 2, 2, 2]], float)]
    measured, diffs = bootstrap_offline.paired_bootstrap(a, b, 500)
    assert measured == pytest.approx(1 - 6 / 7)
    assert (diffs >= 0).all() and diffs.max() > 0  # A never behind: the same images are drawn for both
    same, none = bootstrap_offline.paired_bootstrap(a, a, 50)
    assert same == 0.0 and (none == 0).all()
