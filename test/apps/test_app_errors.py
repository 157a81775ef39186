# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Issue 11 for the C++ tools: output that cannot be written is an error (before the first input, and in the
middle of a run), bad numeric options exit 2 with a usage message, folder and video runs summarise
"N frames, K failed" and exit non-zero when an input failed."""
import os

import numpy as np
import pytest

from conftest import write_png

TINY = ("--width=64", "--height=48", "--score=0.5")


def detect(run, model, *args, **kwargs):
    return run("detection", "--model=%s" % model, *TINY, *args, **kwargs)


def assert_refused_before_work(result, path):
    assert result.returncode == 1, result
    assert path in result.stderr, result.stderr
    assert "text regions" not in result.stdout  # no image was processed


# --- the three rows of the table ---

def test_output_folder_that_cannot_be_created(run, model, image_file):
    result = detect(run, model, "--input=%s" % image_file, "--output=/proc/forbidden")
    assert_refused_before_work(result, "/proc/forbidden")
    assert not os.path.exists("/proc/forbidden")


def test_output_folder_under_a_regular_file(run, model, image_file, tmp_path):
    regular = tmp_path / "regular_file"
    regular.write_text("not a folder")
    target = str(regular / "x")
    result = detect(run, model, "--input=%s" % image_file, "--output=%s" % target)
    assert_refused_before_work(result, target)
    assert regular.read_text() == "not a folder"


def test_output_folder_that_is_a_regular_file(run, model, image_file, tmp_path):
    regular = tmp_path / "regular_file"
    regular.write_text("keep me")
    result = detect(run, model, "--input=%s" % image_file, "--output=%s" % regular)
    assert_refused_before_work(result, str(regular))
    assert regular.read_text() == "keep me"


def test_negative_long_side_is_a_usage_error(run, model, image_file):
    result = run("detection", "--model=%s" % model, "--input=%s" % image_file, "--long_side=-5")
    assert result.returncode == 2, result
    assert "--long_side=-5 is out of range: it must be in [16, 4096]" in result.stderr
    assert "Usage:" in result.stdout  # CommandLineParser's usage message
    assert "text regions" not in result.stdout


@pytest.mark.parametrize("option, expected", [
    ("--score=1.5", "--score=1.5 is out of range: it must be in [0, 1]"),
    ("--score=-0.1", "--score=-0.1 is out of range"),
    ("--nms=2", "--nms=2 is out of range"),
    ("--short_side=8", "--short_side=8 is out of range: it must be in [16, 4096]"),
    ("--long_side=5000", "--long_side=5000 is out of range"),
    ("--backend=99", "--backend=99 is out of range"),
    ("--target=-1", "--target=-1 is out of range"),
    ("--score=abc", "not a number"),
    ("--verifier_score=2", "--verifier_score=2 is out of range: it must be -1 (the default) or in [0, 1]"),
])
def test_bad_numeric_options_are_usage_errors(run, model, image_file, option, expected):
    result = run("detection", "--model=%s" % model, "--input=%s" % image_file, option)
    assert result.returncode == 2, result
    assert expected in result.stderr, result.stderr


@pytest.mark.parametrize("verifier, expected", [
    ("no_such_verifier.onnx", "cannot read the verifier 'no_such_verifier.onnx'"),
    ("@MODEL@", "is not an adaptivetext verifier"),  # an ONNX file, but the detector's, not a verifier
])
def test_a_file_that_is_not_a_verifier_fails_before_any_image(run, model, image_file, verifier, expected):
    result = detect(run, model, "--input=%s" % image_file, "--verifier=%s" % verifier.replace("@MODEL@", model))
    assert result.returncode == 1, result
    assert expected in result.stderr, result.stderr
    assert "text regions" not in result.stdout


@pytest.mark.parametrize("sizes", [("--width=-64", "--height=48"), ("--width=64", "--height=5000"),
                                   ("--width=64",), ("--width=64", "--height=48", "--long_side=320")])
def test_bad_sizes_are_usage_errors(run, model, image_file, sizes):
    result = run("detection", "--model=%s" % model, "--input=%s" % image_file, *sizes)
    assert result.returncode == 2, result


# --- writes that fail in the middle of a run ---

@pytest.mark.parametrize("blocked", ["b.txt", "b.png"])
def test_write_failure_in_a_folder_run_stops_and_keeps_earlier_files(run, model, image_dir, tmp_path, blocked):
    # /dev/full accepts the open and fails the write (ENOSPC), like a disk that fills up during the run.
    # b.png covers the case cv::imwrite misses: a small PNG on a full device reported success.
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink("/dev/full", str(out / blocked))
    result = detect(run, model, "--input=%s" % image_dir, "--output=%s" % out)
    assert result.returncode == 1, result
    assert str(out / blocked) in result.stderr, result.stderr
    assert "2 frames, 1 failed" in result.stdout
    for kept in ("a.txt", "a.png"):
        assert (out / kept).stat().st_size > 0, kept  # the images processed before keep their files
    assert not (out / "c.txt").exists()  # stopped: nothing after the failure
    assert not (out / blocked).exists()  # no partial file (the link was replaced by nothing)


def test_folder_run_with_an_unreadable_image(run, model, image_dir, tmp_path):
    (image_dir / "broken.png").write_bytes(b"not a png at all")
    out = tmp_path / "out"
    result = detect(run, model, "--input=%s" % image_dir, "--output=%s" % out)
    assert result.returncode == 1, result
    assert "4 frames, 1 failed" in result.stdout
    assert "broken.png: cannot read the image" in result.stderr
    assert "1 of 4 inputs failed" in result.stderr
    assert all((out / (n + ".txt")).exists() for n in "abc")


def test_folder_run_that_succeeds(run, model, image_dir, tmp_path):
    out = tmp_path / "out"
    result = detect(run, model, "--input=%s" % image_dir, "--output=%s" % out)
    assert result.returncode == 0, result
    assert "3 frames, 0 failed" in result.stdout
    assert len(list(out.iterdir())) == 6  # NAME.txt and NAME.png each; the write probe is gone


def write_video(path, frames):
    import cv2
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5, (frames[0].shape[1], frames[0].shape[0]))
    if not writer.isOpened():
        pytest.skip("this OpenCV cannot write MJPG video")
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def test_video_run_summarises_and_fails_on_a_write_failure(run, model, tmp_path):
    image = np.load(os.path.join(os.path.dirname(model), "tiny_detector.image.npy")).astype(np.uint8)
    video = write_video(tmp_path / "clip.avi", [image] * 3)
    out = tmp_path / "out"
    result = detect(run, model, "--input=%s" % video, "--output=%s" % out)
    if "videoio" in result.stderr:
        pytest.skip("samples app built without videoio")
    assert result.returncode == 0, result
    assert "3 frames, 0 failed" in result.stdout
    os.remove(str(out / "clip_000001.txt"))
    os.symlink("/dev/full", str(out / "clip_000001.txt"))
    result = detect(run, model, "--input=%s" % video, "--output=%s" % out)
    assert result.returncode == 1, result
    assert "2 frames, 1 failed" in result.stdout
    assert "clip_000001.txt" in result.stderr


def test_standard_output_that_cannot_be_written(run, model, image_file):
    with open("/dev/full", "w") as full:
        result = detect(run, model, "--input=%s" % image_file, stdout=full)
    assert result.returncode == 1, result
    assert "cannot write to the standard output" in result.stderr


# --- the dump tool, the evaluator and the benchmark ---

def test_dump_refuses_an_unwritable_folder_and_a_failed_write(run, model, image_file, tmp_path):
    result = run("dump", "--model=%s" % model, "--input=%s" % image_file, "--width=64", "--height=48",
                 "--out=/proc/forbidden")
    assert result.returncode == 1 and "/proc/forbidden" in result.stderr, result
    out = tmp_path / "dump"
    out.mkdir()
    os.symlink("/dev/full", str(out / "pairs.npy"))
    result = run("dump", "--model=%s" % model, "--input=%s" % image_file, "--width=64", "--height=48",
                 "--out=%s" % out)
    assert result.returncode == 1, result
    assert str(out / "pairs.npy") in result.stderr
    assert (out / "rois.npy").stat().st_size > 0  # written before the failure


@pytest.mark.parametrize("sizes", [("--width=-16", "--height=48"), ("--width=64", "--height=5008"),
                                   ("--width=60", "--height=48"), ("--width=64",), ("--width=x",)])
def test_dump_bad_sizes_are_usage_errors(run, model, image_file, tmp_path, sizes):
    result = run("dump", "--model=%s" % model, "--input=%s" % image_file, "--out=%s" % tmp_path, *sizes)
    assert result.returncode == 2, result


def eval_case():
    root = os.path.join(os.path.dirname(__file__), "..", "data", "eval_cases")
    return os.path.join(root, "split"), os.path.join(root, "pred")


def test_eval_unknown_protocol_is_a_usage_error(run):
    gt, pred = eval_case()
    result = run("eval", "--gt", gt, "--pred", pred, "--protocol", "icdar2099")
    assert result.returncode == 2, result
    assert "icdar2099" in result.stderr


def test_eval_results_that_cannot_be_written(run):
    gt, pred = eval_case()
    assert run("eval", "--gt", gt, "--pred", pred).returncode == 0
    with open("/dev/full", "w") as full:
        result = run("eval", "--gt", gt, "--pred", pred, stdout=full)
    assert result.returncode == 1, result
    assert "standard output" in result.stderr


@pytest.mark.parametrize("option", ["--threads=abc", "--threads=0", "--sizes=long-5", "--sizes=short8",
                                    "--sizes=5000x16", "--runs=3", "--warmup=0"])
def test_benchmark_bad_options_are_usage_errors(run, model, image_file, option):
    result = run("benchmark", "--model=%s" % model, "--image=%s" % image_file, option)
    assert result.returncode == 2, result
    assert "error:" in result.stderr


def test_benchmark_with_a_file_that_is_not_a_verifier_fails(run, model, image_file):
    result = run("benchmark", "--model=%s" % model, "--image=%s" % image_file, "--sizes=64x48", "--threads=1",
                 "--runs=10", "--warmup=1", "--verifier=no_such_verifier.onnx")
    assert result.returncode == 1, result
    assert "cannot read the verifier 'no_such_verifier.onnx'" in result.stderr, result.stderr


def test_benchmark_refuses_an_unwritable_json_file_before_measuring(run, model, image_file):
    result = run("benchmark", "--model=%s" % model, "--image=%s" % image_file, "--sizes=64x48", "--threads=1",
                 "--json=/proc/forbidden/bench.json")
    assert result.returncode == 1, result
    assert "/proc/forbidden/bench.json" in result.stderr
    assert "peak MiB" not in result.stdout  # no table: nothing was measured


@pytest.mark.parametrize("app, args", [
    ("detection", ("-m", "MODEL", "-i", "IMAGE", "-o", "OUT") + TINY),
    ("detection", ("--model", "MODEL", "--input", "IMAGE", "--output", "OUT") + TINY),
    ("dump", ("-m", "MODEL", "-i", "IMAGE", "-o", "OUT", "--width=64", "--height=48")),
    ("benchmark", ("-m", "MODEL", "-i", "IMAGE", "--json", "OUT", "--sizes=64x48", "--threads=1", "--runs=10",
                   "--warmup=1")),
])
def test_option_value_after_a_space(run, model, image_file, tmp_path, app, args):
    """CommandLineParser alone reads "-i photo.jpg" as a flag plus a stray word; the tools join the string
    options' values, so the space form does what the '=' form does: it finishes and writes its output."""
    args = [a.replace("MODEL", model).replace("IMAGE", str(image_file)).replace("OUT", str(tmp_path / "out"))
            for a in args]
    result = run(app, *args)
    assert result.returncode == 0, result
    assert (tmp_path / "out").exists()
