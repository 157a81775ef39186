# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""torch Dataset over TextRecords: load, augment, resize to the training size, compute point-pair targets.

A sample is a dict:
- `image`: uint8 HxWx3 BGR, H and W multiples of STRIDE, long side = `size`;
- `polygons`: list of float32 (n, 2) in image pixels; `ignore`: bool array; `image_path`;
- `pairs`: per polygon a float32 (m, 4) array `(x_top, y_top, x_bottom, y_bottom)`, m >= 2, reduced as in
  pointpairs.py; (0, 4) for ignore regions (they are masked out of the losses, never regressed).
Samples have different sizes, so `collate` returns the list as is.

Randomness: sample `i` of epoch `e` uses `np.random.default_rng([seed, e, i])`, independent of worker count
and order; call `set_epoch(e)` each epoch for new augmentations.
"""
import cv2
import numpy as np
import torch.utils.data

from .pointpairs import ground_truth_pairs
from .readers import read_uniform_split

STRIDE = 16  # the network stride of doc/model_format.md §1
MIN_TEXT_HEIGHT = 4.0  # px after resizing; smaller care text becomes a don't-care region


def resize_to_training_size(image, polygons, size):
    """Long side -> `size`, each side then rounded to a multiple of STRIDE (a small aspect change, < STRIDE/2
    pixels per side, instead of padding that the detector never sees at test time)."""
    h, w = image.shape[:2]
    s = float(size) / max(h, w)
    new_w = max(STRIDE, int(round(w * s / STRIDE)) * STRIDE)
    new_h = max(STRIDE, int(round(h * s / STRIDE)) * STRIDE)
    sx, sy = new_w / w, new_h / h
    image = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    polygons = [(np.asarray(p, np.float32) * np.float32([sx, sy])).astype(np.float32) for p in polygons]
    return image, polygons


def text_height(polygon):
    """Short side of the minimum-area rectangle: the text height of a straight instance."""
    (_, _), (rw, rh), _ = cv2.minAreaRect(np.asarray(polygon, np.float32))
    return min(rw, rh)


def make_targets(polygons, ignore, min_text_height=MIN_TEXT_HEIGHT):
    """Ignore flags (tiny care text turned into don't-care) and the pair targets."""
    ignore = [bool(ig) or text_height(p) < min_text_height for p, ig in zip(polygons, ignore)]
    pairs = [np.zeros((0, 4), np.float32) if ig else ground_truth_pairs(p) for p, ig in zip(polygons, ignore)]
    return np.asarray(ignore, dtype=bool), pairs


def _normalise_sources(sources):
    """A list of records, or a list of (records, weight): -> (list of record lists, weights summing to 1)."""
    if sources and isinstance(sources[0], tuple):
        lists = [list(r) for r, _ in sources]
        weights = np.asarray([float(w) for _, w in sources], dtype=np.float64)
    else:
        lists, weights = [list(sources)], np.ones(1)
    if any(len(r) == 0 for r in lists):
        raise ValueError("a data source has no records")
    if np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("mixing weights must be >= 0 with a positive sum, got %s" % weights.tolist())
    return lists, weights / weights.sum()


class TextDataset(torch.utils.data.Dataset):
    """`sources`: a list of TextRecords, or [(records, weight), ...] to mix e.g. synthetic and real data
    (each sample then draws its source with these probabilities and a record of it uniformly).
    `length`: samples per epoch (default: all records once). `augmenter`: e.g. augment.Augmenter() or None."""

    def __init__(self, sources, size=640, augmenter=None, seed=0, length=None,
                 min_text_height=MIN_TEXT_HEIGHT):
        self.sources, self.weights = _normalise_sources(sources)
        self.size = int(size)
        if self.size % STRIDE:
            raise ValueError("training size %d is not a multiple of the stride %d" % (self.size, STRIDE))
        self.augmenter = augmenter
        self.seed = int(seed)
        self.length = int(length) if length is not None else sum(len(r) for r in self.sources)
        self.min_text_height = float(min_text_height)
        self.epoch = 0

    def set_epoch(self, epoch):
        self.epoch = int(epoch)

    def __len__(self):
        return self.length

    def _pick(self, index, rng):
        if len(self.sources) == 1:
            records = self.sources[0]
            return records[index % len(records)]
        records = self.sources[int(rng.choice(len(self.sources), p=self.weights))]
        return records[int(rng.integers(len(records)))]

    def __getitem__(self, index):
        if not 0 <= index < self.length:
            raise IndexError("sample %d of a dataset of %d" % (index, self.length))
        rng = np.random.default_rng([self.seed, self.epoch, int(index)])
        record = self._pick(index, rng)
        image = cv2.imread(record.image_path, cv2.IMREAD_COLOR)
        if image is None:
            raise IOError("cannot read image %s" % record.image_path)
        polygons, ignore = list(record.polygons), list(record.ignore)
        if self.augmenter is not None:
            image, polygons, ignore = self.augmenter(image, polygons, ignore, rng)
        image, polygons = resize_to_training_size(image, polygons, self.size)
        ignore_flags, pairs = make_targets(polygons, ignore, self.min_text_height)
        sample = {"image": image, "polygons": polygons, "ignore": ignore_flags, "pairs": pairs,
                  "image_path": record.image_path}
        return sample


def collate(batch):
    """Samples differ in size and instance count: the batch is the list itself."""
    return list(batch)


def split_train_val(records, val_fraction, seed=0):
    """A reproducible random split, e.g. a validation set carved from MSRA-TD500 train."""
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError("val_fraction must be in [0, 1), got %r" % val_fraction)
    order = np.random.default_rng(seed).permutation(len(records))
    n_val = int(round(len(records) * val_fraction))
    val_idx, train_idx = set(order[:n_val].tolist()), order[n_val:]
    return [records[i] for i in sorted(train_idx.tolist())], [records[i] for i in sorted(val_idx)]


def load_uniform(split_dirs):
    """Records of one or more uniform-format folders (real benchmarks or synth.py output)."""
    if isinstance(split_dirs, str):
        split_dirs = [split_dirs]
    records = []
    for d in split_dirs:
        records.extend(read_uniform_split(d))
    return records
