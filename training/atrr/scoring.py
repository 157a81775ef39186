# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Runs the standalone build's C++ programs on a split: the samples app (adaptive_text_detection) for detections,
the evaluator (adaptive_text_eval) for precision, recall and F. The C++ evaluator is the reference for every
reported score (doc/evaluation.md); this module only drives it. Shared by the verifier's training
(training/atrr/verifier.py) and the validation scorers under tools/eval/.

A split is given as NAME=GT_DIR:IMAGES_DIR: GT_DIR holds NAME.txt ground truth (uniform format), IMAGES_DIR the
images of those names (any extension); only the images named in GT_DIR are run.
"""
import glob
import hashlib
import json
import os
import subprocess

import cv2

from training.atrr.data.readers import find_image
from training.atrr.detections import FIRST_SIDE, SECOND_SIDE, SPLIT_AT_512, read_dets, two_pass


def link_images(gt_dir, images_dir, out_dir):
    """Symlinks into out_dir the images that GT_DIR names; returns their names, sorted."""
    os.makedirs(out_dir, exist_ok=True)
    names = sorted(os.path.splitext(f)[0] for f in os.listdir(gt_dir) if f.endswith(".txt"))
    for name in names:
        src = find_image(images_dir, name)
        os.symlink(os.path.abspath(src), os.path.join(out_dir, os.path.basename(src)))
    return names


def threshold(pred_dir, out_dir, score):
    """Copies pred_dir's detection files to out_dir keeping the lines scored >= score."""
    os.makedirs(out_dir, exist_ok=True)
    for path in glob.glob(os.path.join(pred_dir, "*.txt")):
        lines = [ln for ln in open(path) if ln.strip() and float(ln.rsplit(",", 1)[1]) >= score]
        with open(os.path.join(out_dir, os.path.basename(path)), "w") as f:
            f.writelines(lines)


def evaluate(build, gt_dir, pred_dir, protocol):
    """(precision, recall, hmean) of pred_dir against gt_dir, by the C++ evaluator of the build folder."""
    out = subprocess.run([os.path.join(build, "apps", "adaptive_text_eval", "adaptive_text_eval"),
                          "--gt=" + gt_dir, "--pred=" + pred_dir, "--protocol=" + protocol],
                         check=True, capture_output=True, text=True).stdout
    summary = json.loads(out.strip().splitlines()[-1])  # the evaluator's last line is a JSON summary
    p, r, f = summary["precision"], summary["recall"], summary["hmean"]
    return p, r, f


def write_csv(path, header, row_format, rows):
    """One CSV table: the header line, then each row formatted with row_format (no newline)."""
    with open(path, "w") as f:
        f.write(header + "\n")
        for row in rows:
            f.write(row_format % row + "\n")


def run_pass(build, model, images, side, out_dir, score):
    """One pass of the samples app over a folder (long side `side`, no second pass, no NMS), into out_dir; a
    folder already filled is kept (the caller's cache)."""
    if os.path.isdir(out_dir) and os.listdir(out_dir):
        return
    app = os.path.join(build, "samples", "adaptive_text_detection")
    subprocess.run([app, "--model=" + model, "--input=" + images, "--output=" + out_dir, "--long_side=%d" % side,
                    "--small_side=0", "--score=%g" % score, "--nms=1"], check=True, capture_output=True)


def model_tag(path):
    """A short hash of the model's bytes: the pass cache is per model content."""
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()[:12]


def open_sets(specs, tmp):
    """(name, gt_dir, images, names, sizes) for each NAME=GT_DIR:IMAGES_DIR, its images linked under tmp."""
    for spec in specs:
        name, dirs = spec.split("=", 1)
        gt_dir, images_dir = dirs.split(":", 1)
        images = os.path.join(tmp, name + "_images")
        names = link_images(gt_dir, images_dir, images)
        sizes = {n: cv2.imread(find_image(images, n)).shape[:2] for n in names}
        yield name, gt_dir, images, names, sizes


def detector_pools(build, model, cache, pass_score, name, images, names, sizes, sides=(FIRST_SIDE, SECOND_SIDE)):
    """{image name: candidates} of the detector's two passes, merged by thickness, before its NMS; each pass runs
    once in the C++ app and is kept under cache/MODEL_TAG/name/SIDE. One side in `sides`: that pass alone."""
    per_side = {}
    for side in sides:
        d = os.path.join(cache, model_tag(model), name, str(side))
        run_pass(build, model, images, side, d, pass_score)
        per_side[side] = {n: read_dets(os.path.join(d, n + ".txt")) for n in names}
    if len(sides) == 1:
        return per_side[sides[0]]
    return {n: two_pass(per_side[512][n], per_side[SECOND_SIDE][n], SPLIT_AT_512 * max(sizes[n]) / 512)
            for n in names}
