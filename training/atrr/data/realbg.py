# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Synthetic text lines rendered into real training photographs, every line labelled.

Photos: MSRA-TD500 train minus its validation split (split_train_val(..., 0.1, 0), as training uses),
ICDAR2015 train img_1..img_800 (img_801..img_900 are the word model's validation split) and the MLT-like
set, each source drawn with equal probability. The photo keeps its real labels: TD500's are lines already;
the word quads of the other two are merged into lines with lines.py, so the whole scene is labelled at line
granularity. Every real label (care and `###`), grown by a margin, is marked occupied, and the generator's
own placement (synth._place_line) puts its lines only where nothing is occupied: a rendered line never
covers a real one, nor another rendered line.

The rendered lines are the generator's (synth.py): Chinese and English, its fonts and corpora, straight,
arcs and waves, outlines, perspective. Added here: a soft drop shadow (p 0.35) and a blur of the text
alone (p 0.3), so the text is not sharper than the photo; the photo itself is left as it was shot.
English lines are labelled as lines (never word by word), tiny unreadable lines `###` as the generator does.

Image i of seed S depends only on (S, i), the source folders and the installed fonts: the same seed gives
identical files with any number of workers.

    /usr/bin/python3 -m training.atrr.data.realbg generate --count 1000 --seed 1 --out DIR --long-side 1024
"""
import argparse
import json
import os
import sys
import time
from dataclasses import asdict

import cv2
import numpy as np

from . import resources, synth
from .dataset import load_uniform, split_train_val
from .lines import MASK_QUAD_PARAMS, MergeParams, merge_words, name_id
from .readers import DONT_CARE, read_uniform_gt, write_uniform_gt

REALBG_VERSION = 1
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEFAULT_TD500 = os.path.join(REPO, "..", "shared", "datasets", "msra_td500", "train")
IC15_VALIDATION_IDS = range(801, 901)
# the generator with lines labelled as lines, and fewer of them: a photo already holds text and clutter
TEXT_CONFIG = synth.SynthConfig(word_instance_prob=0.0, min_lines=2, max_lines=6, use_photos=False)
SHADOW_PROB = 0.35
TEXT_BLUR_PROB = 0.3


def data_root():
    """$ADAPTIVETEXT_DATA, else ~/.cache/adaptivetext-data (where ../shared/datasets/build_more.py writes)."""
    return os.environ.get("ADAPTIVETEXT_DATA") or os.path.join(os.path.expanduser("~"), ".cache",
                                                               "adaptivetext-data")


def _listing(split_dir, exclude_ids=()):
    """(image path, gt path) of a uniform-format folder, sorted by name, without the excluded numbers."""
    out = []
    for rec in load_uniform(split_dir):
        stem = os.path.splitext(os.path.basename(rec.image_path))[0]
        if name_id(stem) in exclude_ids:
            continue
        out.append((rec.image_path, os.path.join(split_dir, "gt", stem + ".txt")))
    return out


def photo_sources(td500=DEFAULT_TD500, root=None):
    """{'td500': [...], 'ic15': [...], 'mlt': [...]}: (image, gt, how to merge its words or None for line
    labels) per photo, sorted."""
    root = root or data_root()
    train, _ = split_train_val(load_uniform(td500), 0.1, 0)
    sources = {"td500": [(r.image_path, os.path.join(td500, "gt", os.path.splitext(
        os.path.basename(r.image_path))[0] + ".txt"), None) for r in train]}
    sources["ic15"] = [(i, g, MergeParams()) for i, g in _listing(os.path.join(root, "icdar2015", "train"),
                                                          set(IC15_VALIDATION_IDS))]
    sources["mlt"] = [(i, g, MASK_QUAD_PARAMS) for i, g in _listing(os.path.join(root, "mlt_like", "train"))]
    for name, items in sources.items():
        if not items:
            raise FileNotFoundError("no %s photos found (data root %s)" % (name, root))
    return sources


def real_lines(gt_path, image_path, params):
    """The photo's labels as lines: (polygons, texts); `params` None: they are lines already."""
    record = read_uniform_gt(gt_path, image_path)
    if params is None:
        return list(record.polygons), list(record.texts)
    polygons, texts, _ = merge_words(record.polygons, record.texts, params, record.ignore)
    return polygons, texts


def _resize(image, polygons, long_side):
    s = min(1.0, float(long_side) / max(image.shape[:2]))
    if s < 1.0:
        image = cv2.resize(image, (int(round(image.shape[1] * s)), int(round(image.shape[0] * s))),
                           interpolation=cv2.INTER_AREA)
    return image, [np.asarray(p, np.float64) * s for p in polygons]


def occupancy(shape, polygons):
    """1 where text is labelled, grown by a quarter of each region's height (at least 1 px) so rendered text
    keeps a gap from the real text."""
    occupied = np.zeros(shape[:2], np.uint8)
    for poly in polygons:
        pts = np.round(poly).astype(np.int32)
        (_, _), (w, h), _ = cv2.minAreaRect(pts.astype(np.float32))
        cv2.fillPoly(occupied, [pts], 1)
        cv2.polylines(occupied, [pts], True, 1, thickness=max(3, int(round(0.5 * min(w, h)))))
    return occupied


def _shadow(layer, rng):
    """A soft dark copy of the text alpha, shifted: (alpha HxW float32)."""
    alpha = layer.alpha
    height_hint = max(2.0, 0.002 * max(alpha.shape))
    dx, dy = (rng.uniform(0.5, 2.0, 2) * height_hint * (1 if rng.random() < 0.5 else -1)).tolist()
    shifted = cv2.warpAffine(alpha, np.float32([[1, 0, dx], [0, 1, abs(dy)]]), alpha.shape[::-1])
    return cv2.GaussianBlur(shifted, (0, 0), float(rng.uniform(1.0, 3.0))) * float(rng.uniform(0.4, 0.8))


def render_on_photo(photo, real_polygons, rng, cfg=TEXT_CONFIG, fonts=None):
    """Places the generator's lines on the free parts of `photo`: (image uint8, [(polygon, text, ignore)])."""
    fonts = fonts or resources.find_fonts()
    height, width = photo.shape[:2]
    background = photo.astype(np.float32)
    occupied = occupancy(photo.shape, real_polygons)
    homography = synth.random_homography(rng, width, height) if rng.random() < cfg.perspective_prob else np.eye(3)
    layer = synth.TextLayer(width, height)
    instances = []
    for _ in range(int(rng.integers(cfg.min_lines, cfg.max_lines + 1))):
        instances.extend(synth._place_line(rng, cfg, width, height, fonts, homography, occupied, layer, photo))
    if not np.allclose(homography, np.eye(3)):
        layer.warp(homography)
    if rng.random() < SHADOW_PROB:
        shade = _shadow(layer, rng)[..., None]
        background *= 1 - shade
    if rng.random() < TEXT_BLUR_PROB:
        layer.rgba = cv2.GaussianBlur(layer.rgba, (0, 0), float(rng.uniform(0.4, 1.2)))
    image = layer.composite(background)
    np.clip(image + 0.5, 0, 255, out=image)
    return image.astype(np.uint8), instances


def sample_name(index):
    return "realbg_%06d" % index


def render_sample(seed, index, sources, long_side=1024, fonts=None):
    """Image `index` of `seed`: (image, polygons, texts, source photo path)."""
    rng = np.random.default_rng([int(seed), int(index), REALBG_VERSION])
    names = sorted(sources)
    items = sources[names[int(rng.integers(len(names)))]]
    image_path, gt_path, params = items[int(rng.integers(len(items)))]
    photo = cv2.imread(image_path, cv2.IMREAD_COLOR)
    if photo is None:
        raise IOError("cannot read %s" % image_path)
    polygons, texts = real_lines(gt_path, image_path, params)
    photo, polygons = _resize(photo, polygons, long_side)
    image, instances = render_on_photo(photo, polygons, rng, fonts=fonts)
    polygons = polygons + [p for p, _, _ in instances]
    texts = texts + [t for _, t, _ in instances]
    return image, polygons, texts, image_path



_WORKER = {}


def _write_one(args):
    index, seed, out_dir, long_side = args
    if "sources" not in _WORKER:  # a spawned worker (or the parent) loads them once
        _WORKER.update(sources=photo_sources(), fonts=resources.find_fonts())
    image, polygons, texts, source = render_sample(seed, index, _WORKER["sources"], long_side, _WORKER["fonts"])
    name = sample_name(index)
    quality = int(np.random.default_rng([seed, index, REALBG_VERSION, 1]).integers(85, 96))
    cv2.imwrite(os.path.join(out_dir, "images", name + ".jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    write_uniform_gt(os.path.join(out_dir, "gt", name + ".txt"), polygons, texts)
    return name, source, len(polygons), sum(1 for t in texts if t == DONT_CARE)


def generate(out_dir, count, seed=0, long_side=1024, workers=1, start=0, sources=None, progress=True):
    """Writes images start..start+count-1 of this seed; returns {name: (source photo, lines, ###)}."""
    os.makedirs(os.path.join(out_dir, "images"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "gt"), exist_ok=True)
    _WORKER.update(sources=sources or photo_sources(), fonts=resources.find_fonts())
    with open(os.path.join(out_dir, "realbg_config.json"), "w") as f:
        json.dump({"seed": seed, "start": start, "count": count, "long_side": long_side,
                   "version": REALBG_VERSION, "text_config": asdict(TEXT_CONFIG),
                   "merge_params": asdict(MergeParams()), "mask_quad_params": asdict(MASK_QUAD_PARAMS),
                   "photos": {k: len(v) for k, v in _WORKER["sources"].items()}}, f, indent=1)
    jobs = [(i, seed, out_dir, long_side) for i in range(start, start + count)]
    if workers > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(workers) as pool:  # forked workers inherit _WORKER
            results = pool.imap(_write_one, jobs, chunksize=4)
            results = list(synth._progress(results, count, "realbg") if progress else results)
    else:
        results = [_write_one(j) for j in (synth._progress(jobs, count, "realbg") if progress else jobs)]
    manifest = {name: {"photo": src, "lines": n, "dont_care": d} for name, src, n, d in results}
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=0, sort_keys=True)
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write COUNT images and line ground truth in the uniform format")
    gen.add_argument("--count", type=int, required=True)
    gen.add_argument("--out", required=True)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--start", type=int, default=0, help="first image index (to extend a set)")
    gen.add_argument("--long-side", type=int, default=1024, help="photos larger than this are reduced")
    gen.add_argument("--workers", type=int, default=2)
    gen.add_argument("--td500", default=DEFAULT_TD500, help="MSRA-TD500 train folder (uniform format)")
    gen.add_argument("--data", default=None, help="build_more.py output (default $ADAPTIVETEXT_DATA or "
                     "~/.cache/adaptivetext-data)")
    args = parser.parse_args(argv)
    t0 = time.time()
    sources = photo_sources(args.td500, args.data)
    manifest = generate(args.out, args.count, args.seed, args.long_side, args.workers, args.start, sources)
    lines = sum(m["lines"] for m in manifest.values())
    print("%d images, %d lines (%d ###) in %.1f s -> %s" % (len(manifest), lines,
          sum(m["dont_care"] for m in manifest.values()), time.time() - t0, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
