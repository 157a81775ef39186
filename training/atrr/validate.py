# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Validation during training: predict, write the files the evaluator reads, score them.

The reference scorer is the project's C++ evaluator (`apps/adaptive_text_eval`, ICDAR 2015 protocol), so
that training curves and reported results use the same code. When its binary cannot be found the
minimal matcher below is used instead and the log says so: polygon IoU > 0.5, one-to-one, greedy in file
order, `###` regions ignored. It is meant to keep a run going, not to report results.
"""
import glob
import json
import os
import shutil
import subprocess
import time

import numpy as np

from . import geometry
from .geometry import polygon_areas, polygon_iou

_raster_areas = geometry.raster_areas  # the rasterised fallback, which training/tests checks directly

EVALUATOR_NAME = "adaptive_text_eval"
SOURCE_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
_warned_missing = []
DONT_CARE = "###"


def prediction_lines(polygons, scores):
    """The evaluator's detection format: one `x1,y1,...,xn,yn,score` line per polygon, integer pixels."""
    lines = []
    for poly, score in zip(polygons, scores):
        pts = np.rint(np.asarray(poly, dtype=np.float64).reshape(-1, 2)).astype(np.int64)
        if len(pts) < 3:
            continue  # not an area: the evaluator would refuse the line
        lines.append(",".join(str(v) for v in pts.reshape(-1)) + ",%.4f" % float(score))
    return lines


def gt_lines(polygons, ignore):
    """The uniform dataset format: `x1,y1,...,xn,yn,TRANSCRIPTION` with `###` for don't-care."""
    lines = []
    for poly, ign in zip(polygons, ignore):
        pts = np.rint(np.asarray(poly, dtype=np.float64).reshape(-1, 2)).astype(np.int64)
        lines.append(",".join(str(v) for v in pts.reshape(-1)) + "," + (DONT_CARE if ign else "CARE"))
    return lines


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))


def find_evaluator(explicit=None):
    """Path of the C++ evaluator: `explicit` (config), $ADAPTIVETEXT_BUILD_DIR/apps/..., PATH, then the
    README's build folder of this source tree (build/), so that a run started after the README's build scores
    with the reference evaluator without further setup."""
    candidates = []
    if explicit:
        candidates.append(explicit)
    build_dir = os.environ.get("ADAPTIVETEXT_BUILD_DIR")
    if build_dir:
        candidates.append(os.path.join(build_dir, "apps", EVALUATOR_NAME, EVALUATOR_NAME))
    on_path = shutil.which(EVALUATOR_NAME)
    if on_path:
        candidates.append(on_path)
    candidates.append(os.path.join(SOURCE_DIR, "build", "apps", EVALUATOR_NAME, EVALUATOR_NAME))
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def run_evaluator(exe, gt_dir, pred_dir, protocol="icdar15", timeout=600):
    """Runs the C++ evaluator; returns its final JSON line as a dict (precision, recall, hmean, ...)."""
    proc = subprocess.run([exe, "--gt", gt_dir, "--pred", pred_dir, "--protocol", protocol],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError("%s exited with %d: %s" % (exe, proc.returncode, proc.stderr.strip()[-500:]))
    json_lines = [line for line in proc.stdout.splitlines() if line.strip().startswith("{")]
    if not json_lines:
        raise RuntimeError("%s printed no JSON line; stdout ends with: %s" % (exe, proc.stdout[-500:]))
    result = json.loads(json_lines[-1])
    for key in ("precision", "recall", "hmean"):
        if key not in result:
            raise RuntimeError("%s: final JSON line has no '%s': %s" % (exe, key, json_lines[-1]))
    return result


# ---- fallback matcher ------------------------------------------------------------------------------------

def match_image(gts, gt_ignore, dets, iou_threshold=0.5, dont_care_overlap=0.5):
    """One image, ICDAR 2015 style. Returns (matches, care ground truths, care detections).

    A detection lying more than `dont_care_overlap` of its area inside a `###` region counts neither
    way; matching is one-to-one, greedy in ground-truth then detection order.
    """
    dets = [np.asarray(d, float).reshape(-1, 2) for d in dets]
    gts = [np.asarray(g, float).reshape(-1, 2) for g in gts]
    det_ignored = []
    for d in dets:
        ignored = False
        for g, ign in zip(gts, gt_ignore):
            if ign:
                area_d, _, inter = polygon_areas(d, g)
                if area_d > 0 and inter / area_d > dont_care_overlap:
                    ignored = True
                    break
        det_ignored.append(ignored)
    gt_used, det_used, matches = set(), set(), 0
    for i, (g, ign) in enumerate(zip(gts, gt_ignore)):
        if ign:
            continue
        for j, d in enumerate(dets):
            if j in det_used or det_ignored[j] or i in gt_used:
                continue
            if polygon_iou(g, d) > iou_threshold:
                gt_used.add(i)
                det_used.add(j)
                matches += 1
    n_gt = sum(1 for ign in gt_ignore if not ign)
    n_det = sum(1 for ign in det_ignored if not ign)
    return matches, n_gt, n_det


def read_polygon_file(path, with_score):
    """Reads a gt (uniform format) or prediction file: returns (polygons, flags).

    flags are the scores for predictions and the don't-care flags for ground truth.
    """
    polys, flags = [], []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) < 7:
                continue
            numbers = []
            for cell in fields:
                try:
                    numbers.append(float(cell))
                except ValueError:
                    break
            if with_score:
                coords, flag = numbers[:-1], numbers[-1]
            else:
                coords = numbers[:len(numbers) // 2 * 2]
                flag = ",".join(fields[len(coords):]).strip() == DONT_CARE
            coords = coords[:len(coords) // 2 * 2]
            if len(coords) >= 6:
                polys.append(np.array(coords).reshape(-1, 2))
                flags.append(flag)
    return polys, flags


def fallback_evaluate(gt_dir, pred_dir):
    """Minimal P/R/F over a folder pair (see the module docstring). Totals over all images."""
    matches = n_gt = n_det = 0
    for gt_path in sorted(glob.glob(os.path.join(gt_dir, "*.txt"))):
        gts, gt_ignore = read_polygon_file(gt_path, with_score=False)
        pred_path = os.path.join(pred_dir, os.path.basename(gt_path))
        dets = read_polygon_file(pred_path, with_score=True)[0] if os.path.exists(pred_path) else []
        m, g, d = match_image(gts, gt_ignore, dets)
        matches, n_gt, n_det = matches + m, n_gt + g, n_det + d
    recall = matches / n_gt if n_gt else 1.0
    precision = matches / n_det if n_det else (1.0 if n_gt == 0 else 0.0)
    hmean = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"precision": precision, "recall": recall, "hmean": hmean, "matches": matches,
            "gt": n_gt, "detections": n_det, "evaluator": "fallback"}


# ---- the validation pass ---------------------------------------------------------------------------------

def write_ground_truth(items, gt_dir):
    """items: list of dicts with `name`, `polygons`, `ignore`. Writes gt_dir/NAME.txt for every item."""
    os.makedirs(gt_dir, exist_ok=True)
    for item in items:
        write_lines(os.path.join(gt_dir, item["name"] + ".txt"), gt_lines(item["polygons"], item["ignore"]))


def validate(predict, items, gt_dir, pred_dir, protocol="icdar15", evaluator=None, log=print):
    """Predicts every item's image (`predict(image_bgr_uint8) -> (polygons, scores)`), writes
    pred_dir/NAME.txt and scores the folder. Returns a dict with precision, recall, hmean, seconds,
    evaluator ('cpp' or 'fallback')."""
    import cv2
    start = time.time()
    shutil.rmtree(pred_dir, ignore_errors=True)
    os.makedirs(pred_dir)
    for item in items:
        image = cv2.imread(item["image_path"], cv2.IMREAD_COLOR)
        if image is None:
            raise IOError("cannot read validation image %s" % item["image_path"])
        polygons, scores = predict(image)
        write_lines(os.path.join(pred_dir, item["name"] + ".txt"), prediction_lines(polygons, scores))
    predict_seconds = time.time() - start
    exe = find_evaluator(evaluator)
    result = None
    if exe is not None:
        try:
            result = run_evaluator(exe, gt_dir, pred_dir, protocol)
            result["evaluator"] = "cpp"
        except (RuntimeError, OSError, subprocess.TimeoutExpired, ValueError) as err:
            log("the C++ evaluator failed (%s); using the minimal fallback matcher" % err)
    elif not _warned_missing:
        _warned_missing.append(True)  # once per process, not at every validation
        log("%s not found (set ADAPTIVETEXT_BUILD_DIR to the CMake build folder, put it on PATH or "
            "build into build/); using the minimal fallback matcher of validate.py. The C++ evaluator is the "
            "reference for reported numbers." % EVALUATOR_NAME)
    if result is None:
        result = fallback_evaluate(gt_dir, pred_dir)
    result["predict_seconds"] = predict_seconds
    result["seconds"] = time.time() - start
    return result
