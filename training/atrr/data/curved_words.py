# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Curved words rendered into real photographs, each word its own polygon (Total-Text style).

What is rendered. Groups of 1-3 words share one baseline: an arc, a circle badge (words over the top of a
circle and, upright, along its bottom), a wave, or a straight line; any group may also be seen in
perspective (a homography of its own), and a straight group always is. Latin words and numbers from the
generator's corpus (corpus.py), Chinese runs where the corpus has them, in the generator's regular fonts and,
for more than half of the groups, display and bold fonts (DISPLAY_FONTS). Per group: an outline (p 0.2), a
soft drop shadow (p 0.35), a blur of the text (p 0.3), and on badges a filled disc and ring behind the
text. Sizes run from 16 px to the large-text slice: with p LARGE_PROB a group is scaled so that its
polygons span 30-90 % of the frame width.

Labels. Every word is its own polygon of 2m points, m = 5..8 (the fewest whose polygon matches the dense
band with IoU >= 0.98): m points of the top boundary in reading order, then m of the bottom boundary back
from the end, as Total-Text and CTW1500 write them and as pointpairs.polygon_to_pairs reads them. The band
is the word's own ink ascent and descent plus a margin of a tenth of its height (plus the outline).

Photos. Training: those of realbg.photo_sources (MSRA-TD500 train minus its validation split, ICDAR2015
img_1..img_800, the MLT-like set). Their real labels are kept: the ICDAR2015 and MLT-like words as they are,
MSRA-TD500's lines as `###` (a line is not a word: neither text nor background for a word model). Every real
label, grown by a margin (realbg.occupancy), is occupied and rendered words go only where nothing is, so a
rendered word never covers a real one nor another rendered word.

Validation (`validation`): ICDAR2015 img_801..img_900 only, seeds VAL_CURVED_SEED and VAL_LARGE_SEED, which
the training command refuses (all of VALIDATION_SEEDS is reserved). Real labels become `###` there, so the
score measures the rendered words only. Two folders: `curved/` (curved words, every group an arc, badge or
wave, perspective on some) and `large/` (one large group per photo, even names a single word, odd names a
line of 2-4 words, 30-90 % of the frame width), with word polygons in `gt/` and line polygons in `gt_lines/`.
`manifest.json` gives each rendered instance's shape and width share.

Sample i of seed S depends only on (S, i), the photo folders and the installed fonts: the same seed gives
identical files with any number of workers.

    /usr/bin/python3 -m training.atrr.data.curved_words generate --out DIR --count 2000 --seed 1
    /usr/bin/python3 -m training.atrr.data.curved_words validation --out DIR
    /usr/bin/python3 -m training.atrr.data.curved_words sheet --out doc/images/curved_words_contact_sheet.jpg
"""
import argparse
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import List

import cv2
import numpy as np

from . import corpus, realbg, resources, synth
from ..geometry import polygon_iou
from .dataset import load_uniform, split_train_val
from .lines import MergeParams, merge_words, name_id, parse_ids
from .readers import DONT_CARE, read_uniform_gt, write_uniform_gt

CURVED_VERSION = 1
# Seeds kept for the fixed validation set: `generate` refuses them, so no training sample can be one of its
# images (doc/data.md).
VALIDATION_SEEDS = range(900000, 1000000)
VAL_CURVED_SEED = 900001
VAL_LARGE_SEED = 900002
VAL_CURVED_COUNT = 100   # one image per validation photo: about 400 curved words
VAL_LARGE_COUNT = 100
LARGE_WIDTH = (0.30, 0.90)  # the large-text slice: polygons spanning this share of the frame width (doc/data.md)

# Display and bold faces (Debian fonts-bebas-neue, fonts-league-spartan, fonts-lobster, fonts-comfortaa,
# fonts-leckerli-one, fonts-roboto-slab, fonts-cabin, fonts-urw-base35): the heavy and decorative lettering
# of signs and logos that the regular faces of resources.py do not show. Missing files are skipped.
DISPLAY_FONTS = (
    "opentype/bebas-neue/BebasNeue-Bold.otf", "opentype/bebas-neue/BebasNeue-Regular.otf",
    "opentype/league-spartan/LeagueSpartan-Black.otf", "opentype/league-spartan/LeagueSpartan-Bold.otf",
    "opentype/league-spartan/LeagueSpartan-ExtraBold.otf", "opentype/lobster/lobster.otf",
    "truetype/comfortaa/Comfortaa-Bold.ttf", "truetype/leckerli-one/LeckerliOne-Regular.ttf",
    "opentype/roboto/slab/RobotoSlab-Bold.otf", "opentype/cabin/Cabin-Bold.otf",
    "opentype/urw-base35/NimbusSans-Bold.otf", "opentype/urw-base35/NimbusSansNarrow-Bold.otf",
    "opentype/urw-base35/URWBookman-Demi.otf", "opentype/urw-base35/URWGothic-Demi.otf",
    "opentype/urw-base35/C059-Bold.otf", "opentype/urw-base35/P052-Bold.otf",
    "opentype/urw-base35/Z003-MediumItalic.otf",
    "truetype/dejavu/DejaVuSans-Bold.ttf", "truetype/dejavu/DejaVuSerif-Bold.ttf",
    "truetype/dejavu/DejaVuSansCondensed-Bold.ttf", "truetype/liberation2/LiberationSans-Bold.ttf",
    "truetype/liberation2/LiberationSerif-Bold.ttf")
KINDS = ("arc", "circle", "wave", "perspective", "straight")
CURVED_KINDS = ("arc", "circle", "wave")


@dataclass
class CurvedConfig:
    min_groups: int = 2
    max_groups: int = 5
    max_words: int = 3             # words per group (a badge's bottom run has 1-2)
    kind_probs: tuple = (0.3, 0.2, 0.2, 0.2, 0.1)  # KINDS; perspective = straight seen obliquely
    perspective_prob: float = 0.3  # a curved group seen obliquely too
    large_prob: float = 0.2        # an image starts with a group in the large-text slice
    cjk_prob: float = 0.12
    number_prob: float = 0.15      # a word replaced by a number
    display_font_prob: float = 0.55
    min_size: int = 16             # font size in px; the rest are log-uniform up to max_size_share
    max_size_share: float = 0.12   # of the short side
    outline_prob: float = 0.2
    shadow_prob: float = 0.35
    blur_prob: float = 0.3
    badge_disc_prob: float = 0.5


TRAIN_CONFIG = CurvedConfig()
VAL_CURVED_CONFIG = CurvedConfig(min_groups=2, max_groups=4, kind_probs=(0.4, 0.3, 0.3, 0.0, 0.0),
                                 large_prob=0.0)


def find_word_fonts(root=resources.FONT_ROOT):
    """{'regular': Latin faces of resources.find_fonts, 'display': DISPLAY_FONTS found, 'cjk': Chinese}."""
    fonts = resources.find_fonts(root)
    cjk = set(fonts["cjk"])
    display = [(os.path.join(root, p), 0) for p in DISPLAY_FONTS if os.path.exists(os.path.join(root, p))]
    return {"regular": [f for f in fonts["latin"] if f not in cjk], "display": display, "cjk": fonts["cjk"]}


# ---- text ----------------------------------------------------------------------------------------------------

def choose_words(rng, cfg, count):
    """(words, chinese): `count` corpus words in one case, some numbers; or Chinese runs."""
    if rng.random() < cfg.cjk_prob:
        return [corpus.chinese_line(rng, 2, 4) for _ in range(min(count, 2))], True
    words = [corpus.ENGLISH_WORDS[int(rng.integers(len(corpus.ENGLISH_WORDS)))] for _ in range(count)]
    words = [str(int(rng.integers(1, 10 ** int(rng.integers(1, 5))))) if rng.random() < cfg.number_prob else w
             for w in words]
    case = rng.random()
    if case < 0.5:  # signs and badges are mostly capitals
        words = [w.upper() for w in words]
    elif case < 0.8:
        words = [w.capitalize() for w in words]
    return words, False


def choose_font(rng, cfg, fonts, chinese):
    if chinese:
        return fonts["cjk"][int(rng.integers(len(fonts["cjk"])))]
    pool = fonts["display"] if fonts["display"] and rng.random() < cfg.display_font_prob else fonts["regular"]
    return pool[int(rng.integers(len(pool)))]


# ---- geometry ------------------------------------------------------------------------------------------------

@dataclass
class Word:
    text: str
    glyphs: list
    start: float       # ink extent along the baseline
    end: float
    ascent: float
    descent: float


@dataclass
class Run:
    """Words along one baseline curve."""
    words: List[Word]
    curve: object = None
    pad: float = 0.0

    @property
    def start(self):
        return self.words[0].start

    @property
    def end(self):
        return self.words[-1].end

    @property
    def ascent(self):
        return max(w.ascent for w in self.words)

    @property
    def descent(self):
        return max(w.descent for w in self.words)


def layout_run(words, font, size, tracking):
    """The words laid out from s = 0 with the generator's glyph layout; per-word ink extents and heights."""
    text = " ".join(words)
    glyphs, _, _, extents = synth.layout(text, font, size, False, tracking)
    out, w, k = [[] for _ in words], 0, 0
    # extents has one entry per character of the joined text, glyphs one per character with ink
    for ch, ext in zip(text, extents):
        if ch == " ":
            w += 1
        elif ext is not None:
            out[w].append(glyphs[k])
            k += 1
    result = []
    for word, gl in zip(words, out):
        if not gl:
            continue
        result.append(Word(word, gl, min(g.start for g in gl), max(g.end for g in gl),
                           max(-g.dv for g in gl), max(g.dv + g.mask.shape[0] for g in gl)))
    return result


def word_pad(word):
    """Margin around a word's ink: annotators' polygons sit a little outside it (a tenth of its height)."""
    return max(1.5, 0.1 * (word.ascent + word.descent))


def band_polygon(curve, s0, s1, top, bottom, min_pairs=5, max_pairs=8, min_iou=0.98):
    """The band between s0 and s1, `top` above and `bottom` below the baseline, as the fewest evenly spaced
    pairs (min_pairs..max_pairs) whose polygon matches the dense band: top points in reading order, then the
    bottom ones back from the end."""
    dense = curve.polygon(np.linspace(s0, s1, 33), top, bottom)
    for m in range(min_pairs, max_pairs + 1):
        poly = curve.polygon(np.linspace(s0, s1, m), top, bottom)
        if m == max_pairs or polygon_iou(poly, dense) >= min_iou:
            return poly
    return None


def _curvature_limit(run):
    # the concave side of the band must not fold over, and glyphs on it must not pile up: radius >= 2 heights
    return 1.0 / (2.0 * max(run.ascent + run.descent + 2 * run.pad, 1.0))


def make_run_heading(kind, rng, run, base):
    """theta(s) of the baseline for an arc, wave or straight run, s measured from the run's ink start."""
    length = max(run.end - run.start, 1.0)
    kmax = _curvature_limit(run)
    centre = 0.5 * (run.start + run.end)
    if kind == "arc":
        turn = math.radians(float(rng.uniform(40, 200))) * (1 if rng.random() < 0.6 else -1)
        kappa = float(np.clip(turn / length, -kmax, kmax))
        return lambda s: base + kappa * (np.asarray(s, np.float64) - centre)
    if kind == "wave":
        wavelength = float(rng.uniform(0.7, 1.4)) * length
        amplitude = min(math.radians(float(rng.uniform(15, 40))), kmax * wavelength / (2 * math.pi))
        phase = float(rng.uniform(0, 2 * math.pi))
        return lambda s: base + amplitude * np.sin(2 * math.pi * (np.asarray(s, np.float64) - run.start)
                                                   / wavelength + phase)
    return lambda s: np.full_like(np.asarray(s, dtype=np.float64), base)


def _make_curve(run, heading):
    margin = 2 * run.pad + 0.5 * (run.ascent + run.descent) + 4
    return synth.Curve(run.start - margin, run.end + margin, heading)


def _circle_centre(curve, s, kappa):
    """Centre of the circle a constant-curvature curve runs on: on its right (screen) when kappa > 0."""
    pos, th = curve.at(np.array([s]))
    up = np.stack([np.sin(th), -np.cos(th)], axis=-1)[0]
    return pos[0] - np.sign(kappa) * up / abs(kappa)


@dataclass
class Group:
    kind: str
    runs: List[Run]
    font: tuple
    size: int
    chinese: bool
    outline: int = 0                  # outline radius in px, 0: none
    disc: tuple = None                # badge decoration: (centre, outer radius, inner ring radius or 0)
    homography: np.ndarray = None     # local canvas -> warped canvas
    canvas: tuple = (0, 0)            # unwarped canvas (w, h)
    warped_canvas: tuple = (0, 0)
    margin: int = 0
    words: list = field(default_factory=list)   # [(run index, word index, polygon in warped canvas)]
    lines: list = field(default_factory=list)   # per run: line polygon in warped canvas


def _disc_points(disc, n=48):
    centre, radius, _ = disc
    a = np.linspace(0, 2 * math.pi, n, endpoint=False)
    return np.stack([centre[0] + radius * np.cos(a), centre[1] + radius * np.sin(a)], axis=1)


def build_group(rng, cfg, fonts, kind, size, words=None, chinese=None, font=None, perspective=None):
    """A group of runs in its own canvas coordinates, polygons included; None when the words do not fit the
    shape (e.g. a badge whose text would wrap round the circle)."""
    if words is None:
        words, chinese = choose_words(rng, cfg, int(rng.integers(1, cfg.max_words + 1)))
    font = font or choose_font(rng, cfg, fonts, chinese)
    tracking = float(rng.uniform(0.05, 0.35)) if kind == "circle" else float(rng.uniform(-0.02, 0.2))
    group = Group(kind, [], font, size, chinese)
    if kind == "circle":
        split = len(words) if len(words) < 2 or rng.random() < 0.4 else int(rng.integers(1, len(words)))
        parts = [words[:split], words[split:]]
    else:
        parts = [words]
    for part in parts:
        if part:
            laid = layout_run(part, font, size, tracking)
            if laid:
                run = Run(laid)
                run.pad = max(word_pad(w) for w in laid)
                group.runs.append(run)
    if not group.runs:
        return None
    if rng.random() < cfg.outline_prob:
        group.outline = max(1, int(round(float(rng.uniform(0.03, 0.07)) * size)))
    if kind == "circle":
        if not _lay_badge(rng, cfg, group):
            return None
    else:
        base = math.radians(float(rng.uniform(-15, 15) if rng.random() < 0.8 else rng.uniform(-50, 50)))
        run = group.runs[0]
        run.curve = _make_curve(run, make_run_heading("straight" if kind == "perspective" else kind, rng,
                                                      run, base))
    _fit_canvas(rng, group, perspective if perspective is not None else
                (kind == "perspective" or rng.random() < cfg.perspective_prob))
    return group


def _lay_badge(rng, cfg, group):
    """Top run over the circle (text outwards), bottom run under it (upright, text towards the centre)."""
    top = group.runs[0]
    length = top.end - top.start
    # the top text spans 90-210 degrees of the circle, less where the circle would be too tight for it
    radius = max(1.0 / _curvature_limit(top), length / math.radians(float(rng.uniform(90, 210))))
    base = math.radians(float(rng.uniform(-12, 12)))
    kappa = 1.0 / radius
    top.curve = _make_curve(top, lambda s, c=0.5 * (top.start + top.end): base + kappa * (np.asarray(s) - c))
    centre = _circle_centre(top.curve, 0.5 * (top.start + top.end), kappa)
    top.curve.offset = -centre
    if len(group.runs) > 1:
        bottom = group.runs[1]
        r_bottom = radius + bottom.ascent + bottom.pad  # its ink tops sit at the top run's baseline radius
        if (bottom.end - bottom.start) / r_bottom > math.radians(120):
            group.runs = group.runs[:1]  # too long for the lower half: the badge keeps its top only
        else:
            kb = -1.0 / r_bottom
            c = 0.5 * (bottom.start + bottom.end)
            bottom.curve = _make_curve(bottom, lambda s: base + kb * (np.asarray(s) - c))
            bottom.curve.offset = -_circle_centre(bottom.curve, c, kb)
    if rng.random() < cfg.badge_disc_prob:
        reach = top.ascent
        if len(group.runs) > 1:
            bottom = group.runs[1]
            reach = max(reach, bottom.pad + bottom.ascent + bottom.descent)
        outer = radius + reach + 2.5 * top.pad + group.outline
        inner = radius - top.descent - 2.5 * top.pad - group.outline if rng.random() < 0.6 else 0.0
        group.disc = (np.zeros(2), outer, max(inner, 0.0))
    return True


def _word_polygons(group):
    polys = []
    for r, run in enumerate(group.runs):
        for w, word in enumerate(run.words):
            pad = word_pad(word)
            g = group.outline
            polys.append((r, w, band_polygon(run.curve, word.start - pad - g, word.end + pad + g,
                                             word.ascent + pad + g, word.descent + pad + g)))
    return polys


def _line_polygons(group):
    out = []
    for run in group.runs:
        g = group.outline
        out.append(band_polygon(run.curve, run.start - run.pad - g, run.end + run.pad + g,
                                run.ascent + run.pad + g, run.descent + run.pad + g))
    return out


def _fit_canvas(rng, group, perspective):
    """Moves the group into a canvas with a margin and picks its homography (a local perspective view)."""
    words = _word_polygons(group)
    points = np.concatenate([p for _, _, p in words] + ([_disc_points(group.disc)] if group.disc else []))
    group.margin = int(math.ceil(group.outline + 0.25 * group.size + 6))
    delta = group.margin - points.min(axis=0)
    for run in group.runs:
        run.curve.offset = run.curve.offset + delta
    if group.disc:
        group.disc = (group.disc[0] + delta, group.disc[1], group.disc[2])
    points = points + delta
    extent = points.max(axis=0) - points.min(axis=0)
    group.canvas = tuple(int(math.ceil(v)) for v in points.max(axis=0) + group.margin)
    homography = np.eye(3)
    if perspective:
        lo, hi = points.min(axis=0), points.max(axis=0)
        src = np.float32([[lo[0], lo[1]], [hi[0], lo[1]], [hi[0], hi[1]], [lo[0], hi[1]]])
        strength = float(rng.uniform(0.08, 0.2))
        jitter = rng.uniform(-strength, strength, (4, 2)) * extent
        homography = cv2.getPerspectiveTransform(src, (src + jitter).astype(np.float32)).astype(np.float64)
        warped = synth._warp_points(points, homography)
        shift = np.eye(3)
        shift[:2, 2] = group.margin - warped.min(axis=0)
        homography = shift @ homography
    group.homography = homography
    warped = synth._warp_points(points, homography)
    group.warped_canvas = tuple(int(math.ceil(v)) for v in warped.max(axis=0) + group.margin)
    group.words = [(r, w, synth._warp_points(p + delta, homography)) for r, w, p in words]
    group.lines = [synth._warp_points(p, homography) for p in _line_polygons(group)]


def group_extent(group):
    pts = np.concatenate([p for _, _, p in group.words])
    return pts.max(axis=0) - pts.min(axis=0)


# ---- rendering -----------------------------------------------------------------------------------------------

def _contrasting(colour):
    return np.zeros(3) if float(np.dot(colour, [0.114, 0.587, 0.299])) > 127 else np.full(3, 255.0)


def render_group(rng, cfg, group, background_bgr, record_ink=False):
    """(premultiplied RGBA canvas float32 in the warped frame, per-word ink masks or None, shadow params)."""
    w, h = group.canvas
    layer = synth.TextLayer(w, h)
    background = np.asarray(background_bgr, np.float64)
    if group.disc is not None:
        disc_colour = rng.uniform(0, 255, 3)
        centre, outer, inner = group.disc
        disc = np.zeros((h, w), np.float32)
        cv2.circle(disc, tuple(int(round(v * 16)) for v in centre), int(round(outer * 16)), 1.0, -1,
                   cv2.LINE_AA, 4)
        layer._over((slice(0, h), slice(0, w)), disc * float(rng.uniform(0.85, 1.0)), disc_colour)
        background = disc_colour
    colour = synth.pick_text_colour(rng, background)
    if group.disc is not None and group.disc[2] > 0:
        ring = np.zeros((h, w), np.float32)
        cv2.circle(ring, tuple(int(round(v * 16)) for v in group.disc[0]), int(round(group.disc[2] * 16)), 1.0,
                   max(1, int(round(0.06 * group.size))), cv2.LINE_AA, 4)
        layer._over((slice(0, h), slice(0, w)), ring, colour)
    outline_colour = _contrasting(colour) if rng.random() < 0.7 else synth.pick_text_colour(rng, colour)
    opacity = float(rng.uniform(0.85, 1.0))
    inks = []
    kernel = None
    if group.outline:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * group.outline + 1, 2 * group.outline + 1))
    for run in group.runs:
        for word in run.words:
            scratch = synth.TextLayer(w, h)
            scratch.draw_line(word.glyphs, run.curve, (1.0, 1.0, 1.0), 1.0, False)
            ink = scratch.alpha
            full = (slice(0, h), slice(0, w))
            if kernel is not None:
                border = cv2.dilate(ink, kernel)
                layer._over(full, border * opacity, outline_colour)
                ink_seen = border
            else:
                ink_seen = ink
            layer._over(full, ink * opacity, colour)
            if record_ink:
                inks.append(ink_seen.copy())
    wh = group.warped_canvas
    rgba = layer.rgba
    if not np.allclose(group.homography, np.eye(3)) or wh != (w, h):
        rgba = cv2.warpPerspective(rgba, group.homography, wh, flags=cv2.INTER_LINEAR)
        inks = [cv2.warpPerspective(i, group.homography, wh, flags=cv2.INTER_LINEAR) for i in inks]
    if rng.random() < cfg.blur_prob:
        rgba = cv2.GaussianBlur(rgba, (0, 0), float(rng.uniform(0.4, 1.2)) * max(1.0, group.size / 48.0))
    shadow = None
    if rng.random() < cfg.shadow_prob:
        d = float(rng.uniform(0.03, 0.09)) * group.size + 1.0
        angle = float(rng.uniform(0.15, 0.85)) * math.pi  # light from above: the shadow falls downwards
        shadow = (d * math.cos(angle), d * math.sin(angle), float(rng.uniform(0.6, 2.0)) * max(1.0, d / 3),
                  float(rng.uniform(0.35, 0.75)))
    return rgba, ([i > 0.5 for i in inks] if record_ink else None), shadow


def _paste(target, canvas, x, y):
    """target[y:, x:] = canvas over target (both premultiplied RGBA), clipped to the target."""
    H, W = target.shape[:2]
    h, w = canvas.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
    if x1 <= x0 or y1 <= y0:
        return
    part = canvas[y0 - y:y1 - y, x0 - x:x1 - x]
    roi = target[y0:y1, x0:x1]
    roi *= 1 - part[..., 3:]
    roi += part


def _footprint(group, shift, shape):
    mask = np.zeros(shape[:2], np.uint8)
    polys = [p + shift for _, _, p in group.words]
    if group.disc is not None:
        polys.append(synth._warp_points(_disc_points(group.disc), group.homography) + shift)
    cv2.fillPoly(mask, [np.round(p).astype(np.int32) for p in polys], 1)
    return mask, polys


def try_place(rng, group, occupied, attempts=10):
    """An integer shift putting the group's polygons inside the frame on free pixels, or None."""
    height, width = occupied.shape
    pts = np.concatenate([p for _, _, p in group.words]
                         + ([synth._warp_points(_disc_points(group.disc), group.homography)] if group.disc else []))
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    if hi[0] - lo[0] > width - 8 or hi[1] - lo[1] > height - 8:
        return None, None
    for _ in range(attempts):
        shift = np.array([np.floor(rng.uniform(4 - lo[0], width - 4 - hi[0])),
                          np.floor(rng.uniform(4 - lo[1], height - 4 - hi[1]))])
        mask, polys = _footprint(group, shift, occupied.shape)
        if np.any(mask & occupied):
            continue
        return shift, mask
    return None, None


def _occupy(occupied, group, shift, mask):
    """Marks the placed group, and a margin round each polygon, so later groups keep a gap."""
    occupied |= mask
    thickness = max(3, int(0.4 * group.size))
    for _, _, p in group.words:
        cv2.polylines(occupied, [np.round(p + shift).astype(np.int32)], True, 1, thickness=thickness)


def random_size(rng, cfg, short_side):
    hi = max(cfg.min_size + 1, cfg.max_size_share * short_side)
    return int(round(math.exp(rng.uniform(math.log(cfg.min_size), math.log(hi)))))


def choose_kind(rng, cfg):
    return KINDS[int(rng.choice(len(KINDS), p=np.asarray(cfg.kind_probs) / np.sum(cfg.kind_probs)))]


LARGE_KINDS = ("arc", "wave", "perspective", "straight")


def build_large_group(rng, cfg, fonts, frame_width, frame_height, line=False, kinds=LARGE_KINDS):
    """A group whose polygons span LARGE_WIDTH of the frame width: one word, or (line) 2-4 words."""
    target = float(rng.uniform(*LARGE_WIDTH)) * 0.97 + 0.005  # a little inside the bounds: fonts hint sizes
    kind = kinds[int(rng.integers(len(kinds)))]
    words, chinese = choose_words(rng, cfg, int(rng.integers(2, 5)) if line else 1)
    if line and len(words) < 2:
        words = words + words  # a Chinese draw gives one run: repeat it, still a line of two words
    font = choose_font(rng, cfg, fonts, chinese)
    perspective = kind == "perspective" or rng.random() < cfg.perspective_prob
    state = rng.bit_generator.state
    size = 100
    group = None
    for _ in range(3):
        rng.bit_generator.state = state  # the same shape at each size: only the scale changes
        group = build_group(rng, cfg, fonts, kind, size, words, chinese, font, perspective)
        if group is None:
            return None
        width = group_extent(group)[0]
        share = width / frame_width
        if abs(share - target) < 0.01:
            break
        size = max(8, int(round(size * target / max(share, 1e-6))))
    width, height = group_extent(group)
    if not LARGE_WIDTH[0] <= width / frame_width <= LARGE_WIDTH[1] or height > 0.9 * frame_height:
        return None
    return group


@dataclass
class Instance:
    polygon: np.ndarray
    text: str
    kind: str
    large: bool
    width_share: float
    group: int
    line: bool = False      # a line polygon (gt_lines only)
    ink: tuple = None       # (x, y, bool mask) of the word's ink, when recorded
    first: np.ndarray = None  # the word's first and last glyph centres, when recorded
    last: np.ndarray = None


def _glyph_centre(run, glyph, group, shift):
    pos, _ = run.curve.at(np.array([glyph.centre]))
    return synth._warp_points(pos, group.homography)[0] + shift


def render_scene(photo, real_polygons, rng, cfg, fonts, large=None, record_ink=False):
    """Renders groups of curved words onto `photo` where no real label is: (image, word instances, line
    instances). `large`: None (cfg.large_prob decides), 'word' or 'line' (exactly one large group, nothing
    else; no instances when it cannot be placed)."""
    height, width = photo.shape[:2]
    occupied = realbg.occupancy(photo.shape, real_polygons)
    layer = np.zeros((height, width, 4), np.float32)
    words, lines = [], []
    if large is None and rng.random() < cfg.large_prob:
        large = "word" if rng.random() < 0.7 else "line"
    only_large = large is not None and cfg.large_prob == 0.0
    plan = []
    if large is not None:
        plan.append(("large", large))
    if not only_large:
        plan += [("normal", None)] * int(rng.integers(cfg.min_groups, cfg.max_groups + 1))
    g_index = 0
    for step, what in plan + [("retry", None)] * 10:
        if step == "retry" and (words or only_large):
            break
        if step == "large":
            group, shift, mask = None, None, None
            for _ in range(4):
                group = build_large_group(rng, cfg, fonts, width, height, line=(what == "line"))
                if group is None:
                    continue
                shift, mask = try_place(rng, group, occupied, attempts=25)
                if shift is not None:
                    break
            if shift is None:
                continue
        else:
            group = build_group(rng, cfg, fonts, choose_kind(rng, cfg), random_size(rng, cfg, min(width, height)))
            if group is None:
                continue
            shift, mask = try_place(rng, group, occupied)
            if shift is None:
                continue
        is_large = step == "large"
        bg = np.asarray(cv2.mean(photo, mask=mask)[:3])
        canvas, inks, shadow = render_group(rng, cfg, group, bg, record_ink)
        x, y = int(shift[0]), int(shift[1])
        if shadow is not None:
            dx, dy, sigma, strength = shadow
            a = canvas[..., 3]
            moved = cv2.warpAffine(a, np.float32([[1, 0, dx], [0, 1, dy]]), a.shape[::-1])
            moved = cv2.GaussianBlur(moved, (0, 0), sigma) * strength
            shade = np.zeros_like(canvas)
            shade[..., 3] = moved
            _paste(layer, shade, x, y)
        _paste(layer, canvas, x, y)
        _occupy(occupied, group, shift, mask)
        for k, (r, w, poly) in enumerate(group.words):
            poly = poly + shift
            run, word = group.runs[r], group.runs[r].words[w]
            inst = Instance(poly, word.text, group.kind, is_large, float(np.ptp(poly[:, 0]) / width), g_index)
            if record_ink:
                inst.ink = (x, y, inks[k])
                inst.first = _glyph_centre(run, word.glyphs[0], group, shift)
                inst.last = _glyph_centre(run, word.glyphs[-1], group, shift)
            words.append(inst)
        for r, poly in enumerate(group.lines):
            poly = poly + shift
            text = " ".join(wd.text for wd in group.runs[r].words)
            lines.append(Instance(poly, text, group.kind, is_large, float(np.ptp(poly[:, 0]) / width), g_index,
                                  line=True))
        g_index += 1
    image = photo.astype(np.float32) * (1 - layer[..., 3:]) + layer[..., :3]
    np.clip(image + 0.5, 0, 255, out=image)
    return image.astype(np.uint8), words, lines


# ---- photos and samples --------------------------------------------------------------------------------------

def photo_sources(td500=realbg.DEFAULT_TD500, root=None, names=("td500", "ic15", "mlt")):
    """{'td500': [(image, gt, kind)], 'ic15': [...], 'mlt': [...]}: the training photos of realbg (same
    splits), restricted to `names`; kind says how the real labels are kept."""
    root = root or realbg.data_root()
    sources = {}
    if "td500" in names:
        train, _ = split_train_val(load_uniform(td500), 0.1, 0)
        sources["td500"] = [(r.image_path, os.path.join(td500, "gt", os.path.splitext(
            os.path.basename(r.image_path))[0] + ".txt"), "lines") for r in train]
    if "ic15" in names:
        sources["ic15"] = [(i, g, "ic15") for i, g in realbg._listing(
            os.path.join(root, "icdar2015", "train"), set(realbg.IC15_VALIDATION_IDS))]
    if "mlt" in names:
        sources["mlt"] = [(i, g, "mlt") for i, g in realbg._listing(os.path.join(root, "mlt_like", "train"))]
    for name, items in sources.items():
        if not items:
            raise FileNotFoundError("no %s photos found (data root %s)" % (name, root))
    return sources


def validation_photos(root=None):
    """ICDAR2015 img_801..img_900: (image, gt, 'ic15'), sorted by number."""
    root = root or realbg.data_root()
    split = os.path.join(root, "icdar2015", "train")
    wanted = set(realbg.IC15_VALIDATION_IDS)
    every = realbg._listing(split)
    photos = [(i, g, "ic15") for i, g in every
              if name_id(os.path.splitext(os.path.basename(i))[0]) in wanted]
    photos.sort(key=lambda item: name_id(os.path.splitext(os.path.basename(item[0]))[0]))
    if len(photos) != len(wanted):
        raise FileNotFoundError("expected ICDAR2015 img_801..img_900 under %s, found %d of them"
                                % (split, len(photos)))
    return photos


def real_labels(gt_path, image_path, kind, all_dont_care=False):
    """(polygons, texts) of the photo's labels as kept in the output (see the module doc)."""
    record = read_uniform_gt(gt_path, image_path)
    polygons = [np.asarray(p, np.float64) for p in record.polygons]
    texts = list(record.texts)
    if kind == "lines" or all_dont_care:
        texts = [DONT_CARE] * len(polygons)
    return polygons, texts, record


def check_training_seed(seed):
    if int(seed) in VALIDATION_SEEDS:
        raise ValueError("seed %d is in the validation range %d..%d: the fixed curved-word validation set is "
                         "rendered with those, training data must not be" % (seed, VALIDATION_SEEDS.start,
                                                                            VALIDATION_SEEDS.stop - 1))


def _read_photo(path):
    photo = cv2.imread(path, cv2.IMREAD_COLOR)
    if photo is None:
        raise IOError("cannot read %s" % path)
    return photo


def render_training_sample(seed, index, sources, long_side=1024, fonts=None, cfg=TRAIN_CONFIG,
                           record_ink=False):
    """Image `index` of training seed `seed`: (image, real (polygons, texts), word instances, photo path)."""
    check_training_seed(seed)
    fonts = fonts or find_word_fonts()
    rng = np.random.default_rng([int(seed), int(index), CURVED_VERSION])
    names = sorted(sources)
    items = sources[names[int(rng.integers(len(names)))]]
    image_path, gt_path, kind = items[int(rng.integers(len(items)))]
    polygons, texts, _ = real_labels(gt_path, image_path, kind)
    photo, polygons = realbg._resize(_read_photo(image_path), polygons, long_side)
    image, words, _ = render_scene(photo, polygons, rng, cfg, fonts, record_ink=record_ink)
    return image, (polygons, texts), words, image_path


def render_validation_sample(which, index, photos, fonts=None, record_ink=False):
    """Image `index` of the curved ('curved') or large-text ('large') validation folder: photo index % 100,
    real labels `###`. Returns (image, real (polygons, texts), words, lines, real line polygons, photo)."""
    fonts = fonts or find_word_fonts()
    seed = VAL_CURVED_SEED if which == "curved" else VAL_LARGE_SEED
    rng = np.random.default_rng([seed, int(index), CURVED_VERSION])
    for attempt in range(len(photos)):  # a photo too crowded for a large group: the next one
        image_path, gt_path, kind = photos[(index + attempt) % len(photos)]
        polygons, texts, record = real_labels(gt_path, image_path, kind, all_dont_care=True)
        photo = _read_photo(image_path)
        if which == "curved":
            image, words, lines = render_scene(photo, polygons, rng, VAL_CURVED_CONFIG, fonts,
                                               record_ink=record_ink)
        else:
            cfg = CurvedConfig(large_prob=0.0, kind_probs=VAL_CURVED_CONFIG.kind_probs)
            image, words, lines = render_scene(photo, polygons, rng, cfg, fonts,
                                               large="word" if index % 2 == 0 else "line", record_ink=record_ink)
        if words:
            line_polys, _, _ = merge_words(record.polygons, record.texts, MergeParams(), record.ignore)
            return image, (polygons, texts), words, lines, line_polys, image_path
    raise RuntimeError("no validation photo takes a %s group" % which)


# ---- writing -------------------------------------------------------------------------------------------------

def _jpeg(path, image, seed, index):
    quality = int(np.random.default_rng([seed, index, CURVED_VERSION, 1]).integers(85, 96))
    cv2.imwrite(path, image, [cv2.IMWRITE_JPEG_QUALITY, quality])


def _instance_record(inst):
    return {"text": inst.text, "kind": inst.kind, "large": inst.large, "width_share": round(inst.width_share, 4),
            "group": inst.group}


_WORKER = {}


def sample_name(index):
    return "curved_%06d" % index


def _write_training(args):
    index, seed, out_dir, long_side = args
    image, (polygons, texts), words, source = render_training_sample(seed, index, _WORKER["sources"], long_side,
                                                                     _WORKER["fonts"])
    name = sample_name(index)
    _jpeg(os.path.join(out_dir, "images", name + ".jpg"), image, seed, index)
    write_uniform_gt(os.path.join(out_dir, "gt", name + ".txt"), polygons + [w.polygon for w in words],
                     texts + [w.text for w in words])
    return name, {"photo": source, "real": len(polygons), "words": [_instance_record(w) for w in words]}


def _run_jobs(func, jobs, workers, desc, progress):
    if workers > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(workers) as pool:  # forked workers inherit _WORKER
            results = pool.imap(func, jobs, chunksize=2)
            return list(synth._progress(results, len(jobs), desc) if progress else results)
    return [func(j) for j in (synth._progress(jobs, len(jobs), desc) if progress else jobs)]


def generate(out_dir, count, seed=0, long_side=1024, workers=1, start=0, sources=None, progress=True):
    """Writes training images start..start+count-1 of this seed; returns the manifest."""
    check_training_seed(seed)
    os.makedirs(os.path.join(out_dir, "images"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "gt"), exist_ok=True)
    _WORKER.update(sources=sources or photo_sources(), fonts=find_word_fonts())
    with open(os.path.join(out_dir, "curved_config.json"), "w") as f:
        json.dump({"seed": seed, "start": start, "count": count, "long_side": long_side,
                   "version": CURVED_VERSION, "config": asdict(TRAIN_CONFIG),
                   "photos": {k: len(v) for k, v in _WORKER["sources"].items()},
                   "fonts": {k: len(v) for k, v in _WORKER["fonts"].items()}}, f, indent=1)
    jobs = [(i, seed, out_dir, long_side) for i in range(start, start + count)]
    manifest = dict(_run_jobs(_write_training, jobs, workers, "curved", progress))
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=0, sort_keys=True)
    return manifest


def _write_validation(args):
    which, index, out_dir = args
    image, (polygons, texts), words, lines, real_lines, source = render_validation_sample(
        which, index, _WORKER["photos"], _WORKER["fonts"])
    name = "%sval_%04d" % (which, index)
    seed = VAL_CURVED_SEED if which == "curved" else VAL_LARGE_SEED
    _jpeg(os.path.join(out_dir, "images", name + ".jpg"), image, seed, index)
    write_uniform_gt(os.path.join(out_dir, "gt", name + ".txt"), polygons + [w.polygon for w in words],
                     texts + [w.text for w in words])
    if which == "large":
        write_uniform_gt(os.path.join(out_dir, "gt_lines", name + ".txt"), list(real_lines) +
                         [ln.polygon for ln in lines], [DONT_CARE] * len(real_lines) + [ln.text for ln in lines])
    return name, {"photo": source, "real": len(polygons), "words": [_instance_record(w) for w in words],
                  "lines": [_instance_record(ln) for ln in lines]}


def generate_validation(out_dir, curved_count=VAL_CURVED_COUNT, large_count=VAL_LARGE_COUNT, workers=1,
                        photos=None, progress=True):
    """Writes out_dir/curved and out_dir/large (see the module doc); returns their manifests."""
    _WORKER.update(photos=photos or validation_photos(), fonts=find_word_fonts())
    result = {}
    for which, count in (("curved", curved_count), ("large", large_count)):
        folder = os.path.join(out_dir, which)
        for sub in ("images", "gt") + (("gt_lines",) if which == "large" else ()):
            os.makedirs(os.path.join(folder, sub), exist_ok=True)
        jobs = [(which, i, folder) for i in range(count)]
        manifest = dict(_run_jobs(_write_validation, jobs, workers, which, progress))
        with open(os.path.join(folder, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=0, sort_keys=True)
        with open(os.path.join(folder, "curved_config.json"), "w") as f:
            json.dump({"seed": VAL_CURVED_SEED if which == "curved" else VAL_LARGE_SEED, "count": count,
                       "version": CURVED_VERSION, "photos": len(_WORKER["photos"]),
                       "config": asdict(VAL_CURVED_CONFIG), "large_width": LARGE_WIDTH}, f, indent=1)
        result[which] = manifest
    return result


# ---- contact sheet -------------------------------------------------------------------------------------------

def draw_sample(image, real, words, thickness=2):
    """Rendered words green (red dot: the first top point), real labels yellow (### grey)."""
    out = image.copy()
    for poly, text in zip(*real):
        colour = (160, 160, 160) if text == DONT_CARE else (0, 220, 255)
        cv2.polylines(out, [np.round(poly).astype(np.int32)], True, colour, 1, cv2.LINE_AA)
    for inst in words:
        cv2.polylines(out, [np.round(inst.polygon).astype(np.int32)], True, (0, 255, 0), thickness, cv2.LINE_AA)
        for p in inst.polygon:
            cv2.circle(out, tuple(int(v) for v in np.round(p)), thickness + 1, (0, 255, 0), -1)
        cv2.circle(out, tuple(int(v) for v in np.round(inst.polygon[0])), thickness + 3, (0, 0, 255), -1)
    return out


def contact_sheet(samples, columns=4, thumb=480):
    tiles = []
    for image, real, words in samples:
        tile = draw_sample(image, real, words, thickness=max(2, int(round(max(image.shape[:2]) / thumb))))
        s = thumb / float(max(tile.shape[:2]))
        tile = cv2.resize(tile, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        canvas = np.full((int(round(thumb * 0.75)), thumb, 3), 255, np.uint8)
        h, w = min(tile.shape[0], canvas.shape[0]), min(tile.shape[1], canvas.shape[1])
        canvas[:h, :w] = tile[:h, :w]
        tiles.append(canvas)
    while len(tiles) % columns:
        tiles.append(np.full_like(tiles[0], 255))
    rows = [np.concatenate(tiles[r:r + columns], axis=1) for r in range(0, len(tiles), columns)]
    return np.concatenate(rows, axis=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write COUNT training images with word polygons (uniform format)")
    gen.add_argument("--count", type=int, required=True)
    gen.add_argument("--out", required=True)
    gen.add_argument("--seed", type=int, default=0, help="any seed outside %d..%d (validation)"
                     % (VALIDATION_SEEDS.start, VALIDATION_SEEDS.stop - 1))
    gen.add_argument("--start", type=int, default=0, help="first image index (to extend a set)")
    gen.add_argument("--long-side", type=int, default=1024, help="photos larger than this are reduced")
    gen.add_argument("--workers", type=int, default=2)
    gen.add_argument("--backgrounds", default="td500,ic15,mlt",
                     help="photo sources, comma-separated: td500, ic15, mlt (default all)")
    gen.add_argument("--td500", default=realbg.DEFAULT_TD500, help="MSRA-TD500 train folder (uniform format)")
    gen.add_argument("--data", default=None, help="build_more.py output (default $ADAPTIVETEXT_DATA or "
                     "~/.cache/adaptivetext-data)")
    val = sub.add_parser("validation", help="write the fixed validation folders OUT/curved and OUT/large")
    val.add_argument("--out", required=True)
    val.add_argument("--curved-count", type=int, default=VAL_CURVED_COUNT)
    val.add_argument("--large-count", type=int, default=VAL_LARGE_COUNT)
    val.add_argument("--workers", type=int, default=2)
    val.add_argument("--data", default=None, help="build_more.py output holding icdar2015/train")
    sheet = sub.add_parser("sheet", help="save a contact sheet of training samples with their polygons")
    sheet.add_argument("--out", required=True)
    sheet.add_argument("--seed", type=int, default=0)
    sheet.add_argument("--indices", default="0-11", help="sample indices, e.g. 0-11 or 3,5,8")
    sheet.add_argument("--thumb", type=int, default=440, help="tile width in px (4 tiles a row)")
    sheet.add_argument("--backgrounds", default="td500,ic15,mlt")
    sheet.add_argument("--td500", default=realbg.DEFAULT_TD500)
    sheet.add_argument("--data", default=None)
    args = parser.parse_args(argv)
    t0 = time.time()
    if args.command == "generate":
        check_training_seed(args.seed)
        sources = photo_sources(args.td500, args.data, args.backgrounds.split(","))
        manifest = generate(args.out, args.count, args.seed, args.long_side, args.workers, args.start, sources)
        words = [w for m in manifest.values() for w in m["words"]]
        print("%d images, %d rendered words (%d curved, %d in the large-text slice) in %.1f s -> %s"
              % (len(manifest), len(words), sum(w["kind"] in CURVED_KINDS for w in words),
                 sum(w["large"] for w in words), time.time() - t0, args.out))
    elif args.command == "validation":
        result = generate_validation(args.out, args.curved_count, args.large_count, args.workers,
                                     validation_photos(args.data))
        for which, manifest in result.items():
            words = [w for m in manifest.values() for w in m["words"]]
            lines = [ln for m in manifest.values() for ln in m["lines"]]
            print("%s: %d images, %d words, %d lines -> %s" % (which, len(manifest), len(words), len(lines),
                                                              os.path.join(args.out, which)))
        print("%.1f s" % (time.time() - t0))
    else:
        sources = photo_sources(args.td500, args.data, args.backgrounds.split(","))
        fonts = find_word_fonts()
        samples = []
        for i in sorted(parse_ids(args.indices)):
            image, real, words, _ = render_training_sample(args.seed, i, sources, fonts=fonts)
            samples.append((image, real, words))
        sheet_image = contact_sheet(samples, thumb=args.thumb)
        params = [cv2.IMWRITE_JPEG_QUALITY, 85] if args.out.lower().endswith((".jpg", ".jpeg")) else []
        cv2.imwrite(args.out, sheet_image, params)
        print("wrote %s (%d samples)" % (args.out, len(samples)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
