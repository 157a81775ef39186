# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Text-shaped anchors: the grid layout of doc/model_format.md §3.3 and the statistics that chose the defaults.

`python3 -m training.atrr.anchors [GT_DIR] [--long-side 800]` prints the measurement for a folder of
uniform-format ground truth (default: MSRA-TD500 train) and the sizes/ratios it proposes.
"""
import argparse
import glob
import math
import os

import numpy as np
import torch

DEFAULT_GT_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "datasets",
                              "msra_td500", "train", "gt")


def anchor_shapes(sizes, ratios):
    """(A, 2) widths/heights; index a = i_ratio * len(sizes) + i_size (the contract's order)."""
    shapes = []
    for r in ratios:
        for s in sizes:
            shapes.append((s * math.sqrt(r), s / math.sqrt(r)))
    return np.asarray(shapes, np.float32)


def grid_anchors(feat_h, feat_w, stride, sizes, ratios, device=None):
    """All anchors as (A*Hf*Wf, 4) boxes (x1, y1, x2, y2), flat index (a*Hf + y)*Wf + x."""
    wh = torch.as_tensor(anchor_shapes(sizes, ratios), device=device)
    ys = (torch.arange(feat_h, device=device, dtype=torch.float32) + 0.5) * stride
    xs = (torch.arange(feat_w, device=device, dtype=torch.float32) + 0.5) * stride
    cy = ys.view(1, feat_h, 1).expand(wh.shape[0], feat_h, feat_w)
    cx = xs.view(1, 1, feat_w).expand(wh.shape[0], feat_h, feat_w)
    w = wh[:, 0].view(-1, 1, 1).expand_as(cx)
    h = wh[:, 1].view(-1, 1, 1).expand_as(cx)
    boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=-1)
    return boxes.reshape(-1, 4)


def read_uniform_polygons(path):
    """Polygons and ### flags of one uniform-format file (see shared/datasets/README.md)."""
    polys, ignore = [], []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            fields = line.strip().split(",")
            nums = []
            for tok in fields:
                try:
                    nums.append(float(tok))
                except ValueError:
                    break
            if len(nums) % 2:
                nums = nums[:-1]
            if len(nums) < 8:
                continue
            polys.append(np.asarray(nums, np.float32).reshape(-1, 2))
            ignore.append(fields[-1].strip() == "###")
    return polys, ignore


def measure_boxes(polygons):
    """(N, 2) widths and heights of the axis-aligned boxes of the polygons."""
    if not polygons:
        return np.zeros((0, 2), np.float32)
    return np.asarray([p.max(0) - p.min(0) for p in polygons], np.float32)


def propose_anchors(box_wh, num_sizes=6, ratio_quantiles=(0.2, 0.5, 0.8)):
    """Sizes: a doubling series covering the 2..98 % range of sqrt(w*h); ratios: quantiles of w/h.

    Doubling sizes keep a box's scale within a factor sqrt(2) of some anchor; the ratios follow the data
    because axis-aligned boxes of rotated text lines range from square-ish to very long.
    """
    wh = np.maximum(box_wh, 1.0)
    scale = np.sqrt(wh[:, 0] * wh[:, 1])
    lo, hi = np.percentile(scale, [2, 98])
    centre = math.sqrt(lo * hi)
    first = centre / 2 ** ((num_sizes - 1) / 2)
    sizes = [float(round(first * 2 ** i)) for i in range(num_sizes)]
    ratios = [float(round(r * 2) / 2) for r in np.quantile(wh[:, 0] / wh[:, 1], ratio_quantiles)]
    return sizes, sorted(set(max(r, 0.5) for r in ratios))


def best_iou_coverage(box_wh, sizes, ratios):
    """Per box, the best IoU of a same-centred anchor: how well the shapes alone can match the data."""
    anchors = anchor_shapes(sizes, ratios)
    w, h = box_wh[:, None, 0], box_wh[:, None, 1]
    inter = np.minimum(w, anchors[None, :, 0]) * np.minimum(h, anchors[None, :, 1])
    union = w * h + anchors[None, :, 0] * anchors[None, :, 1] - inter
    return (inter / union).max(1)


def main(argv=None):
    from .config import ModelConfig
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("gt_dir", nargs="?", default=DEFAULT_GT_DIR)
    ap.add_argument("--long-side", type=float, default=800.0, help="input long side the images are resized to")
    ap.add_argument("--image-dir", default=None, help="images (for their sizes); default: ../images")
    args = ap.parse_args(argv)
    import cv2
    image_dir = args.image_dir or os.path.join(args.gt_dir, "..", "images")
    all_wh = []
    for gt in sorted(glob.glob(os.path.join(args.gt_dir, "*.txt"))):
        stem = os.path.splitext(os.path.basename(gt))[0]
        imgs = glob.glob(os.path.join(image_dir, stem + ".*"))
        if not imgs:
            continue
        img = cv2.imread(imgs[0], cv2.IMREAD_REDUCED_COLOR_2)  # only the size is needed
        scale = args.long_side / (2 * max(img.shape[:2]))
        polys, ignore = read_uniform_polygons(gt)
        all_wh.append(measure_boxes([p * scale for p, ig in zip(polys, ignore) if not ig]))
    wh = np.concatenate(all_wh)
    print("boxes:", len(wh))
    for name, v in (("width", wh[:, 0]), ("height", wh[:, 1]), ("sqrt(w*h)", np.sqrt(wh.prod(1))),
                    ("w/h", wh[:, 0] / np.maximum(wh[:, 1], 1))):
        print("%-10s percentiles 5/25/50/75/95: %s" % (name, np.round(np.percentile(v, [5, 25, 50, 75, 95]), 2)))
    sizes, ratios = propose_anchors(wh)
    print("proposed sizes", sizes, "ratios", ratios)
    cfg = ModelConfig()
    for label, s, r in (("proposed", sizes, ratios), ("default", cfg.anchor_sizes, cfg.anchor_ratios)):
        cov = best_iou_coverage(wh, s, r)
        print("%s: best same-centre IoU median %.3f, share >= 0.5: %.3f" % (label, np.median(cov), (cov >= 0.5).mean()))


if __name__ == "__main__":
    main()
