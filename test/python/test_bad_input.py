# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Bad input through cv2.AdaptiveTextDetector (issue 11): each frame raises cv2.error or gives the correct
result, never a crash; every setter and create() refuse values outside the ranges of detector.hpp."""
import math
import resource

import numpy as np
import pytest

NET_SIZE = (64, 48)


@pytest.fixture
def detector(cv2, data_path):
    return cv2.AdaptiveTextDetector.create(data_path("tiny_detector.onnx"), NET_SIZE, 0.5, 0.3)


@pytest.fixture
def image(data_path):
    return np.load(data_path("tiny_detector.image.npy")).astype(np.uint8)


def same(result_a, result_b):
    (polys_a, scores_a), (polys_b, scores_b) = result_a, result_b
    return (len(polys_a) == len(polys_b) and all(np.array_equal(a, b) for a, b in zip(polys_a, polys_b))
            and np.array_equal(np.ravel(scores_a), np.ravel(scores_b)))


# --- frames ---

def test_none(cv2, detector):
    with pytest.raises(cv2.error, match="frame is empty"):
        detector.detect(None)


def test_float64(cv2, detector, image):
    with pytest.raises(cv2.error, match="must be 8-bit"):
        detector.detect(image.astype(np.float64))


def test_five_channels(cv2, detector):
    with pytest.raises(cv2.error, match="1 \\(gray\\), 3 \\(BGR\\) or 4 \\(BGRA\\) channels"):
        detector.detect(np.zeros((48, 64, 5), np.uint8))


@pytest.mark.parametrize("shape", [(0, 0), (0, 0, 3), (0, 64, 3), (48, 0)])
def test_empty(cv2, detector, shape):
    with pytest.raises(cv2.error, match="frame is empty"):
        detector.detect(np.zeros(shape, np.uint8))


def test_non_contiguous_view_gives_the_result_of_its_copy(detector, image):
    wide = np.ascontiguousarray(np.repeat(image, 2, axis=1))  # 48x128
    view = wide[:, ::2]
    assert not view.flags["C_CONTIGUOUS"]
    assert same(detector.detect(view), detector.detect(np.ascontiguousarray(view)))
    # A sub-rectangle view (rows with a stride larger than their width) as well.
    framed = np.zeros((image.shape[0] + 10, image.shape[1] + 20, 3), np.uint8)
    framed[5:-5, 10:-10] = image
    assert same(detector.detect(framed[5:-5, 10:-10]), detector.detect(image))


def test_reversed_and_transposed_views(detector, image):
    for view in (image[::-1], image[:, ::-1], image.transpose(1, 0, 2)):
        assert same(detector.detect(view), detector.detect(np.ascontiguousarray(view)))


def test_huge_frame_runs_without_a_full_size_copy(cv2, data_path):
    # 20000x20000x3 (1.2 GB): cv2 wraps a C-contiguous uint8 array without copying it and the detector resizes
    # before anything else, so detecting grows the peak resident memory by far less than the frame's size.
    # The frame is written before the baseline is taken, so that it is resident already: whether merely
    # reading untouched pages costs memory depends on the kernel (zero page, transparent huge pages), and a
    # CI machine measured 1177 MB from reading alone. (A broadcast or strided view would be copied to a
    # contiguous array by cv2 itself, before the detector is called: doc/reliability.md.)
    detector = cv2.AdaptiveTextDetector.create(data_path("tiny_detector.onnx"))  # no settings: long side 512
    huge = np.empty((20000, 20000, 3), np.uint8)
    huge.fill(0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    polygons, scores = detector.detect(huge)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0 - before
    del huge
    assert len(polygons) == len(np.ravel(scores))
    for poly in polygons:
        assert poly.min() >= 0 and poly[:, 0].max() < 20000 and poly[:, 1].max() < 20000
    assert grown < 600, "peak RSS grew by %.0f MB: the 1.2 GB frame was copied" % grown


def test_huge_fixed_size_is_refused_by_the_cap(cv2, detector):
    with pytest.raises(cv2.error, match="out of range"):
        detector.setInputSize((20000, 20000))


# --- settings ---

@pytest.mark.parametrize("value", [-0.1, 1.1, math.nan, math.inf])
def test_thresholds(cv2, detector, value):
    with pytest.raises(cv2.error, match="scoreThreshold .* out of range"):
        detector.setScoreThreshold(value)
    with pytest.raises(cv2.error, match="nmsThreshold .* out of range"):
        detector.setNMSThreshold(value)
    assert detector.getScoreThreshold() == pytest.approx(0.5)
    assert detector.getNMSThreshold() == pytest.approx(0.3)


@pytest.mark.parametrize("size", [(-5, 48), (64, 0), (4097, 48), (64, 100000)])
def test_input_size(cv2, detector, size):
    with pytest.raises(cv2.error, match="inputSize"):
        detector.setInputSize(size)
    assert detector.getInputSize() == NET_SIZE


def test_side_length_and_policy(cv2, detector):
    for side in (-5, 0, 15, 4097):
        with pytest.raises(cv2.error, match="sideLength = %d is out of range" % side):
            detector.setInputSizePolicy(cv2.AdaptiveTextDetector_INPUT_SIZE_LONG_SIDE, side)
    for policy in (cv2.AdaptiveTextDetector_INPUT_SIZE_FIXED, 3, -1):
        with pytest.raises(cv2.error, match="policy"):
            detector.setInputSizePolicy(policy, 320)
    assert detector.getInputSizePolicy() == cv2.AdaptiveTextDetector_INPUT_SIZE_FIXED
    detector.setInputSizePolicy(cv2.AdaptiveTextDetector_INPUT_SIZE_SHORT_SIDE,
                                cv2.AdaptiveTextDetector_MIN_SIDE_LENGTH)
    assert detector.getSideLength() == 16
    assert cv2.AdaptiveTextDetector_MAX_INPUT_SIDE == 4096


def test_backend_and_target(cv2, detector):
    with pytest.raises(cv2.error, match="backendId"):
        detector.setPreferableBackend(99)
    with pytest.raises(cv2.error, match="targetId"):
        detector.setPreferableTarget(-1)


def test_create_checks_its_settings(cv2, data_path):
    model = data_path("tiny_detector.onnx")
    with pytest.raises(cv2.error, match="scoreThreshold = nan"):
        cv2.AdaptiveTextDetector.create(model, NET_SIZE, math.nan)
    with pytest.raises(cv2.error, match="inputSize.width = -5"):
        cv2.AdaptiveTextDetector.create(model, (-5, 48))
    with pytest.raises(cv2.error, match="backendId = 42"):
        cv2.AdaptiveTextDetector.create(model, NET_SIZE, 0.5, 0.3, 42)
