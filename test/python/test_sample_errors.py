# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The Python sample (samples/adaptive_text_detection.py) on the issue-11 cases: output that cannot be written
is an error before the first image and in the middle of a run; bad numeric options exit 2 with the usage;
a folder run summarises "N frames, K failed"."""
import os
import subprocess
import sys

import numpy as np
import pytest

SAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "adaptive_text_detection.py")


@pytest.fixture
def sample(cv2, data_path):
    def run(*args):
        cmd = [sys.executable, SAMPLE, "--model", data_path("tiny_detector.onnx"), "--width", "64", "--height",
               "48", "--score", "0.5"] + [str(a) for a in args]
        return subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy(), timeout=300)
    return run


@pytest.fixture
def image_dir(cv2, data_path, tmp_path):
    image = np.load(data_path("tiny_detector.image.npy")).astype(np.uint8)
    folder = tmp_path / "images"
    folder.mkdir()
    for name, variant in (("a", image), ("b", image[:, ::-1]), ("c", image[::-1])):
        assert cv2.imwrite(str(folder / (name + ".png")), np.ascontiguousarray(variant))
    return folder


def test_output_folder_that_cannot_be_created(sample, image_dir):
    result = sample("--input", image_dir / "a.png", "--output", "/proc/forbidden")
    assert result.returncode == 1, result
    assert "/proc/forbidden" in result.stderr
    assert "text regions" not in result.stdout


def test_output_folder_under_a_regular_file(sample, image_dir, tmp_path):
    regular = tmp_path / "regular_file"
    regular.write_text("x")
    result = sample("--input", image_dir / "a.png", "--output", regular / "x")
    assert result.returncode == 1, result
    assert str(regular / "x") in result.stderr
    assert "text regions" not in result.stdout


@pytest.mark.parametrize("option", [("--long_side", "-5"), ("--score", "nan"), ("--score", "1.5"),
                                    ("--nms", "-1"), ("--width", "5000"), ("--backend", "99")])
def test_bad_numeric_options_are_usage_errors(sample, image_dir, option):
    result = sample("--input", image_dir / "a.png", *option)
    assert result.returncode == 2, result
    assert "usage:" in result.stderr and "out of range" in result.stderr, result.stderr


@pytest.mark.parametrize("blocked", ["b.txt", "b.png"])
def test_write_failure_in_a_folder_run(sample, image_dir, tmp_path, blocked):
    out = tmp_path / "out"
    out.mkdir()
    os.symlink("/dev/full", str(out / blocked))
    result = sample("--input", image_dir, "--output", out)
    assert result.returncode == 1, result
    assert str(out / blocked) in result.stderr
    assert "2 frames, 1 failed" in result.stdout
    assert (out / "a.txt").stat().st_size > 0 and (out / "a.png").stat().st_size > 0
    assert not (out / "c.txt").exists()


def test_folder_run_with_an_unreadable_image(sample, image_dir, tmp_path):
    (image_dir / "broken.png").write_bytes(b"not a png")
    result = sample("--input", image_dir, "--output", tmp_path / "out")
    assert result.returncode == 1, result
    assert "4 frames, 1 failed" in result.stdout
    assert "broken.png: cannot read the image" in result.stderr
    assert (tmp_path / "out" / "c.txt").exists()
