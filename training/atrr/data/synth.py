# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Synthetic curved scene text, SynthText-style: text lines and words rendered glyph by glyph along straight
rotated baselines, circular arcs and sine-like waves, over photo backgrounds, with perspective, blur and noise.

Geometry. A line is a baseline curve parameterised by arc length s, given by its heading theta(s):
constant (straight), linear in s (arc) or sinusoidal in s (wave). Glyphs are placed in reading order along s;
each is rotated rigidly to the local tangent (or kept upright, for vertical Chinese). The text band is the
baseline offset along the normal by the line's ink ascent (top) and descent (bottom); the ground-truth
polygon samples that band at m evenly spaced s (2 <= m <= 8, the smallest m whose polygon has IoU >= 0.97 with
a dense one), giving m top points left->right then m bottom points right->left, as CTW1500 does.

Output: the uniform format of ../shared/datasets (`images/NAME.jpg`, `gt/NAME.txt`), so the same readers
load real and synthetic data. Image `i` of seed `S` depends only on (S, i) and the installed fonts and
backgrounds: the same seed gives identical files with any number of workers.

    /usr/bin/python3 -m training.atrr.data.synth generate --count 2000 --out /tmp/synth --seed 0 --workers 2
    /usr/bin/python3 -m training.atrr.data.synth sheet --out doc/images/synth_samples.png
"""
import argparse
import functools
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from . import corpus, resources
from ..geometry import polygon_iou
from .readers import DONT_CARE, write_uniform_gt

GENERATOR_VERSION = 1


@dataclass
class SynthConfig:
    size: int = 640                 # long side of the output images
    min_lines: int = 2
    max_lines: int = 8
    chinese_prob: float = 0.5       # MSRA-TD500 is about half Chinese
    word_instance_prob: float = 0.3  # an English line is labelled word by word (ICDAR style) instead of as a line
    arc_prob: float = 0.35
    wave_prob: float = 0.25         # the rest are straight
    vertical_prob: float = 0.07     # Chinese written top to bottom, glyphs upright
    tiny_text_prob: float = 0.08    # unreadably small text, labelled ### like the benchmarks do
    photo_prob: float = 0.85        # else a procedural background
    perspective_prob: float = 0.5
    blur_prob: float = 0.3
    noise_prob: float = 0.5
    outline_prob: float = 0.15
    use_photos: bool = True         # False: procedural backgrounds only (no package needed, faster start)
    # Signage the line model misses whole on MSRA-TD500 test (doc/evaluation.md, measured limits): a line of 1-4 glyphs
    # at 0.13-0.35 of the short side ("B1", "3m", "P"), and letters set wide apart. 0 draws no random number, so
    # older configs keep their exact samples.
    big_text_prob: float = 0.0
    wide_tracking_prob: float = 0.0  # letter spacing 0.4-1.5 advances instead of -0.02-0.25


@functools.lru_cache(maxsize=4096)
def glyph_mask(font_path, font_index, size, char):
    """uint8 ink mask of one glyph and its box (x0, y0, x1, y1) relative to the pen on the baseline; advance."""
    font = resources.load_font(font_path, font_index, size)
    x0, y0, x1, y1 = font.getbbox(char, anchor="ls")
    advance = font.getlength(char)
    if x1 <= x0 or y1 <= y0:
        return None, (0, 0, 0, 0), advance
    img = Image.new("L", (x1 - x0, y1 - y0), 0)
    ImageDraw.Draw(img).text((-x0, -y0), char, font=font, fill=255, anchor="ls")
    return np.asarray(img), (x0, y0, x1, y1), advance


@dataclass
class Glyph:
    mask: np.ndarray
    centre: float       # arc length of the glyph's anchor on the curve
    du: float           # patch pixel (0, 0)'s corner in the glyph frame, relative to the anchor
    dv: float
    start: float        # ink extent along s
    end: float


def layout(text, font_key, size, vertical, tracking):
    """Glyphs along s from 0, the ink band (ascent, descent) and per-character ink extents along s."""
    path, index = font_key
    space = resources.load_font(path, index, size).getlength(" ")
    glyphs, extents = [], []
    s = 0.0
    ascent = descent = 0.0
    for ch in text:
        mask, (x0, y0, x1, y1), advance = glyph_mask(path, index, size, ch)
        if mask is None:
            s += space * (1 + tracking)
            extents.append(None)
            continue
        if vertical:
            # upright glyph centred on the curve; the line advances by the ink height plus a gap
            step = (y1 - y0) + 0.15 * size
            g = Glyph(mask, s + step / 2, -(x1 - x0) / 2.0, -(y1 - y0) / 2.0, s, s + (y1 - y0))
            ascent = descent = max(ascent, (x1 - x0) / 2.0)
        else:
            step = advance * (1 + tracking)
            g = Glyph(mask, s + advance / 2.0, x0 - advance / 2.0, y0, s + x0, s + x1)
            ascent, descent = max(ascent, -y0), max(descent, y1)
        glyphs.append(g)
        extents.append((g.start, g.end))
        s += step
    return glyphs, ascent, descent, extents


class Curve:
    """Baseline with heading theta(s): positions by integrating (cos, sin) on a dense grid of s."""

    def __init__(self, s_lo, s_hi, heading):
        self.s = np.linspace(s_lo, s_hi, max(16, int((s_hi - s_lo) / 2.0)))
        self.theta = heading(self.s)
        step = np.diff(self.s)
        mid = 0.5 * (self.theta[1:] + self.theta[:-1])
        self.x = np.concatenate([[0.0], np.cumsum(np.cos(mid) * step)])
        self.y = np.concatenate([[0.0], np.cumsum(np.sin(mid) * step)])
        self.offset = np.zeros(2)

    def at(self, s):
        s = np.asarray(s, dtype=np.float64)
        th = np.interp(s, self.s, self.theta)
        pos = np.stack([np.interp(s, self.s, self.x), np.interp(s, self.s, self.y)], axis=-1) + self.offset
        return pos, th

    def band(self, s, top, bottom):
        """Points `top` above and `bottom` below the baseline at s ('up' = left of the direction of travel)."""
        pos, th = self.at(s)
        up = np.stack([np.sin(th), -np.cos(th)], axis=-1)
        return pos + up * top, pos - up * bottom

    def polygon(self, s_values, top, bottom):
        t, b = self.band(s_values, top, bottom)
        return np.concatenate([t, b[::-1]], axis=0)


def make_heading(kind, rng, length, band, base):
    """theta(s) for a straight, arc or wave baseline. The radius of curvature stays >= 2.5 text heights so
    the concave side of the band does not fold over."""
    max_curvature = 1.0 / (2.5 * max(band, 1.0))
    if kind == "arc":
        turn = math.radians(float(rng.uniform(30, 180))) * (1 if rng.random() < 0.5 else -1)
        kappa = float(np.clip(turn / max(length, 1.0), -max_curvature, max_curvature))
        return lambda s: base + kappa * (s - length / 2.0)
    if kind == "wave":
        wavelength = float(rng.uniform(0.8, 1.6)) * length
        amplitude = min(math.radians(float(rng.uniform(15, 40))), max_curvature * wavelength / (2 * math.pi))
        phase = float(rng.uniform(0, 2 * math.pi))
        return lambda s: base + amplitude * np.sin(2 * math.pi * s / wavelength + phase)
    return lambda s: np.full_like(np.asarray(s, dtype=np.float64), base)


def fit_polygon(curve, s0, s1, top, bottom, max_pairs=8, min_iou=0.97):
    """The fewest evenly spaced pairs (2..max_pairs) whose polygon matches the dense band."""
    dense = curve.polygon(np.linspace(s0, s1, 33), top, bottom)
    for m in range(2, max_pairs + 1):
        poly = curve.polygon(np.linspace(s0, s1, m), top, bottom)
        if m == max_pairs or polygon_iou(poly, dense) >= min_iou:
            return poly


def pick_text_colour(rng, background_bgr):
    """A random colour whose luminance differs from the local background's by at least 70 (of 255)."""
    bg_lum = float(np.dot(background_bgr, [0.114, 0.587, 0.299]))
    if bg_lum > 127:
        target = float(rng.uniform(0, max(0.0, bg_lum - 70)))
    else:
        target = float(rng.uniform(min(255.0, bg_lum + 70), 255))
    colour = rng.uniform(0, 255, 3)
    colour = np.clip(colour + (target - float(np.dot(colour, [0.114, 0.587, 0.299]))), 0, 255)
    if abs(float(np.dot(colour, [0.114, 0.587, 0.299])) - bg_lum) < 60:  # clipping ate the contrast
        colour = np.zeros(3) if bg_lum > 127 else np.full(3, 255.0)
    return colour


def random_homography(rng, width, height, strength=0.06):
    src = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    jitter = rng.uniform(-strength, strength, (4, 2)) * np.float32([width, height])
    return cv2.getPerspectiveTransform(src, (src + jitter).astype(np.float32))


def _warp_points(points, homography):
    return cv2.perspectiveTransform(np.asarray(points, np.float64).reshape(-1, 1, 2), homography).reshape(-1, 2)


class TextLayer:
    """Premultiplied colour + alpha of all text, in the unwarped frame; warped once, then composited."""

    def __init__(self, width, height):
        self.rgba = np.zeros((height, width, 4), np.float32)  # one array: warped in a single call

    @property
    def alpha(self):
        return self.rgba[..., 3]

    def draw_line(self, glyphs, curve, colour, opacity, vertical, outline=None):
        """Renders the glyphs of one line and composites it; `outline` = (colour, width) draws a border first."""
        h, w = self.alpha.shape
        line = np.zeros_like(self.alpha)
        box = [w, h, 0, 0]  # ink bounding box, so compositing touches only that region
        for g in glyphs:
            pos, th = curve.at(g.centre)
            eu = np.array([1.0, 0.0]) if vertical else np.array([math.cos(th), math.sin(th)])
            ev = np.array([0.0, 1.0]) if vertical else np.array([-math.sin(th), math.cos(th)])
            # patch pixel index (gx, gy) has its centre at glyph-frame (gx + 0.5 + du, gy + 0.5 + dv); image pixel
            # index X has its centre at continuous X + 0.5
            origin = pos + (0.5 + g.du) * eu + (0.5 + g.dv) * ev - 0.5
            m = np.array([[eu[0], ev[0], origin[0]], [eu[1], ev[1], origin[1]]])
            gh, gw = g.mask.shape
            corners = np.array([[0, 0, 1], [gw, 0, 1], [gw, gh, 1], [0, gh, 1]], np.float64) @ m.T
            x0, y0 = np.floor(corners.min(axis=0)).astype(int) - 1
            x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 2
            x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
            if x1 <= x0 or y1 <= y0:
                continue
            m[:, 2] -= (x0, y0)
            warped = cv2.warpAffine(g.mask, m, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR)
            np.maximum(line[y0:y1, x0:x1], warped.astype(np.float32) / 255.0, out=line[y0:y1, x0:x1])
            box = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
        grow = outline[1] if outline is not None else 0
        x0, y0, x1, y1 = max(box[0] - grow, 0), max(box[1] - grow, 0), min(box[2] + grow, w), min(box[3] + grow, h)
        if x1 <= x0 or y1 <= y0:
            return
        roi = (slice(y0, y1), slice(x0, x1))
        if outline is not None:
            border = cv2.dilate(line[roi], cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (outline[1], outline[1])))
            self._over(roi, border * opacity, outline[0])
        self._over(roi, line[roi] * opacity, colour)

    def _over(self, roi, a, colour):
        """Porter-Duff 'over' of colour with coverage a onto the premultiplied layer."""
        a = a[..., None]
        self.rgba[roi] = self.rgba[roi] * (1 - a) + a * np.float32([colour[0], colour[1], colour[2], 1.0])

    def warp(self, homography):
        h, w = self.rgba.shape[:2]
        self.rgba = cv2.warpPerspective(self.rgba, homography, (w, h), flags=cv2.INTER_LINEAR)

    def composite(self, image):
        out = image.astype(np.float32)
        out *= 1 - self.rgba[..., 3:]
        out += self.rgba[..., :3]
        return out


def _choose_text(rng, cfg, fonts):
    """(text, (font path, face index), is_chinese)."""
    if rng.random() < cfg.chinese_prob:
        return corpus.chinese_line(rng), fonts["cjk"][int(rng.integers(len(fonts["cjk"])))], True
    return " ".join(corpus.english_line(rng)), fonts["latin"][int(rng.integers(len(fonts["latin"])))], False


def _few_glyphs(rng, text, chinese):
    """1-4 glyphs of a line: its first characters (Chinese), or the start of one of its words."""
    n = int(rng.integers(1, 5))
    if chinese:
        return text.replace(" ", "")[:n] or text
    words = text.split()
    return words[int(rng.integers(len(words)))][:n] if words else text


def _word_spans(text, extents):
    """(start, end, word) ink spans along s of each space-separated word."""
    spans, word, ink = [], "", []
    for ch, ext in zip(text + " ", list(extents) + [None]):
        if ch != " ":
            word += ch
            if ext is not None:
                ink.append(ext)
            continue
        if word and ink:
            spans.append((min(e[0] for e in ink), max(e[1] for e in ink), word))
        word, ink = "", []
    return spans


def _place_line(rng, cfg, width, height, fonts, homography, occupied, layer, background):
    """Tries to place one line; returns its instances [(polygon, text, ignore)] or [] when it does not fit."""
    text, font, chinese = _choose_text(rng, cfg, fonts)
    short = min(width, height)
    tiny = rng.random() < cfg.tiny_text_prob
    big = not tiny and cfg.big_text_prob > 0 and rng.random() < cfg.big_text_prob
    if tiny:
        size = int(rng.integers(7, 11))
    elif big:
        size = int(round(rng.uniform(0.13, 0.35) * short))
        text = _few_glyphs(rng, text, chinese)
    else:
        size = int(round(math.exp(rng.uniform(math.log(14), math.log(max(15, 0.13 * short))))))
    vertical = chinese and rng.random() < cfg.vertical_prob
    tracking = float(rng.uniform(-0.02, 0.25))
    if cfg.wide_tracking_prob > 0 and rng.random() < cfg.wide_tracking_prob:
        tracking = float(rng.uniform(0.4, 1.5))
    r = rng.random()
    if vertical or r >= cfg.arc_prob + cfg.wave_prob:
        kind = "straight"
    else:
        kind = "arc" if r < cfg.arc_prob else "wave"
    if vertical:
        base = math.pi / 2
    elif rng.random() < 0.7:
        base = math.radians(float(rng.uniform(-20, 20)))
    else:
        base = math.radians(float(rng.uniform(-75, 75)))

    glyphs, ascent, descent, extents = layout(text, font, size, vertical, tracking)
    limit = 0.85 * (height if vertical else max(width, height))
    while glyphs and glyphs[-1].end > limit and len(text) > 1:  # too long: drop trailing characters
        text = text[:-1].rstrip()
        glyphs, ascent, descent, extents = layout(text, font, size, vertical, tracking)
    if not glyphs or glyphs[-1].end > limit:
        return []
    s0, s1 = min(g.start for g in glyphs), max(g.end for g in glyphs)
    pad = 0.12 * (ascent + descent)  # annotators' boxes sit a little outside the ink
    top, bottom = ascent + pad, descent + pad
    s0, s1 = s0 - pad, s1 + pad
    heading = make_heading(kind, rng, s1 - s0, top + bottom, base)
    curve = Curve(s0 - 1, s1 + 1, lambda s: heading(s - s0))

    outline = None
    if rng.random() < cfg.outline_prob:
        outline = int(rng.integers(2, 4)) * 2 + 1
    dense = curve.polygon(np.linspace(s0, s1, 17), top, bottom)  # at offset 0
    lo, hi = dense.min(axis=0), dense.max(axis=0)
    if np.any(hi - lo > [width - 8, height - 8]):
        return []
    for _ in range(8):
        shift = np.array([rng.uniform(4 - lo[0], width - 4 - hi[0]), rng.uniform(4 - lo[1], height - 4 - hi[1])])
        final = _warp_points(dense + shift, homography)
        if final.min() < 2 or np.any(final.max(axis=0) > [width - 3, height - 3]):
            continue
        mask = np.zeros((height, width), np.uint8)
        cv2.fillPoly(mask, [np.round(final).astype(np.int32)], 1)
        if np.any(mask & occupied):
            continue
        curve.offset = shift
        # a margin around the line keeps the next ones from touching it
        cv2.polylines(occupied, [np.round(final).astype(np.int32)], True, 1,
                      thickness=max(3, int(0.5 * (top + bottom))))
        occupied |= mask
        bg = np.asarray(cv2.mean(background, mask=mask)[:3])
        colour = pick_text_colour(rng, bg)
        out_colour = None
        if outline is not None:
            out_colour = np.zeros(3) if float(np.dot(colour, [0.114, 0.587, 0.299])) > 127 else np.full(3, 255.0)
        layer.draw_line(glyphs, curve, colour, float(rng.uniform(0.8, 1.0)), vertical,
                        None if outline is None else (out_colour, outline))
        grow = outline / 2.0 if outline is not None else 0.0  # the outline is part of what is seen as text
        if not chinese and len(text.split()) > 1 and rng.random() < cfg.word_instance_prob:
            pieces = [(a - pad, b + pad, w) for a, b, w in _word_spans(text, extents)]
        else:
            pieces = [(s0, s1, text)]
        instances = []
        for a, b, piece_text in pieces:
            poly = _warp_points(fit_polygon(curve, a - grow, b + grow, top + grow, bottom + grow), homography)
            instances.append((poly, DONT_CARE if tiny else piece_text, tiny))
        return instances
    return []


def render_sample(seed, index, cfg=None, fonts=None, backgrounds=None):
    """One synthetic image: (BGR uint8 image, [(polygon (2m, 2) float, text, ignore)], text alpha HxW float)."""
    cfg = cfg or SynthConfig()
    fonts = fonts or resources.find_fonts()
    if backgrounds is None:
        backgrounds = resources.find_backgrounds() if cfg.use_photos else []
    rng = np.random.default_rng([int(seed), int(index), GENERATOR_VERSION])
    aspect = float(rng.choice([4 / 3, 4 / 3, 3 / 4, 1.0, 16 / 9]))
    width = cfg.size if aspect >= 1 else int(round(cfg.size * aspect))
    height = cfg.size if aspect < 1 else int(round(cfg.size / aspect))
    if backgrounds and rng.random() < cfg.photo_prob:
        photo = resources.load_background(backgrounds[int(rng.integers(len(backgrounds)))])
        background = resources.crop_background(photo, rng, width, height)
    else:
        background = resources.procedural_background(rng, width, height)
    homography = random_homography(rng, width, height) if rng.random() < cfg.perspective_prob else np.eye(3)
    layer = TextLayer(width, height)
    occupied = np.zeros((height, width), np.uint8)
    instances = []
    for _ in range(int(rng.integers(cfg.min_lines, cfg.max_lines + 1))):
        instances.extend(_place_line(rng, cfg, width, height, fonts, homography, occupied, layer, background))
    for _ in range(10):  # an image without text teaches nothing: retry until one line fits
        if instances:
            break
        instances.extend(_place_line(rng, cfg, width, height, fonts, homography, occupied, layer, background))
    if not np.allclose(homography, np.eye(3)):
        layer.warp(homography)
    image = layer.composite(background)
    if rng.random() < cfg.blur_prob:
        image = cv2.GaussianBlur(image, (0, 0), float(rng.uniform(0.3, 1.1)))
    if rng.random() < cfg.noise_prob:  # sensor-like grain, luminance only
        image += float(rng.uniform(1, 6)) * rng.standard_normal(image.shape[:2] + (1,), dtype=np.float32)
    np.clip(image + 0.5, 0, 255, out=image)  # + 0.5: round to nearest on the cast below
    return image.astype(np.uint8), instances, layer.alpha.copy()


def sample_name(index):
    return "synth_%06d" % index


def _write_one(args):
    index, seed, out_dir, cfg_dict = args
    cfg = SynthConfig(**cfg_dict)
    image, instances, _ = render_sample(seed, index, cfg, _fonts(), _backgrounds(cfg.use_photos))
    name = sample_name(index)
    quality = int(np.random.default_rng([seed, index, GENERATOR_VERSION, 1]).integers(75, 96))
    cv2.imwrite(os.path.join(out_dir, "images", name + ".jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    write_uniform_gt(os.path.join(out_dir, "gt", name + ".txt"), [p for p, _, _ in instances],
                     [t for _, t, _ in instances])
    return len(instances)


@functools.lru_cache(maxsize=1)
def _fonts():
    return resources.find_fonts()


@functools.lru_cache(maxsize=2)
def _backgrounds(use_photos):
    return resources.find_backgrounds() if use_photos else []


def _progress(iterable, total, desc):
    try:
        from tqdm import tqdm  # python3-tqdm
        return tqdm(iterable, total=total, desc=desc, unit="img")
    except ImportError:
        return iterable


def generate(out_dir, count, seed=0, cfg=None, workers=1, start=0, progress=True):
    """Writes images start..start+count-1 of this seed in the uniform format; returns the instance count."""
    cfg = cfg or SynthConfig()
    os.makedirs(os.path.join(out_dir, "images"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "gt"), exist_ok=True)
    with open(os.path.join(out_dir, "synth_config.json"), "w") as f:
        json.dump({"seed": seed, "start": start, "count": count, "generator_version": GENERATOR_VERSION,
                   "config": asdict(cfg)}, f, indent=1)
    jobs = [(i, seed, out_dir, asdict(cfg)) for i in range(start, start + count)]
    if workers > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.imap(_write_one, jobs, chunksize=4)
            results = list(_progress(results, count, "synth") if progress else results)
    else:
        results = [_write_one(j) for j in (_progress(jobs, count, "synth") if progress else jobs)]
    return sum(results)


def draw_instances(image, instances, thickness=2):
    out = image.copy()
    for poly, _, ignore in instances:
        colour = (0, 0, 255) if ignore else (0, 255, 0)
        cv2.polylines(out, [np.round(poly).astype(np.int32)], True, colour, thickness, cv2.LINE_AA)
        cv2.circle(out, tuple(int(v) for v in np.round(poly[0])), 4, (255, 0, 0), -1)  # start of the top boundary
    return out


def contact_sheet(seed=0, count=6, columns=3, thumb=320, cfg=None):
    """Samples with their polygons (green: care, red: ###; blue dot: first top point) tiled on a grid."""
    tiles = []
    for i in range(count):
        image, instances, _ = render_sample(seed, i, cfg, _fonts(), _backgrounds(True))
        tile = draw_instances(image, instances)
        s = thumb / max(tile.shape[:2])
        tile = cv2.resize(tile, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        canvas = np.full((thumb, thumb, 3), 255, np.uint8)
        canvas[:tile.shape[0], :tile.shape[1]] = tile
        tiles.append(canvas)
    while len(tiles) % columns:
        tiles.append(np.full((thumb, thumb, 3), 255, np.uint8))
    rows = [np.concatenate(tiles[r:r + columns], axis=1) for r in range(0, len(tiles), columns)]
    return np.concatenate(rows, axis=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write COUNT images and ground truth in the uniform format")
    gen.add_argument("--count", type=int, required=True)
    gen.add_argument("--out", required=True)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--start", type=int, default=0, help="first image index (to extend a set)")
    gen.add_argument("--size", type=int, default=640, help="long side of the images")
    gen.add_argument("--workers", type=int, default=2)
    gen.add_argument("--no-photos", action="store_true", help="procedural backgrounds only")
    gen.add_argument("--big-text-prob", type=float, default=0.0, help="SynthConfig.big_text_prob")
    gen.add_argument("--wide-tracking-prob", type=float, default=0.0, help="SynthConfig.wide_tracking_prob")
    sheet = sub.add_parser("sheet", help="save a contact sheet PNG of a few samples with their polygons")
    sheet.add_argument("--out", required=True)
    sheet.add_argument("--seed", type=int, default=0)
    sheet.add_argument("--count", type=int, default=6)
    sheet.add_argument("--size", type=int, default=640)
    args = parser.parse_args(argv)
    if args.command == "generate":
        cfg = SynthConfig(size=args.size, use_photos=not args.no_photos, big_text_prob=args.big_text_prob,
                          wide_tracking_prob=args.wide_tracking_prob)
        t0 = time.time()
        n = generate(args.out, args.count, args.seed, cfg, args.workers, args.start)
        dt = time.time() - t0
        print("%d images, %d instances in %.1f s (%.1f images/s with %d workers) -> %s"
              % (args.count, n, dt, args.count / max(dt, 1e-9), args.workers, args.out))
    else:
        cv2.imwrite(args.out, contact_sheet(args.seed, args.count, cfg=SynthConfig(size=args.size)),
                    [cv2.IMWRITE_PNG_COMPRESSION, 9])
        print("wrote", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
