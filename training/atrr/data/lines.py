# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Words to text lines: group the word polygons of one image into lines and emit each line as a polygon in
point-pair order (top boundary in reading order, then the bottom boundary back; doc/model_format.md §2).

Why: the default model detects lines (MSRA-TD500 style), while ICDAR2015 and the MLT-like set label words.

Each word is read as point pairs (pointpairs.polygon_to_pairs): its left end, right end, reading direction
and height. Word i links to word j (j follows i on the same line) when
- their heights differ by at most `max_height_ratio`;
- their directions differ by at most `max_angle_deg`;
- the gap from i's right end to j's left end, along their mean direction, lies in
  [-max_overlap, max_gap] mean heights (loose annotations overlap a little);
- that joint is off the reading line by at most `max_offset` mean heights, across the direction (measured
  at the top, middle and bottom of the two ends, the smallest: a capitalised word beside a lower-case one
  shares a baseline, not a middle).
Links are accepted greedily, cheapest first, with at most one successor and one predecessor per word and no
cycle, so the lines are chains. A chain's polygon keeps its first word's left pair and its last word's right
pair; at every joint between two words it places one pair that spans both words across the direction (the
outer of their tops and bottoms). A curved chain of words therefore gives a curved polygon.
`###` words make their line `###`; a word with no link is written unchanged. Before linking, a short word
whose box reads across its neighbours takes their reading (resolve_readings).

    /usr/bin/python3 -m training.atrr.data.lines merge --src DIR --dst DIR [--exclude-ids 801-900] [--quads-from-masks]
    /usr/bin/python3 -m training.atrr.data.lines sheet --src DIR... [--mask-src DIR...] --out SHEET.jpg
"""
import argparse
import glob
import math
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from .pointpairs import pairs_to_polygon, polygon_to_pairs
from .readers import DONT_CARE, find_image, read_uniform_gt, write_uniform_gt

CARE = "CARE"


@dataclass(frozen=True)
class MergeParams:
    """Grouping thresholds, in units of the two words' mean height (chosen by the sweep in doc/data.md)."""
    max_height_ratio: float = 2.0  # a capitalised word beside a lower-case one differs by up to ~1.7
    max_angle_deg: float = 45.0    # neighbouring words on arched signs differ by up to ~40 degrees
    max_gap: float = 1.0
    max_overlap: float = 0.5       # ICDAR2015's loose quads overlap their neighbours by up to ~0.4 heights
    max_offset: float = 0.5


# The MLT-like set's quads are recovered from shrunk word masks (../shared/datasets/build_more.py) and come
# out narrower than the words: against the official ICDAR2015 quads of the same images, 0.20 text heights
# narrower at the median (1.14 for words longer than 5 heights, about 0 for short ones), and 0.90 as high.
# A gap of one true text height then measures about (1.0 + 0.2) / 0.9 = 1.3 of their heights (doc/data.md).
MASK_QUAD_PARAMS = MergeParams(max_gap=1.3)


class Word:
    """One word: point pairs in reading order (x_top, y_top, x_bottom, y_bottom), the polygon as given (for a
    word that stays alone), text, ignore flag, and the features the linking rules read."""

    def __init__(self, pairs, polygon, text, ignore):
        self.polygon = polygon
        self.text = text
        self.ignore = ignore
        self.set_pairs(pairs)

    def set_pairs(self, pairs):
        self.pairs = np.asarray(pairs, np.float64).reshape(-1, 4)
        self.left, self.right = self.pairs[0], self.pairs[-1]
        self.direction = _direction(self.pairs)
        self.height = _pair_height(self.pairs)
        self.centre = self.pairs.reshape(-1, 2).mean(axis=0)


def _middle(pair):
    return 0.5 * (pair[:2] + pair[2:])


def _direction(pairs):
    """Unit vector from the left end's middle to the right end's middle (the reading direction)."""
    v = _middle(pairs[-1]) - _middle(pairs[0])
    n = np.linalg.norm(v)
    if n < 1e-9:  # a degenerate word: perpendicular to its first pair, or the x axis
        t = pairs[0, 2:] - pairs[0, :2]
        v = np.array([t[1], -t[0]])
        n = np.linalg.norm(v)
        if n < 1e-9:
            return np.array([1.0, 0.0])
    return v / n


def _flip(pairs):
    """The same region read the other way: reversed order, top and bottom swapped."""
    return pairs[::-1][:, [2, 3, 0, 1]].copy()


def make_word(polygon, text, ignore=None):
    """A Word from a uniform-format polygon. A word whose annotation reads right to left (more than 100
    degrees from the x axis) is turned round: upside-down annotations of upright text are far likelier than
    upside-down text, and mixed directions would never link."""
    polygon = np.asarray(polygon, np.float64).reshape(-1, 2)
    return Word(_rightwards(polygon_to_pairs(polygon).astype(np.float64)), polygon, text,
                text == DONT_CARE if ignore is None else bool(ignore))


def _rightwards(pairs):
    d = _direction(pairs)
    return _flip(pairs) if abs(math.degrees(math.atan2(d[1], d[0]))) > 100 else pairs


def _ambiguous(word):
    """A quadrilateral less than twice as long as high: a short word (`of`, `8`) whose box alone does not
    say which way it reads. Boxes recovered from masks (the MLT-like set) start on their longest edge,
    so a short word in a tall box reads vertically there."""
    return len(word.polygon) == 4 and _length(word.pairs) < 2.0 * word.height


def resolve_readings(words, reach=4.0):
    """Gives each ambiguous word whose reading is more than 60 degrees off the direction of the nearest
    unambiguous words (within `reach` of its size) the reading, of its box's four, closest to theirs:
    `of` beside `Eastern` reads like `Eastern`, a short word in a steep rotated line like its line.
    Without such neighbours the annotation stands."""
    clear = [w for w in words if not _ambiguous(w)]
    if not clear:
        return
    centres = np.array([w.centre for w in clear])
    for word in words:
        if not _ambiguous(word):
            continue
        dist = np.linalg.norm(centres - word.centre, axis=1)
        size = max(word.height, _length(word.pairs))
        near = [clear[i] for i in np.argsort(dist)[:3] if dist[i] < reach * max(size, clear[i].height)
                and max(clear[i].height, word.height) < 2.0 * min(clear[i].height, word.height)]
        if not near:
            continue
        reference = np.sum([w.direction for w in near], axis=0)
        reference /= max(float(np.linalg.norm(reference)), 1e-9)
        if float(np.dot(word.direction, reference)) > 0.5:
            continue  # within 60 degrees: the annotation may well be right (a curved line), keep it
        readings = [_rightwards(polygon_to_pairs(np.roll(word.polygon, -k, axis=0)).astype(np.float64))
                    for k in range(4)]
        word.set_pairs(max(readings, key=lambda p: float(np.dot(_direction(p), reference))))


def _length(pairs):
    return float(np.linalg.norm(_middle(pairs[-1]) - _middle(pairs[0])))


def _pair_height(pairs):
    return float(np.mean(np.linalg.norm(pairs[:, :2] - pairs[:, 2:], axis=1)))


def _angle_between(a, b):
    return math.degrees(math.acos(float(np.clip(np.dot(a, b), -1.0, 1.0))))


def link_costs(words, params):
    """(n, n) cost of word j following word i on one line (inf where the rules above forbid it); all pairs at
    once, so an image of a few hundred words still merges in milliseconds."""
    n = len(words)
    if n < 2:
        return np.full((n, n), np.inf)
    height = np.array([w.height for w in words])
    direction = np.array([w.direction for w in words])
    centre = np.array([w.centre for w in words])
    right = np.array([w.right for w in words])  # (n, 4)
    left = np.array([w.left for w in words])
    hi, hj = height[:, None], height[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.maximum(hi, hj) / np.minimum(hi, hj)
        cos = np.clip(direction @ direction.T, -1.0, 1.0)
        angle = np.degrees(np.arccos(cos))
        d = direction[:, None, :] + direction[None, :, :]
        d /= np.maximum(np.linalg.norm(d, axis=2, keepdims=True), 1e-9)
        normal = np.stack([-d[..., 1], d[..., 0]], axis=2)
        h = 0.5 * (hi + hj)
        ahead = np.einsum("ijk,ijk->ij", centre[None, :, :] - centre[:, None, :], d)
        mid_r, mid_l = 0.5 * (right[:, :2] + right[:, 2:]), 0.5 * (left[:, :2] + left[:, 2:])
        gap = np.einsum("ijk,ijk->ij", mid_l[None, :, :] - mid_r[:, None, :], d) / h
        offsets = [np.abs(np.einsum("ijk,ijk->ij", lb[None, :, :] - ra[:, None, :], normal)) / h
                   for ra, lb in ((right[:, :2], left[:, :2]), (mid_r, mid_l), (right[:, 2:], left[:, 2:]))]
        offset = np.minimum(np.minimum(offsets[0], offsets[1]), offsets[2])
        ok = ((ratio <= params.max_height_ratio) & (angle <= params.max_angle_deg) & (ahead > 0)
              & (gap <= params.max_gap) & (gap >= -params.max_overlap) & (offset <= params.max_offset)
              & (np.minimum(hi, hj) > 0))
    np.fill_diagonal(ok, False)
    cost = np.maximum(gap, 0.0) + 2.0 * offset + angle / 45.0
    return np.where(ok, cost, np.inf)


def group_words(words, params=MergeParams()):
    """Chains of word indices in reading order (every word in exactly one chain)."""
    costs = link_costs(words, params)
    rows, cols = np.nonzero(np.isfinite(costs))
    order = np.lexsort((cols, rows, costs[rows, cols]))  # cheapest first; ties in index order
    candidates = [(float(costs[rows[k], cols[k]]), int(rows[k]), int(cols[k])) for k in order]
    succ, pred = {}, {}
    root = list(range(len(words)))

    def find(x):
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for _, i, j in candidates:
        if i in succ or j in pred or find(i) == find(j):
            continue
        succ[i], pred[j] = j, i
        root[find(i)] = find(j)
    chains = []
    for start in range(len(words)):
        if start in pred:
            continue
        chain = [start]
        while chain[-1] in succ:
            chain.append(succ[chain[-1]])
        chains.append(chain)
    return chains


def _joint_pair(a, b):
    """One pair between word a and the next word b: at the middle of a's right and b's left end, across
    their mean direction, reaching the outer of the two tops and the outer of the two bottoms."""
    d = a.direction + b.direction
    d /= max(np.linalg.norm(d), 1e-9)
    n = np.array([-d[1], d[0]])  # points from the top towards the bottom for left-to-right text
    ra, lb = a.right, b.left
    centre = 0.5 * (_middle(ra) + _middle(lb))
    top = min(float(np.dot(ra[:2] - centre, n)), float(np.dot(lb[:2] - centre, n)))
    bottom = max(float(np.dot(ra[2:] - centre, n)), float(np.dot(lb[2:] - centre, n)))
    return np.concatenate([centre + top * n, centre + bottom * n])


def chain_polygon(words):
    """Polygon of a chain of Words (reading order): top boundary left to right, then bottom back."""
    if len(words) == 1:
        return words[0].polygon.copy()
    pairs = [words[0].left]
    for a, b in zip(words[:-1], words[1:]):
        joint = _joint_pair(a, b)
        # a short word overlapped by its neighbours can put a joint behind the previous pair: skip it
        if _ahead(pairs[-1], joint, a.direction) and _ahead(joint, b.right, b.direction):
            pairs.append(joint)
    pairs.append(words[-1].right)
    polygon = pairs_to_polygon(np.asarray(pairs))
    return polygon if _simple(polygon) else _reading_rectangle(words)


def _ahead(pair, later, direction):
    return float(np.dot(_middle(later) - _middle(pair), direction)) > 0


def _simple(polygon):
    try:
        from shapely.geometry import Polygon
    except ImportError:
        return True  # without shapely the joints' check above is all there is
    return Polygon(polygon).is_valid


def _reading_rectangle(words):
    """Minimum-area rectangle of all the words, TL, TR, BR, BL along the first-to-last word direction: the
    last resort for a chain whose joints fold (seen on 2 of 1685 ICDAR2015 lines, both `###`)."""
    import cv2
    points = np.concatenate([w.pairs.reshape(-1, 2) for w in words]).astype(np.float32)
    box = cv2.boxPoints(cv2.minAreaRect(points)).astype(np.float64)
    d = _middle(words[-1].right) - _middle(words[0].left)
    d /= max(float(np.linalg.norm(d)), 1e-9)
    n = np.array([-d[1], d[0]])
    by_side = box[np.argsort(box @ n, kind="stable")]
    top, bottom = by_side[:2][np.argsort(by_side[:2] @ d)], by_side[2:][np.argsort(by_side[2:] @ d)]
    return np.array([top[0], top[1], bottom[1], bottom[0]])


def line_text(texts, ignored):
    if any(ignored):
        return DONT_CARE
    if all(t == CARE for t in texts):
        return CARE
    return " ".join(t for t in texts if t != CARE) or CARE


def merge_words(polygons, texts, params=MergeParams(), ignore=None):
    """Word polygons and texts of one image -> (line polygons, line texts, chains of word indices)."""
    ignore = [None] * len(polygons) if ignore is None else ignore
    words = [make_word(p, t, ig) for p, t, ig in zip(polygons, texts, ignore)]
    resolve_readings(words)
    chains = group_words(words, params)
    polys, out_texts = [], []
    for chain in chains:
        members = [words[i] for i in chain]
        polys.append(chain_polygon(members))
        out_texts.append(line_text([w.text for w in members], [w.ignore for w in members]))
    return polys, out_texts, chains


# ---- the CLI: a uniform-format folder of words -> one of lines ---------------------------------------------

def parse_ids(spec):
    """'801-900,905' -> {801, ..., 900, 905}: image numbers (the digits at the end of a name)."""
    ids = set()
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        lo, _, hi = part.partition("-")
        ids.update(range(int(lo), int(hi or lo) + 1))
    return ids


def name_id(name):
    digits = ""
    for ch in reversed(name):
        if not ch.isdigit():
            break
        digits = ch + digits
    return int(digits) if digits else None


def _place_image(src, dst, copy):
    if os.path.lexists(dst):
        os.remove(dst)
    if copy:
        shutil.copyfile(src, dst)
    else:
        os.symlink(os.path.abspath(src), dst)


def merge_folder(src, dst, params=MergeParams(), exclude_ids=(), copy_images=False):
    """Writes dst/images (symlinks, or copies) and dst/gt with merged lines; returns counts."""
    os.makedirs(os.path.join(dst, "images"), exist_ok=True)
    os.makedirs(os.path.join(dst, "gt"), exist_ok=True)
    stats = {"images": 0, "words": 0, "lines": 0, "merged_lines": 0, "dont_care_lines": 0}
    for gt_path in sorted(glob.glob(os.path.join(src, "gt", "*.txt"))):
        stem = os.path.splitext(os.path.basename(gt_path))[0]
        if name_id(stem) in exclude_ids:
            continue
        image = find_image(os.path.join(src, "images"), stem)
        record = read_uniform_gt(gt_path, image)
        polys, texts, chains = merge_words(record.polygons, record.texts, params, record.ignore)
        _place_image(image, os.path.join(dst, "images", os.path.basename(image)), copy_images)
        write_uniform_gt(os.path.join(dst, "gt", stem + ".txt"), polys, texts)
        stats["images"] += 1
        stats["words"] += len(record.polygons)
        stats["lines"] += len(polys)
        stats["merged_lines"] += sum(1 for c in chains if len(c) > 1)
        stats["dont_care_lines"] += sum(1 for t in texts if t == DONT_CARE)
    return stats


# ---- a contact sheet to judge the grouping by eye ---------------------------------------------------------

def _colour(k):
    """A distinct saturated BGR colour per line (golden-ratio steps of hue)."""
    import cv2
    hsv = np.uint8([[[int(k * 0.618034 * 180) % 180, 255, 255]]])
    return tuple(int(v) for v in cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0])


def draw_merge(image, word_polygons, line_polygons, line_texts, chains):
    """Words thin (the colour of their line), merged lines thick; `###` lines grey."""
    import cv2
    out = image.copy()
    scale = max(1, int(round(max(image.shape[:2]) / 640)))
    for k, (poly, text, chain) in enumerate(zip(line_polygons, line_texts, chains)):
        colour = (150, 150, 150) if text == DONT_CARE else _colour(k)
        for i in chain:
            cv2.polylines(out, [np.round(word_polygons[i]).astype(np.int32)], True, colour, 1, cv2.LINE_AA)
        if len(chain) > 1 or text != DONT_CARE:
            cv2.polylines(out, [np.round(poly).astype(np.int32)], True, colour,
                          3 * scale if len(chain) > 1 else scale, cv2.LINE_AA)
    return out


def _text_region(image, polygons, aspect, margin=0.08):
    """The part of `image` around its labels (ICDAR2015 text is small in a wide scene), widened towards
    the tile's aspect ratio so the tile is filled."""
    pts = np.concatenate([np.asarray(p).reshape(-1, 2) for p in polygons], axis=0)
    h, w = image.shape[:2]
    x0, y0 = pts.min(axis=0) - margin * max(h, w)
    x1, y1 = pts.max(axis=0) + margin * max(h, w)
    cx, cy, bw, bh = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    bw, bh = max(bw, bh * aspect), max(bh, bw / aspect)
    x0, x1 = int(max(0, cx - bw / 2)), int(min(w, cx + bw / 2))
    y0, y1 = int(max(0, cy - bh / 2)), int(min(h, cy + bh / 2))
    return image[y0:y1, x0:x1]


def contact_sheet(folders, count=20, columns=3, thumb=640, seed=0, exclude_ids=()):
    """`count` images with >= 3 words drawn evenly from `folders` [(uniform-format folder of words,
    MergeParams)], merged and drawn on a grid of tiles `thumb` pixels wide."""
    import cv2
    tile_h = int(thumb * 0.75)
    rng = np.random.default_rng(seed)
    picks = []
    per = [count // len(folders) + (1 if i < count % len(folders) else 0) for i in range(len(folders))]
    for (folder, params), n in zip(folders, per):
        gts = [g for g in sorted(glob.glob(os.path.join(folder, "gt", "*.txt")))
               if name_id(os.path.splitext(os.path.basename(g))[0]) not in exclude_ids]
        with_several = [g for g in gts if sum(1 for line in open(g, encoding="utf-8-sig") if line.strip()) >= 3]
        chosen = rng.choice(len(with_several), size=n, replace=False)
        picks.extend((folder, params, with_several[int(i)]) for i in sorted(chosen))
    tiles = []
    for folder, params, gt_path in picks:
        stem = os.path.splitext(os.path.basename(gt_path))[0]
        record = read_uniform_gt(gt_path, find_image(os.path.join(folder, "images"), stem))
        polys, texts, chains = merge_words(record.polygons, record.texts, params, record.ignore)
        image = cv2.imread(record.image_path, cv2.IMREAD_COLOR)
        tile = _text_region(draw_merge(image, record.polygons, polys, texts, chains), record.polygons,
                            thumb / float(tile_h))
        s = min(thumb / tile.shape[1], tile_h / tile.shape[0])
        tile = cv2.resize(tile, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        canvas = np.full((tile_h + 18, thumb, 3), 255, np.uint8)
        canvas[:tile.shape[0], :tile.shape[1]] = tile
        cv2.putText(canvas, stem, (4, tile_h + 13), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
        tiles.append(canvas)
    while len(tiles) % columns:
        tiles.append(np.full((tile_h + 18, thumb, 3), 255, np.uint8))
    rows = [np.concatenate(tiles[r:r + columns], axis=1) for r in range(0, len(tiles), columns)]
    return np.concatenate(rows, axis=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    merge = sub.add_parser("merge", help="write a uniform-format folder whose gt holds lines, not words")
    merge.add_argument("--src", required=True, help="uniform-format folder of words (images/, gt/)")
    merge.add_argument("--dst", required=True)
    merge.add_argument("--exclude-ids", default="", help="image numbers to leave out, e.g. 801-900")
    merge.add_argument("--copy-images", action="store_true", help="copy the images instead of symlinking")
    merge.add_argument("--quads-from-masks", action="store_true",
                       help="the words' quads were recovered from masks (the MLT-like set): MASK_QUAD_PARAMS")
    for key, value in asdict(MergeParams()).items():
        merge.add_argument("--" + key.replace("_", "-"), type=float, default=None,
                           help="default %g (%g with --quads-from-masks)" % (value, getattr(MASK_QUAD_PARAMS, key)))
    sheet = sub.add_parser("sheet", help="save a JPEG contact sheet of merged images (words thin, lines thick)")
    sheet.add_argument("--src", default=[], nargs="+", help="uniform-format folders of words")
    sheet.add_argument("--mask-src", default=[], nargs="+", help="the same, quads recovered from masks")
    sheet.add_argument("--out", required=True)
    sheet.add_argument("--count", type=int, default=20)
    sheet.add_argument("--seed", type=int, default=0)
    sheet.add_argument("--exclude-ids", default="", help="image numbers not to show, e.g. 801-900")
    args = parser.parse_args(argv)
    if args.command == "sheet":
        import cv2
        folders = [(f, MergeParams()) for f in args.src] + [(f, MASK_QUAD_PARAMS) for f in args.mask_src]
        image = contact_sheet(folders, args.count, seed=args.seed, exclude_ids=parse_ids(args.exclude_ids))
        cv2.imwrite(args.out, image, [cv2.IMWRITE_JPEG_QUALITY, 80])
        print("wrote", args.out)
        return 0
    params = MASK_QUAD_PARAMS if args.quads_from_masks else MergeParams()
    params = replace(params, **{k: getattr(args, k) for k in asdict(params) if getattr(args, k) is not None})
    t0 = time.time()
    stats = merge_folder(args.src, args.dst, params, parse_ids(args.exclude_ids), args.copy_images)
    print("%(images)d images: %(words)d words -> %(lines)d lines (%(merged_lines)d of several words, "
          "%(dont_care_lines)d ###)" % stats, "in %.1f s -> %s" % (time.time() - t0, args.dst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
