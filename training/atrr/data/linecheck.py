# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Measures the words-to-lines merging (lines.py) where the truth is known.

A scene is laid out with the synthetic generator's own machinery (synth.py: its fonts, glyph layout,
baseline curves, ground-truth line polygons and perspective): English lines of 1-5 words, straight,
rotated or curved. Each word gets the quadrilateral an annotator would draw: the minimum-area rectangle of
the word's own ink band (its own ascent and descent, so `on` is lower than `Hotel`, as in ICDAR2015),
turned to read left to right. The words are merged back with lines.py and the merged lines are scored
against the generator's line polygons (IoU 0.5, the project's evaluator; validate.py's matcher when the
evaluator is not built).

Scenes hold the cases that make grouping hard: lines stacked as paragraphs (baseline spacing 1.1-1.7 font
sizes), lines beside each other on one baseline (gap 1.5-4 text heights), lines at other angles nearby.
Only geometry is needed to group words, so no pixels are rendered.

    /usr/bin/python3 -m training.atrr.data.linecheck score --count 100 --seed 0
    /usr/bin/python3 -m training.atrr.data.linecheck sweep --count 100 --seed 0 --out sweep.csv
"""
import argparse
import csv
import itertools
import math
import os
import sys
import tempfile
import time
from dataclasses import asdict, replace

import cv2
import numpy as np

from .. import validate
from . import corpus, resources, synth
from .lines import MergeParams, merge_words

CATEGORIES = ("straight", "rotated", "curved")
CHECK_VERSION = 1


def _latin_fonts():
    """The generator's Latin fonts (the word-labelled data is English and French)."""
    fonts = resources.find_fonts()
    return [f for f in fonts["latin"] if f not in fonts["cjk"]] or fonts["latin"]


def _word_band(font, size, chars):
    """Ink ascent and descent of the characters `chars` of a word (its own, not the line's)."""
    path, index = font
    ascent = descent = 0.0
    for ch in chars:
        mask, (x0, y0, x1, y1), _ = synth.glyph_mask(path, index, size, ch)
        if mask is not None:
            ascent, descent = max(ascent, -y0), max(descent, y1)
    return ascent, descent


def _annotator_quad(points, direction):
    """Minimum-area rectangle of `points` as TL, TR, BR, BL of the reading `direction` (an annotator's box
    of a word): the two corners highest across the direction are the top, each pair ordered along it."""
    box = cv2.boxPoints(cv2.minAreaRect(np.asarray(points, np.float32))).astype(np.float64)
    d = np.asarray(direction, np.float64) / max(float(np.linalg.norm(direction)), 1e-9)
    n = np.array([-d[1], d[0]])  # towards the bottom of left-to-right text on screen
    by_height = box[np.argsort(box @ n, kind="stable")]
    top, bottom = by_height[:2], by_height[2:]
    top = top[np.argsort(top @ d)]
    bottom = bottom[np.argsort(bottom @ d)]
    return np.array([top[0], top[1], bottom[1], bottom[0]])


class LineGeometry:
    """One laid-out line: its ground-truth polygon and word quads in image pixels (after perspective); the
    baseline's start and end, the normal at its end and the band height before perspective, from which the
    next line of a paragraph, or of the same baseline, is placed."""

    def __init__(self, polygon, words, start, end, normal, band):
        self.polygon, self.words = polygon, words
        self.start, self.end, self.normal, self.band = start, end, normal, band


def layout_line(rng, words, font, size, kind, base, origin, homography):
    """Lays out `words` along a baseline starting at `origin` (before perspective). None if nothing inks."""
    text = " ".join(words)
    tracking = float(rng.uniform(-0.02, 0.15))
    glyphs, ascent, descent, extents = synth.layout(text, font, size, False, tracking)
    if not glyphs:
        return None
    s0, s1 = min(g.start for g in glyphs), max(g.end for g in glyphs)
    pad = 0.12 * (ascent + descent)
    top, bottom = ascent + pad, descent + pad
    s0, s1 = s0 - pad, s1 + pad
    heading = _heading(kind, rng, s1 - s0, top + bottom, base, len(words))
    curve = synth.Curve(s0 - 1, s1 + 1, lambda s: heading(s - s0))
    start, _ = curve.at(s0)
    curve.offset = np.asarray(origin, np.float64) - start
    polygon = synth._warp_points(synth.fit_polygon(curve, s0, s1, top, bottom), homography)
    quads = []
    for a, b, word in synth._word_spans(text, extents):
        w_ascent, w_descent = _word_band(font, size, word)
        band = synth._warp_points(curve.polygon(np.linspace(a - pad, b + pad, 9), w_ascent + pad, w_descent + pad),
                                  homography)
        ends = synth._warp_points(np.array([curve.at(a)[0], curve.at(b)[0]]), homography)
        quads.append(_annotator_quad(band, ends[1] - ends[0]))
    (p_end, th_end) = curve.at(s1)
    normal = np.array([-math.sin(th_end), math.cos(th_end)])
    return LineGeometry(polygon, quads, curve.at(s0)[0], p_end, normal, top + bottom)


def _heading(kind, rng, length, band, base, n_words):
    """theta(s) like synth.make_heading, but with the turn bounded per word: about 35 degrees between
    neighbouring words at most, what arched signs in ICDAR2015 show (img_551: 24-38 degrees). The generator's
    own range (up to 180 degrees over one or two words) makes single curved words that no word
    quadrilateral can describe, which tests the annotation, not the grouping."""
    max_curvature = 1.0 / (2.5 * max(band, 1.0))
    if kind == "arc":
        turn = math.radians(float(rng.uniform(20, min(150, 35 * n_words)))) * (1 if rng.random() < 0.5 else -1)
        kappa = float(np.clip(turn / max(length, 1.0), -max_curvature, max_curvature))
        return lambda s: base + kappa * (s - length / 2.0)
    if kind == "wave":
        wavelength = float(rng.uniform(0.8, 1.6)) * length
        amplitude = min(math.radians(float(rng.uniform(10, min(30, 10 * n_words)))),
                        max_curvature * wavelength / (2 * math.pi))
        phase = float(rng.uniform(0, 2 * math.pi))
        return lambda s: base + amplitude * np.sin(2 * math.pi * s / wavelength + phase)
    return lambda s: np.full_like(np.asarray(s, dtype=np.float64), base)


def _heading_kind(rng, category):
    if category == "curved":
        return "arc" if rng.random() < 0.6 else "wave"
    return "straight"


def _base_angle(rng, category):
    if category == "straight":
        return math.radians(float(rng.uniform(-8, 8)))
    if category == "rotated":
        return math.radians(float(rng.uniform(15, 80))) * (1 if rng.random() < 0.5 else -1)
    return math.radians(float(rng.uniform(-20, 20)) if rng.random() < 0.7 else float(rng.uniform(-60, 60)))


def _inside(points, width, height):
    return points.min() >= 1 and np.all(points.max(axis=0) <= [width - 2, height - 2])


def make_scene(seed, index, category, width=640, height=480, fonts=None):
    """[(line polygon, [word quads])] of one scene; lines never overlap each other's words."""
    rng = np.random.default_rng([int(seed), int(index), CATEGORIES.index(category), CHECK_VERSION])
    fonts = fonts or _latin_fonts()
    homography = synth.random_homography(rng, width, height) if rng.random() < 0.5 else np.eye(3)
    occupied = np.zeros((height, width), np.uint8)
    lines, prev = [], None
    target = int(rng.integers(3, 9))
    for _ in range(12 * target):
        if len(lines) >= target:
            break
        font = fonts[int(rng.integers(len(fonts)))]
        size = int(round(math.exp(rng.uniform(math.log(12), math.log(40)))))
        kind, base = _heading_kind(rng, category), _base_angle(rng, category)
        mode = rng.random()
        if prev is not None and mode < 0.4:  # the next line of a paragraph
            size, base, font, kind = prev[1], prev[2], prev[3], prev[4]
            origin = prev[0].start + prev[0].normal * float(rng.uniform(1.1, 1.7)) * size
        elif prev is not None and mode < 0.65:  # another line further along the same baseline
            size, base, font, kind = prev[1], prev[2], prev[3], "straight" if prev[4] == "straight" else kind
            ahead = np.array([math.cos(base), math.sin(base)])
            origin = prev[0].end + ahead * float(rng.uniform(1.5, 4.0)) * prev[0].band
        else:
            origin = rng.uniform([0, 0], [width, height])
        geometry = layout_line(rng, corpus.english_line(rng), font, size, kind, base, origin, homography)
        if geometry is None or not _inside(geometry.polygon, width, height):
            continue
        mask = np.zeros_like(occupied)
        for q in geometry.words:
            cv2.fillPoly(mask, [np.round(q).astype(np.int32)], 1)
        if not all(_inside(q, width, height) for q in geometry.words) or np.any(mask & occupied):
            continue
        occupied |= mask
        lines.append((geometry.polygon, geometry.words))
        prev = (geometry, size, base, font, kind)
    return lines


def scenes(seed, count, category):
    fonts = _latin_fonts()
    return [make_scene(seed, i, category, fonts=fonts) for i in range(count)]


def _write(path, polygons, suffix):
    validate.write_lines(path, [",".join(str(int(v)) for v in np.rint(np.asarray(p).reshape(-1))) + suffix
                                for p in polygons])


def score(scene_list, params, evaluator=None, workdir=None):
    """P/R/F of the merged lines against the true lines over `scene_list` (the evaluator's JSON dict)."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        gt_dir, pred_dir = os.path.join(tmp, "gt"), os.path.join(tmp, "pred")
        os.makedirs(gt_dir)
        os.makedirs(pred_dir)
        for i, lines in enumerate(scene_list):
            words = [q for _, quads in lines for q in quads]
            merged, _, _ = merge_words(words, ["CARE"] * len(words), params)
            _write(os.path.join(gt_dir, "s%05d.txt" % i), [p for p, _ in lines], ",CARE")
            _write(os.path.join(pred_dir, "s%05d.txt" % i), merged, ",1.0")
        exe = validate.find_evaluator(evaluator)
        if exe is not None:
            result = validate.run_evaluator(exe, gt_dir, pred_dir)
            result["evaluator"] = "cpp"
            return result
        return validate.fallback_evaluate(gt_dir, pred_dir)


SWEEP_GRID = {
    "max_height_ratio": (1.5, 2.0, 2.5),
    "max_angle_deg": (25.0, 35.0, 45.0, 60.0),
    "max_gap": (0.6, 1.0, 1.5),
    "max_offset": (0.3, 0.5, 0.8),
}


def sweep(seed, count, grid=SWEEP_GRID, base=MergeParams(), log=print):
    """F per category for every combination of `grid`; rows sorted by the worst category's F."""
    data = {c: scenes(seed, count, c) for c in CATEGORIES}
    rows = []
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        params = replace(base, **dict(zip(keys, values)))
        row = dict(asdict(params))
        for c in CATEGORIES:
            row[c] = score(data[c], params)["hmean"]
        row["min_f"] = min(row[c] for c in CATEGORIES)
        rows.append(row)
        log(" ".join("%s=%g" % (k, row[k]) for k in keys), " ".join("%s %.4f" % (c, row[c]) for c in CATEGORIES))
    rows.sort(key=lambda r: (-r["min_f"], -sum(r[c] for c in CATEGORIES)))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("score", help="F per category at the default (or given) parameters")
    grid = sub.add_parser("sweep", help="F per category over SWEEP_GRID, best first, to a CSV")
    grid.add_argument("--out", required=True)
    for p in (one, grid):
        p.add_argument("--count", type=int, default=100, help="scenes per category")
        p.add_argument("--seed", type=int, default=0)
    for key, value in asdict(MergeParams()).items():
        one.add_argument("--" + key.replace("_", "-"), type=float, default=value)
    args = parser.parse_args(argv)
    t0 = time.time()
    if args.command == "score":
        params = MergeParams(**{k: getattr(args, k) for k in asdict(MergeParams())})
        for c in CATEGORIES:
            data = scenes(args.seed, args.count, c)
            r = score(data, params)
            print("%-8s lines %4d  P %.4f R %.4f F %.4f (%s)" % (c, r.get("gt", sum(len(s) for s in data)),
                  r["precision"], r["recall"], r["hmean"], r.get("evaluator", "")))
    else:
        rows = sweep(args.seed, args.count)
        with open(args.out, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print("best:", rows[0])
    print("%.1f s" % (time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
