# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Training augmentation on (image, polygons, ignore): every geometric step moves the polygons with the same
matrix as the image, and every random choice comes from the numpy Generator passed in, so a seed reproduces
a sample exactly.

Steps (Augmenter): [quarter turn, off by default] -> random scale -> random rotation (canvas grown so nothing
is cut off) -> crop that keeps text -> [long-axis quad order, off by default] -> colour jitter -> blur. The crop
never cuts a care instance: each one ends up wholly inside (kept) or wholly outside (dropped). Don't-care regions
may be cut; the part inside is kept as an ignore region.
"""
from dataclasses import dataclass

import cv2
import numpy as np

from .pointpairs import orient_clockwise


def transform_polygons(polygons, matrix):
    """Applies a 2x3 affine matrix to every (n, 2) polygon."""
    m = np.asarray(matrix, dtype=np.float64)
    out = []
    for p in polygons:
        p = np.asarray(p, dtype=np.float64).reshape(-1, 2)
        out.append((p @ m[:, :2].T + m[:, 2]).astype(np.float32))
    return out


def random_scale(image, polygons, rng, scale_range=(0.5, 1.5)):
    s = float(rng.uniform(*scale_range))
    h, w = image.shape[:2]
    new_w, new_h = max(1, int(round(w * s))), max(1, int(round(h * s)))
    sx, sy = new_w / w, new_h / h
    image = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    return image, transform_polygons(polygons, [[sx, 0, 0], [0, sy, 0]])


def random_zoom_out(image, polygons, rng, max_factor=2.0):
    """The image at a random spot of a canvas up to `max_factor` times its sides, filled with its mean colour.

    The sample is resized to the training size afterwards, so its text is seen up to that many times smaller:
    the crop alone shows text at 0.8x-2x the scale the detector runs at, and small lines are most of what the
    line model misses (doc/evaluation.md, measured limits)."""
    k = float(rng.uniform(1.0, max_factor))
    h, w = image.shape[:2]
    canvas_h, canvas_w = max(h, int(round(h * k))), max(w, int(round(w * k)))
    y0 = int(rng.integers(0, canvas_h - h + 1))
    x0 = int(rng.integers(0, canvas_w - w + 1))
    canvas = np.empty((canvas_h, canvas_w) + image.shape[2:], image.dtype)
    canvas[...] = np.round(image.mean(axis=(0, 1))).astype(image.dtype)
    canvas[y0:y0 + h, x0:x0 + w] = image
    return canvas, transform_polygons(polygons, [[1, 0, x0], [0, 1, y0]])


def rotation_matrix(width, height, degrees):
    """Rotation about the image centre, translated so the whole rotated image fits the returned canvas."""
    m = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), degrees, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    new_w = int(np.ceil(width * c + height * s - 1e-6))  # - 1e-6: cos(90 deg) is 6e-17, not 0
    new_h = int(np.ceil(width * s + height * c - 1e-6))
    m[0, 2] += new_w / 2.0 - width / 2.0
    m[1, 2] += new_h / 2.0 - height / 2.0
    return m, (new_w, new_h)


def random_rotate(image, polygons, rng, max_degrees=15.0):
    degrees = float(rng.uniform(-max_degrees, max_degrees))
    h, w = image.shape[:2]
    m, size = rotation_matrix(w, h, degrees)
    # the corners the rotation uncovers repeat the border pixels: no hard black wedge for the network to learn,
    # and unlike reflection no mirrored, unlabelled copy of text near the border
    image = cv2.warpAffine(image, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return image, transform_polygons(polygons, m)


def _free_positions(length, intervals):
    """Integer cut positions 0..length that fall strictly inside none of the [lo, hi] intervals."""
    free = np.ones(length + 1, dtype=bool)
    for lo, hi in intervals:
        a = int(np.floor(max(lo, 0.0))) + 1
        b = int(np.ceil(min(hi, float(length))))
        if a < b:
            free[a:b] = False
    return np.flatnonzero(free)


def _pick_span(rng, positions, length, min_len, max_len=None):
    """Two free cut positions min_len..max_len apart, or (0, length) when no such pair exists."""
    max_len = length if max_len is None else max_len
    for _ in range(8):
        lo = int(rng.choice(positions))
        candidates = positions[(positions >= lo + min_len) & (positions <= lo + max_len)]
        if len(candidates):
            return lo, int(rng.choice(candidates))
    return 0, length


def random_crop(image, polygons, ignore, rng, min_fraction=0.4, attempts=10, max_fraction=1.0):
    """A crop whose borders cross no care instance, containing at least one care instance when the image has
    any. Cuts are chosen among positions outside the x (resp. y) extent of every care polygon, which makes
    each care polygon wholly inside or wholly outside. Returns image, polygons, ignore (as lists)."""
    h, w = image.shape[:2]
    care = [p for p, ig in zip(polygons, ignore) if not ig]
    xs = _free_positions(w, [(p[:, 0].min(), p[:, 0].max()) for p in care])
    ys = _free_positions(h, [(p[:, 1].min(), p[:, 1].max()) for p in care])
    x0, x1, y0, y1 = 0, w, 0, h
    for _ in range(attempts):
        cx0, cx1 = _pick_span(rng, xs, w, int(min_fraction * w), int(np.ceil(max_fraction * w)))
        cy0, cy1 = _pick_span(rng, ys, h, int(min_fraction * h), int(np.ceil(max_fraction * h)))
        inside = [p[:, 0].min() >= cx0 and p[:, 0].max() <= cx1 and p[:, 1].min() >= cy0 and p[:, 1].max() <= cy1
                  for p in care]
        if not care or any(inside):
            x0, x1, y0, y1 = cx0, cx1, cy0, cy1
            break
    out_polys, out_ignore = [], []
    for p, ig in zip(polygons, ignore):
        if p[:, 0].max() <= x0 or p[:, 0].min() >= x1 or p[:, 1].max() <= y0 or p[:, 1].min() >= y1:
            continue  # wholly outside
        out_polys.append((p - np.float32([x0, y0])).astype(np.float32))
        out_ignore.append(bool(ig))
    return image[y0:y1, x0:x1].copy(), out_polys, out_ignore


def colour_jitter(image, rng, brightness=32.0, contrast=0.3, saturation=0.3, hue_degrees=10.0):
    img = image.astype(np.float32)
    alpha = 1.0 + float(rng.uniform(-contrast, contrast))
    beta = float(rng.uniform(-brightness, brightness))
    mean = img.mean()
    img = (img - mean) * alpha + mean + beta
    hsv = cv2.cvtColor(np.clip(img, 0, 255).astype(np.uint8), cv2.COLOR_BGR2HSV).astype(np.float32)
    hsv[..., 1] *= 1.0 + float(rng.uniform(-saturation, saturation))
    hsv[..., 0] = (hsv[..., 0] + float(rng.uniform(-hue_degrees, hue_degrees)) / 2.0) % 180.0  # OpenCV hue = deg/2
    hsv = np.clip(hsv, 0, [179, 255, 255]).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)


def canonical_quad(quad):
    """A clockwise 4-point polygon started at the corner whose first edge points most nearly rightwards: the
    MSRA-TD500 convention (its first edge always lies within +-45 degrees of the x axis; a vertical line is
    labelled by its short top edge). Turning an image by 90 degrees would otherwise make the first edge of every
    quad point down or up, and the decoder would have to learn two orders for the same shape."""
    q = np.asarray(quad, dtype=np.float32).reshape(4, 2)
    edges = np.roll(q, -1, axis=0) - q
    k = int(np.argmax(edges[:, 0] / np.maximum(np.linalg.norm(edges, axis=1), 1e-6)))
    return np.roll(q, -k, axis=0)


# The reading direction a long-axis quad's first edge is turned towards: rightwards, tilted down by 20 degrees so
# that vertical lines read downwards (Chinese top to bottom) and the flip between the two long sides falls at
# -70 / 110 degrees, where scene text is rarest.
_READING_DIRECTION = np.float32([np.cos(np.radians(20.0)), np.sin(np.radians(20.0))])


def _opposite_side_sums(q):
    """Lengths of sides 0 + 2 and sides 1 + 3 of a 4 x 2 quad."""
    lengths = np.linalg.norm(np.roll(q, -1, axis=0) - q, axis=1)
    return lengths[0] + lengths[2], lengths[1] + lengths[3]


def long_axis_quad(quad):
    """A clockwise quad restarted at the start of one of its two longer sides, the one pointing most nearly along
    _READING_DIRECTION. canonical_quad (MSRA-TD500's order) makes the first edge the short one for every line
    steeper than 45 degrees, so the decoder's point pairs run along such a line instead of across it: a second
    target layout, learnt from 10 % of TD500's lines, with a jump at 45 degrees (doc/training.md).
    Here the pairs run across the long axis at every angle. The icdar15 protocol ignores point order."""
    q = orient_clockwise(np.asarray(quad, dtype=np.float32).reshape(4, 2)).astype(np.float32)
    edges = np.roll(q, -1, axis=0) - q
    first_pair, second_pair = _opposite_side_sums(q)
    start = 0 if first_pair >= second_pair else 1
    if edges[start + 2] @ _READING_DIRECTION > edges[start] @ _READING_DIRECTION:
        start += 2
    return np.roll(q, -start, axis=0)


def quad_aspect(quad):
    """The summed lengths of a quad's longer pair of opposite sides over its shorter pair."""
    short, long = sorted(_opposite_side_sums(np.asarray(quad, dtype=np.float32).reshape(4, 2)))
    return float(long / max(short, 1e-6))


def random_rotate90(image, polygons, rng):
    """A quarter turn either way; the quads are restarted by canonical_quad (only called when every polygon is
    a quad: a curved polygon has no such convention)."""
    h, w = image.shape[:2]
    # continuous coordinates (pixel i spans [i, i + 1]), as random_scale's x * sx assumes
    if rng.random() < 0.5:  # clockwise: (x, y) -> (h - y, x)
        image, m = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE), [[0, -1, h], [1, 0, 0]]
    else:  # counter-clockwise: (x, y) -> (y, w - x)
        image, m = cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE), [[0, 1, 0], [-1, 0, w]]
    return image, [canonical_quad(p) for p in transform_polygons(polygons, m)]


def random_blur(image, rng, max_sigma=1.5):
    sigma = float(rng.uniform(0.3, max_sigma))
    return cv2.GaussianBlur(image, (0, 0), sigma)


@dataclass
class Augmenter:
    """The training augmentation; probabilities of 0 switch a step off."""
    scale_range: tuple = (0.5, 1.5)
    rotate_prob: float = 0.5
    max_degrees: float = 15.0
    crop_prob: float = 0.7
    crop_min_fraction: float = 0.4
    # The crop is resized to the training size, so its fraction sets the scale the text is seen at: a crop of
    # fraction f of an image shown at long side S is seen at S / f of the image's long side. The word model
    # narrows it to see ICDAR2015 words at the scale it is run at (doc/training.md, "Training scale").
    crop_max_fraction: float = 1.0
    jitter_prob: float = 0.8
    blur_prob: float = 0.2
    max_blur_sigma: float = 1.5
    # Vertical lines (MSRA-TD500 has 61 of 967 within 15 degrees of vertical) are found at 0 of 11 on the
    # training images (doc/evaluation.md, measured limits): a quarter turn makes more of them. Applied only to samples
    # whose polygons are all quads; 0 draws nothing, so older configs keep their exact samples.
    rotate90_prob: float = 0.0
    # Every quad restarted by long_axis_quad after the geometric steps, so that point pairs run across each line's
    # long axis at any angle (rotations and quarter turns then never change the layout). Off by default: it draws
    # no random number, so older configs keep their exact samples either way.
    long_axis_quads: bool = False
    # Only quads at least this elongated (long sides over short sides) are restarted; squatter ones keep their
    # label's order. ICDAR2015's single glyphs ("1", 10 x 18 px) are tall quads whose long axis is not the reading
    # direction, and the layout for every quad (1.0) cost ICDAR2015 lines in all three runs that
    # measured it (doc/training.md).
    long_axis_min_aspect: float = 1.0
    # With this probability the sample is zoomed out (random_zoom_out, canvas up to zoom_out_max times its sides)
    # instead of cropped. 0 draws no random number, so older configs keep their exact samples.
    zoom_out_prob: float = 0.0
    zoom_out_max: float = 2.0

    def __call__(self, image, polygons, ignore, rng):
        polygons = [np.asarray(p, dtype=np.float32).reshape(-1, 2) for p in polygons]
        ignore = [bool(i) for i in ignore]
        # the on/off decisions are drawn together first, so changing one probability does not change which
        # other steps run for a given seed
        do_rotate, do_crop, do_jitter, do_blur = rng.random(4) < [self.rotate_prob, self.crop_prob,
                                                                  self.jitter_prob, self.blur_prob]
        if self.rotate90_prob > 0 and rng.random() < self.rotate90_prob and all(len(p) == 4 for p in polygons):
            image, polygons = random_rotate90(image, polygons, rng)
        image, polygons = random_scale(image, polygons, rng, self.scale_range)
        if do_rotate:
            image, polygons = random_rotate(image, polygons, rng, self.max_degrees)
        do_zoom_out = self.zoom_out_prob > 0 and rng.random() < self.zoom_out_prob
        if do_zoom_out:
            image, polygons = random_zoom_out(image, polygons, rng, self.zoom_out_max)
        elif do_crop:
            image, polygons, ignore = random_crop(image, polygons, ignore, rng, self.crop_min_fraction,
                                                  max_fraction=self.crop_max_fraction)
        if self.long_axis_quads:
            polygons = [long_axis_quad(p) if len(p) == 4 and quad_aspect(p) >= self.long_axis_min_aspect else p
                        for p in polygons]
        if do_jitter:
            image = colour_jitter(image, rng)
        if do_blur:
            image = random_blur(image, rng, self.max_blur_sigma)
        return image, polygons, ignore
