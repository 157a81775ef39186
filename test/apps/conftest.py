# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Fixtures for the command-line tools of the standalone build (ctest entry pytest_apps sets
ADAPTIVETEXT_BUILD_DIR): paths of the built tools, a test image, a folder of images."""
import os
import subprocess

import numpy as np
import pytest

DATA_DIR = os.environ.get("ADAPTIVETEXT_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
TOOLS = {
    "detection": "samples/adaptive_text_detection",
    "dump": "apps/adaptive_text_dump/adaptive_text_dump",
    "eval": "apps/adaptive_text_eval/adaptive_text_eval",
    "benchmark": "apps/adaptive_text_benchmark/adaptive_text_benchmark",
}


@pytest.fixture(scope="session")
def tool():
    build = os.environ.get("ADAPTIVETEXT_BUILD_DIR")
    if not build:
        pytest.fail("ADAPTIVETEXT_BUILD_DIR is not set: run through ctest (entry pytest_apps)")

    def path(name):
        full = os.path.join(build, TOOLS[name])
        assert os.access(full, os.X_OK), "%s is not built" % full
        return full
    return path


@pytest.fixture(scope="session")
def run(tool):
    """run(name, *args) -> CompletedProcess with text stdout/stderr; never raises on a non-zero exit."""
    def call(name, *args, stdout=subprocess.PIPE):
        return subprocess.run([tool(name)] + [str(a) for a in args], stdout=stdout, stderr=subprocess.PIPE,
                              text=True, timeout=300)
    return call


@pytest.fixture(scope="session")
def model():
    return os.path.join(DATA_DIR, "tiny_detector.onnx")


def write_png(path, image):
    import cv2  # Debian's cv2 is enough to write the test images
    assert cv2.imwrite(str(path), image)
    return path


@pytest.fixture
def image_file(tmp_path):
    image = np.load(os.path.join(DATA_DIR, "tiny_detector.image.npy")).astype(np.uint8)
    return write_png(tmp_path / "frame.png", image)


@pytest.fixture
def image_dir(tmp_path):
    """a.png, b.png, c.png: the tiny detector's test image, flipped differently."""
    image = np.load(os.path.join(DATA_DIR, "tiny_detector.image.npy")).astype(np.uint8)
    folder = tmp_path / "images"
    folder.mkdir()
    for name, variant in (("a", image), ("b", image[:, ::-1]), ("c", image[::-1])):
        write_png(folder / (name + ".png"), np.ascontiguousarray(variant))
    return folder
