# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Reference data for the candidate verifier (doc/detector.md, "Verifier"), read by test/test_verifier.cpp.

The C++ detector runs the shipped verifier, data/models/adaptivetext_verifier.onnx, exported from CHECKPOINT
for the shipped line model (doc/models.md). Here the same candidates go through the PyTorch network of that
checkpoint, on crops and shape features cut by training/atrr/verifier.py, with the score fusion written out in
NumPy; never through the C++ code or the ONNX file. Writes test/data/verifier_case.*.npy."""
import math
import os
import sys

import cv2
import numpy as np
import torch

import common

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, ROOT)
from training.atrr.verifier import (MIN_FILL, fill_ratio, load_verifier, rectified_crop,  # noqa: E402
                                    shape_features, to_tensor)

CHECKPOINT = os.path.join(ROOT, "training", "checkpoints", "verifier_v1.pt")
LINE_CHECKPOINT = os.path.join(ROOT, "training", "checkpoints", "lines_v1.pt")
IMAGE = os.path.join(ROOT, "data", "samples", "curved_text.jpg")
THRESHOLD, DETECTOR_THRESHOLD, WEIGHT = 0.5, 0.7, 0.75  # the shipped pair's (doc/models.md)


def box(cx, cy, w, h, degrees):
    """A rotated rectangle as four point pairs (8 vertices) around its boundary: one side, then the opposite back."""
    a, b, c, d = cv2.boxPoints(((cx, cy), (w, h), degrees))  # corners in cyclic order
    tops = [a + (b - a) * t for t in (0, 1 / 3, 2 / 3, 1)]
    bottoms = [c + (d - c) * t for t in (0, 1 / 3, 2 / 3, 1)]
    return np.float32(tops + bottoms)


def arc(cx, cy, outer, inner, degrees_from, degrees_to):
    """A curved line as four point pairs: the outer arc, then the inner one back (fills well under 0.7 of its
    minimum-area rectangle, so the curvature gate keeps its own score)."""
    t = np.radians(np.linspace(degrees_from, degrees_to, 4))
    tops = [(cx + outer * np.cos(a), cy + outer * np.sin(a)) for a in t]
    bottoms = [(cx + inner * np.cos(a), cy + inner * np.sin(a)) for a in t[::-1]]
    return np.float32(tops + bottoms)


def logit(p):
    return math.log(p / (1.0 - p))


def main():
    frame = cv2.imread(IMAGE)
    h, w = frame.shape[:2]
    # Lying, steep, upright, tiny and border-touching candidates, with scores around the detector's threshold.
    polygons = np.stack([box(0.5 * w, 0.3 * h, 0.6 * w, 0.08 * h, 0), box(0.4 * w, 0.6 * h, 0.5 * w, 0.06 * h, 25),
                         box(0.8 * w, 0.5 * h, 0.05 * w, 0.5 * h, 3), box(0.2 * w, 0.2 * h, 12, 3, -40),
                         box(0.05 * w, 0.9 * h, 0.2 * w, 0.1 * h, 10), box(0.6 * w, 0.75 * h, 0.3 * w, 0.05 * h, 88),
                         arc(0.5 * w, 0.8 * h, 0.45 * h, 0.37 * h, 200, 340)])
    polygons = np.clip(polygons, 0, [w - 1, h - 1]).astype(np.float32)
    scores = np.float32([0.9, 0.25, 0.6, 0.75, 0.05, 0.45, 0.65])
    gated = np.array([fill_ratio(p) < MIN_FILL for p in polygons])
    assert gated.tolist() == [False] * 6 + [True], [fill_ratio(p) for p in polygons]
    shift = torch.load(LINE_CHECKPOINT, map_location="cpu")["config"]["text_logit_shift"]
    raw = np.float32([1 / (1 + math.exp(-(logit(s) - shift))) for s in scores])
    crops = np.stack([rectified_crop(frame, p) for p in polygons])
    feats = np.float32([shape_features(p, s, max(h, w)) for p, s in zip(polygons, raw)])
    model = load_verifier(CHECKPOINT)
    with torch.no_grad():
        v = torch.sigmoid(model.eval()(to_tensor(crops), torch.from_numpy(feats))).numpy()
    fused = (1.0 - WEIGHT) * raw + WEIGHT * v
    out_shift = logit(DETECTOR_THRESHOLD) - logit(THRESHOLD)
    expected = np.where(gated, scores, 1 / (1 + np.exp(-(np.log(fused) - np.log(1 - fused) + out_shift))))
    common.save_case("verifier_case", polygons=polygons, scores=scores, shapes=feats[:, 1:], crop0=crops[0],
                     crop3=crops[3], verifier=v, expected=expected)
    print("verifier_case: verifier", np.round(v, 3), "expected", np.round(expected, 3))


if __name__ == "__main__":
    main()
