# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The geometry of training/atrr/recall_stages.py and training/atrr/detections.py on shapes worked by hand."""
import numpy as np
import pytest

from training.atrr import detections, recall_stages


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


def rect(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def test_nms_keeps_the_highest_of_overlapping_candidates_by_hand():
    # A (0..100) and C (10..110) overlap at IoU 1800 / 2200; B lies apart; D is under the score.
    a, b, c, d = (rect(0, 0, 100, 20), 0.8), (rect(0, 50, 100, 70), 0.6), (rect(10, 0, 110, 20), 0.9), \
        (rect(0, 100, 100, 120), 0.4)
    kept = detections.nms([a, b, c, d], 0.5, 0.1)
    assert [s for _, s in kept] == [0.9, 0.6]
    assert len(detections.nms([a, b, c, d], 0.5, 0.9)) == 3  # IoU 0.818 <= 0.9: both stay


def test_two_pass_split_by_thickness_by_hand():
    thin, thick = (rect(0, 0, 100, 10), 0.9), (rect(0, 0, 100, 40), 0.8)
    merged = detections.two_pass([thin, thick], [thin, thick], 20.0)
    assert [d[1] for d in merged] == [0.8, 0.9]  # the thick one from the first pass, the thin from the second


def test_detection_files_round_trip(tmp_path):
    dets = [(rect(1, 2, 30, 40), 0.75), (np.float32([[0, 0], [10, 0], [10, 5], [5, 8], [0, 5]]), 0.5)]
    detections.write_dets(str(tmp_path), "img", dets)
    back = detections.read_dets(str(tmp_path / "img.txt"))
    assert len(back) == 2 and back[0][1] == pytest.approx(0.75) and back[1][0].shape == (5, 2)
    np.testing.assert_array_equal(back[0][0], dets[0][0])
    assert detections.read_dets(str(tmp_path / "missing.txt")) == []
    (tmp_path / "gt.txt").write_text("0,0,10,0,10,5,0,5,HELLO\n0,10,10,10,10,15,0,15,###\n")
    gt = detections.read_gt(str(tmp_path / "gt.txt"))
    assert [care for _, care in gt] == [True, False]
