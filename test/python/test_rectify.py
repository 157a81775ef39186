# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""cv2.adaptivetext.rectifyText and AdaptiveTextDetector.detectAndRectify from the generated bindings, the
Python sample samples/read_curved_text.py and tools/measure_recognition.py (the C++ suites rectify and
recognition hold the full geometry checks; these check the same contracts through Python)."""
import math
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TRUTH = "the quick brown fox jumps over the lazy dog"


def tesseract_missing_reason():
    """Why Tesseract cannot read English here, or None. The cv2 under test (a minimal source build) has no
    cv2.text, so the Python sample reads with the tesseract command."""
    if shutil.which("tesseract") is None:
        return "no tesseract command (Debian: apt-get install tesseract-ocr tesseract-ocr-eng)"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if "eng" not in langs:
        return "tesseract has no English data (Debian: apt-get install tesseract-ocr-eng)"
    return None


needs_tesseract = pytest.mark.skipif(tesseract_missing_reason() is not None,
                                     reason=str(tesseract_missing_reason()))


def render_straight(cv2, text, height):
    scale = 0.6 * height / cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, 1.0, 1)[0][1]
    thickness = max(1, round(scale * 1.2))
    (w, h), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, scale, thickness)
    strip = np.full((height, w + height // 2), 255, np.uint8)
    cv2.putText(strip, text, (height // 4, (height + h) // 2), cv2.FONT_HERSHEY_DUPLEX, scale, 0, thickness,
                cv2.LINE_AA)
    return strip


def bend_on_arc(cv2, straight, span, pairs):
    """The straight text bent over the top of a circle by an exact inverse polar map, and its point pairs
    (as test/arc_text.hpp does in C++)."""
    h, w = straight.shape
    mid = (w - 1) / span
    r_out, r_in = mid + (h - 1) / 2, mid - (h - 1) / 2
    theta0 = -math.pi / 2 - span / 2
    cx, cy = r_out * math.sin(span / 2) + 10, r_out + 10
    rows, cols = int(math.ceil(cy - r_in * math.cos(span / 2) + 10)), int(math.ceil(2 * cx))
    v, u = np.mgrid[0:rows, 0:cols].astype(np.float64)
    theta = np.arctan2(v - cy, u - cx)
    theta[theta > math.pi / 2] -= 2 * math.pi
    map_x = ((theta - theta0) / span * (w - 1)).astype(np.float32)
    map_y = (r_out - np.hypot(u - cx, v - cy)).astype(np.float32)
    image = cv2.remap(straight, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    angles = theta0 + span * np.arange(pairs) / (pairs - 1)
    unit = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    top, bottom = np.array([cx, cy]) + r_out * unit, np.array([cx, cy]) + r_in * unit
    return image, np.concatenate([top, bottom[::-1]]).astype(np.float32)


def ncc(cv2, a, b):
    return float(cv2.matchTemplate(a, b, cv2.TM_CCOEFF_NORMED)[0, 0])


def accuracy(read, truth):
    sys.path.insert(0, os.path.join(REPO, "tools"))
    import measure_recognition
    return measure_recognition.accuracy(read, truth)


def test_four_points_equal_warp_perspective(cv2):
    rng = np.random.default_rng(3)
    image = cv2.GaussianBlur(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8), (5, 5), 1.5)
    quad = np.float32([[20.5, 30], [130, 10.25], [140, 60], [25, 85]])
    strip = cv2.adaptivetext.rectifyText(image, quad)
    h, w = strip.shape[:2]
    dst = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    ref = cv2.warpPerspective(image, cv2.getPerspectiveTransform(quad, dst), (w, h), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
    assert np.array_equal(strip, ref)
    assert cv2.adaptivetext.rectifyText(image, quad.astype(np.int32), height=32).shape[0] == 32


def test_arc_matches_straight_rendering(cv2):
    # Threshold 0.9: see rectify/arc_text_matches_its_straight_rendering (C++): a correct unwarp measures 0.95,
    # one pixel of misregistration already costs more than 0.1.
    straight = render_straight(cv2, "Curved text reads straight", 40)
    image, polygon = bend_on_arc(cv2, straight, 0.8 * math.pi, 17)
    strip = cv2.adaptivetext.rectifyText(image, polygon, height=40)
    ref = cv2.resize(straight, (strip.shape[1], strip.shape[0]), interpolation=cv2.INTER_AREA)
    x, y, w, h = cv2.boundingRect(polygon)
    crop = cv2.resize(image[y:y + h, x:x + w], (strip.shape[1], strip.shape[0]), interpolation=cv2.INTER_AREA)
    assert ncc(cv2, strip, ref) > 0.9
    assert ncc(cv2, crop, ref) < 0.5


def test_vertical_text_is_an_upright_column(cv2):
    straight = render_straight(cv2, "VERTICAL", 30)
    image = cv2.copyMakeBorder(cv2.rotate(straight, cv2.ROTATE_90_CLOCKWISE), 5, 5, 5, 5, cv2.BORDER_CONSTANT,
                               value=255)
    left, right, top, bottom = 5, 5 + 29, 5, 5 + straight.shape[1] - 1
    column = np.float32([[right, top], [right, bottom], [left, bottom], [left, top]])
    assert cv2.adaptivetext.isVerticalText(column)
    strip = cv2.adaptivetext.rectifyText(image, column)
    assert strip.shape[0] > strip.shape[1]


@pytest.mark.parametrize("polygon, message", [
    ([[1, 1], [10, 1], [10, 10]], "has 3 points; at least 4"),
    ([[1, 1], [10, 1], [20, 1], [20, 10], [10, 10]], "odd number of points"),
    ([[1, 1], [60, 1], [59, 10], [1, 10]], "is outside the 60 x 50 image"),
    ([[1, 1], [10, 1], [20, 1], [30, 1]], "zero area"),
])
def test_bad_polygons_raise(cv2, polygon, message):
    with pytest.raises(cv2.error, match=message):
        cv2.adaptivetext.rectifyText(np.zeros((50, 60), np.uint8), np.float32(polygon))


def test_detect_and_rectify(cv2, data_path):
    image = np.load(data_path("tiny_detector.image.npy")).astype(np.uint8)
    detector = cv2.AdaptiveTextDetector.create(data_path("tiny_detector.onnx"), (64, 48), 0.5, 0.3)
    polygons, scores, strips = detector.detectAndRectify(image)
    assert len(polygons) == len(np.ravel(scores)) == len(strips) > 0
    for polygon, strip in zip(polygons, strips):
        if strip.size:
            assert np.array_equal(strip, cv2.adaptivetext.rectifyText(image, polygon))


@needs_tesseract
def test_tesseract_reads_the_rectified_arc(cv2):
    straight = render_straight(cv2, TRUTH, 48)
    image, polygon = bend_on_arc(cv2, straight, math.pi, 25)
    sys.path.insert(0, os.path.join(REPO, "samples"))
    import read_curved_text
    strip_accuracy = accuracy(read_curved_text.read(cv2.adaptivetext.rectifyText(image, polygon)), TRUTH)
    x, y, w, h = cv2.boundingRect(polygon)
    crop_accuracy = accuracy(read_curved_text.read(image[y:y + h, x:x + w]), TRUTH)
    print("character accuracy: rectified %.3f, bounding-box crop %.3f" % (strip_accuracy, crop_accuracy))
    assert strip_accuracy >= 0.9
    assert crop_accuracy < strip_accuracy


@needs_tesseract
def test_python_sample_reads_the_shipped_image():
    sample = os.path.join(REPO, "samples", "read_curved_text.py")
    # The model path is explicit: the default-model search relies on the absolute source path in __FILE__,
    # which a ccache with base_dir turns relative.
    out = subprocess.run([sys.executable, sample, os.path.join(REPO, "data", "samples", "curved_text.jpg"),
                          os.path.join(REPO, "data", "models", "adaptivetext_default.onnx")],
                         capture_output=True, text=True, check=True, env=os.environ.copy()).stdout
    print(out)
    lines = out.splitlines()
    assert len(lines) >= 3 and all(": " in line for line in lines)
    assert any("small plaza" in line.lower() for line in lines)
    # One reading of one arc is Tesseract's draw between models of equal quality ("nigh colfee digita" with
    # one, "bish col ee digital" with the next), so the arc is only required to be read as something here;
    # how well the model's outlines read is measured over 33 lines by the C++ test
    # recognition/shipped_outlines_read_like_the_true_ones (doc/recognition.md).
    assert max(accuracy(line.split(": ", 1)[1], "high coffee digital") for line in lines) > 0


@needs_tesseract
def test_measure_recognition_runs(cv2):
    script = os.path.join(REPO, "tools", "measure_recognition.py")
    out = subprocess.run([sys.executable, script, "--images", "3"], capture_output=True, text=True, check=True,
                         env=os.environ.copy()).stdout
    assert "rectified strips" in out and "bounding-box crops" in out
