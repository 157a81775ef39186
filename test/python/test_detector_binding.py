# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""cv2.AdaptiveTextDetector from OpenCV's generated bindings, on the tiny detector of
tools/testdata/gen_tiny_detector.py (expected polygons computed by NumPy, not by the module)."""
import os
import subprocess
import sys

import numpy as np
import pytest

NET_SIZE = (64, 48)


@pytest.fixture
def image(data_path):
    return np.load(data_path("tiny_detector.image.npy")).astype(np.uint8)


@pytest.fixture
def expected(data_path):
    polys = np.load(data_path("tiny_detector.polys_s1.npy"))
    counts = np.load(data_path("tiny_detector.counts.npy")).astype(int)
    scores = np.load(data_path("tiny_detector.scores.npy"))
    return [p[:n] for p, n in zip(polys, counts)], scores


@pytest.fixture
def detector(cv2, data_path):
    return cv2.AdaptiveTextDetector.create(data_path("tiny_detector.onnx"), NET_SIZE, 0.5, 0.3)


def test_register_layers_exists(cv2):
    assert callable(cv2.adaptivetext.registerLayers)
    cv2.adaptivetext.registerLayers()
    assert cv2.adaptivetext.layersRegistered()


def test_create_through_both_names(cv2, data_path):
    model = data_path("tiny_detector.onnx")
    for factory in (cv2.AdaptiveTextDetector.create, cv2.AdaptiveTextDetector_create):
        det = factory(model, NET_SIZE)
        assert det.getInputSize() == NET_SIZE
        assert det.getInputSizePolicy() == cv2.AdaptiveTextDetector_INPUT_SIZE_FIXED


def test_detect_returns_int32_polygons_and_float32_scores(detector, image, expected):
    polygons, scores = detector.detect(image)
    ref_polys, ref_scores = expected
    assert isinstance(polygons, tuple)
    assert len(polygons) == len(ref_polys)
    for got, ref in zip(polygons, ref_polys):
        assert isinstance(got, np.ndarray) and got.dtype == np.int32 and got.shape == ref.shape
        assert np.abs(got - ref).max() <= 1.0  # rounding to integer pixels
    scores = np.asarray(scores)
    assert scores.dtype == np.float32
    np.testing.assert_allclose(scores.ravel(), ref_scores, rtol=1e-4)


def test_rectangles_are_min_area_rects_of_the_polygons(cv2, detector, image, expected):
    rects, rect_scores = detector.detectTextRectangles(image)
    assert len(rects) == len(expected[0])
    for (center, size, _), poly in zip(rects, expected[0]):
        (ref_center, ref_size, _) = cv2.minAreaRect(poly.astype(np.float32))
        assert np.hypot(center[0] - ref_center[0], center[1] - ref_center[1]) < 0.05
        assert size[0] * size[1] == pytest.approx(ref_size[0] * ref_size[1], rel=1e-2)
    np.testing.assert_allclose(np.ravel(rect_scores), expected[1], rtol=1e-4)


def test_setters_and_getters(cv2, detector):
    detector.setScoreThreshold(0.7)
    assert detector.getScoreThreshold() == pytest.approx(0.7)
    detector.setNMSThreshold(0.4)
    assert detector.getNMSThreshold() == pytest.approx(0.4)
    detector.setInputSizePolicy(cv2.AdaptiveTextDetector_INPUT_SIZE_LONG_SIDE, 100)
    assert detector.getSideLength() == 96  # rounded to the stride
    assert detector.getInputSizePolicy() == cv2.AdaptiveTextDetector_INPUT_SIZE_LONG_SIDE
    detector.setSmallTextPass(700, 20.5)
    assert detector.getSmallTextSideLength() == 704  # rounded to the stride
    assert detector.getSmallTextSplitHeight() == pytest.approx(20.5)
    with pytest.raises(cv2.error, match="splitHeight"):
        detector.setSmallTextPass(700, 0.0)
    detector.setSmallTextPass(0, 20.5)  # one pass
    assert detector.getSmallTextSideLength() == 0


def test_find_model_names_the_file_create_loads(cv2):
    # A static CV_WRAP method: also cv2.AdaptiveTextDetector_findModel, as create.
    assert cv2.AdaptiveTextDetector.findModel("/a/b.onnx") == "/a/b.onnx"
    found = cv2.AdaptiveTextDetector_findModel("words")
    assert os.path.basename(found) == "adaptivetext_words.onnx" and os.path.exists(found)
    assert os.path.basename(cv2.AdaptiveTextDetector.findModel("")) == "adaptivetext_default.onnx"


def test_bad_frame_raises_cv2_error_with_message(cv2, detector):
    with pytest.raises(cv2.error, match="must be 8-bit"):
        detector.detect(np.zeros((48, 64, 3), np.float32))
    with pytest.raises(cv2.error, match="1 \\(gray\\), 3 \\(BGR\\) or 4 \\(BGRA\\) channels"):
        detector.detect(np.zeros((48, 64, 2), np.uint8))


def test_missing_model_raises_cv2_error(cv2):
    with pytest.raises(cv2.error, match="does not exist"):
        cv2.AdaptiveTextDetector.create("/nonexistent/model.onnx")


def test_python_sample_runs(cv2, data_path, image, tmp_path):
    # The sample writes NAME.txt with integer vertices then the score, like the C++ app. --score 0.5: the tiny
    # model's reference polygons are those kept at 0.5; the sample's default, 0.7, is tuned for the shipped model.
    cv2.imwrite(str(tmp_path / "frame.png"), image)
    sample = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "adaptive_text_detection.py")
    out = tmp_path / "out"
    subprocess.run([sys.executable, sample, "--input", str(tmp_path / "frame.png"), "--model",
                    data_path("tiny_detector.onnx"), "--width", "64", "--height", "48", "--score", "0.5",
                    "--output", str(out)],
                   check=True, env=os.environ.copy())
    lines = (out / "frame.txt").read_text().splitlines()
    assert len(lines) == 3
    values = lines[0].split(",")
    assert len(values) % 2 == 1 and all(v.lstrip("-").isdigit() for v in values[:-1])
    assert (out / "frame.png").is_file()


def test_verifier_setting_through_the_binding(cv2, detector):
    # The tiny detector is not the shipped line model: it starts without a verifier.
    assert detector.getVerifier() == ""
    detector.setVerifier("verifier")  # the shipped one, with the default candidate score
    assert detector.getVerifier().endswith("adaptivetext_verifier.onnx")
    assert abs(detector.getVerifierCandidateScore() - 0.2045) < 1e-6
    detector.setVerifier("", 0.5)
    assert detector.getVerifier() == "" and detector.getVerifierCandidateScore() == 0.5
    with pytest.raises(cv2.error, match="candidateScore"):
        detector.setVerifier("verifier", 2.0)
