# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""pytest setup shared by the training tests: import path, fixed seeds, tiny synthetic samples."""
import os
import sys

import numpy as np
import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if REPO not in sys.path:
    sys.path.insert(0, REPO)  # `training` is importable without PYTHONPATH too


@pytest.fixture(autouse=True)
def fixed_seeds():
    import torch
    torch.manual_seed(0)
    np.random.seed(0)
    yield


def rectangle_sample(rng, height=128, width=160, count=2, ignore_last=False):
    """Noise with white rectangles: polygons, ### flags and 2 point pairs per rectangle (the data batch format)."""
    import cv2
    image = rng.integers(0, 80, (height, width, 3)).astype(np.uint8)
    polygons, pairs, ignore = [], [], []
    for i in range(count):
        bh = int(rng.integers(12, 24))
        bw = int(rng.integers(48, width // 2))
        x1 = int(rng.integers(4, width - bw - 4))
        y1 = int(rng.integers(4, height - bh - 4))
        cv2.rectangle(image, (x1, y1), (x1 + bw, y1 + bh), (255, 255, 255), -1)
        polygons.append(np.array([[x1, y1], [x1 + bw, y1], [x1 + bw, y1 + bh], [x1, y1 + bh]], np.float32))
        pairs.append(np.array([[x1, y1, x1, y1 + bh], [x1 + bw, y1, x1 + bw, y1 + bh]], np.float32))
        ignore.append(ignore_last and i == count - 1)
    return {"image": image, "polygons": polygons, "ignore": ignore, "pairs": pairs}


@pytest.fixture
def make_sample():
    return rectangle_sample
