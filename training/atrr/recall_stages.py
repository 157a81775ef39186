# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Where a model loses recall: for each care ground-truth instance, whether it survives each stage of the
detector, on a split that is not test (a validation split, or training images to measure fit).

    /usr/bin/python3 -m training.atrr.recall_stages --checkpoint C.pt --gt runs/x/val_gt \\
        --images ../shared/datasets/msra_td500/train/images [--long_side 640] [--score 0.7]

Stages, each counted as instances with a match at IoU > 0.5 (one-to-one is not enforced: this is an upper
bound per stage, not a score):
  rpn      some proposal's axis-aligned box overlaps the instance's axis-aligned box;
  decoded  some proposal's decoded polygon (every proposal decoded, whatever its text score) overlaps it;
  scored   the same among polygons with text score >= --score;
  final    the same after the polygon NMS, i.e. what the detector returns.
A drop from one stage to the next says which part of the design to work on. Runs the PyTorch model, which
computes what the exported graph computes (test/python checks the two against each other).
"""
import argparse
import os

import numpy as np
import torch

from training.atrr.data.readers import find_image, read_uniform_gt
from training.atrr.detections import iou, shape
from training.atrr.export import load_checkpoint
from training.atrr.model import network_input_size, postprocess, OUTPUT_NAMES, polygon_nms

STAGES = ("rpn", "decoded", "scored", "final")


def box_iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def poly_iou(a, b):
    return iou(shape(a), shape(b))


def bbox(points):
    p = np.asarray(points, np.float64).reshape(-1, 2)
    return [p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()]


def forward(model, image, long_side):
    """(graph outputs by name as numpy, (sx, sy) from network input to frame, (w, h) of the frame) of one image
    run at the keep-aspect long side, as the detector runs it."""
    import cv2
    h0, w0 = image.shape[:2]
    net_w, net_h = network_input_size(w0, h0, long_side)
    blob = cv2.resize(image, (net_w, net_h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    with torch.no_grad():
        out = model(torch.from_numpy(blob.transpose(2, 0, 1)[None].copy()))
    return dict(zip(OUTPUT_NAMES, [o.numpy() for o in out])), (w0 / net_w, h0 / net_h), (w0, h0)


def stage_hits(model, image, gts, long_side, score):
    """{stage: [bool per gt]} for one image."""
    out, (sx, sy), (w0, h0) = forward(model, image, long_side)
    rois = [[r[1] * sx, r[2] * sy, r[3] * sx, r[4] * sy] for r in out["rois"] if r[0] >= 0]
    everything, scores = postprocess(out, (sx, sy), (w0, h0), 0.0, 1.01)  # no threshold, NMS off
    scored = [p for p, s in zip(everything, scores) if s >= score]
    kept_scores = [s for s in scores if s >= score]
    final = [scored[i] for i in polygon_nms(scored, kept_scores, model.cfg.polygon_nms_threshold)]
    hits = {k: [] for k in STAGES}
    for g in gts:
        hits["rpn"].append(any(box_iou(bbox(g), r) > 0.5 for r in rois))
        for name, polys in (("decoded", everything), ("scored", scored), ("final", final)):
            hits[name].append(any(poly_iou(g, p) > 0.5 for p in polys))
    return hits


def care_instances(gt_dir, images, name):
    """(image path, care polygons as float64 (n, 2) arrays) of one ground-truth file."""
    path = find_image(images, name)
    rec = read_uniform_gt(os.path.join(gt_dir, name + ".txt"), path)
    return path, [np.asarray(p, np.float64).reshape(-1, 2) for p, ig in zip(rec.polygons, rec.ignore) if not ig]


def instance_groups(g, net_scale, long_aspect):
    """The groups an instance falls in, measured at the network input: its minimum-area rectangle gives the
    line height and aspect; its axis-aligned box gives the orientation (no anchor is taller than wide)."""
    import cv2
    rect = cv2.minAreaRect((g * net_scale).astype(np.float32))
    height, length = min(rect[1]), max(rect[1])
    b = bbox(g)
    groups = ["all"]
    if length > long_aspect * max(1e-6, height):
        groups.append("long (aspect > %g)" % long_aspect)
    if (b[2] - b[0]) < 0.8 * (b[3] - b[1]):
        groups.append("vertical (box w/h < 0.8)")
    groups.append("height < 12 px" if height < 12 else "height 12-24 px" if height < 24 else "height >= 24 px")
    return groups


def add_split_arguments(ap, score):
    """The options every per-instance analysis of a checkpoint on a split takes."""
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--gt", required=True, help="folder of NAME.txt ground truth (uniform format)")
    ap.add_argument("--images", required=True)
    ap.add_argument("--long_side", type=int, default=640)
    ap.add_argument("--score", type=float, default=score, help="the detector's text-score threshold")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_split_arguments(ap, 0.7)
    ap.add_argument("--long_aspect", type=float, default=6.0, help="instances longer than this count as long")
    args = ap.parse_args(argv)
    import cv2
    torch.set_num_threads(1)
    model = load_checkpoint(args.checkpoint).eval()
    model.cfg.decoder_score_threshold = 0.0  # decode every proposal, so the 'decoded' stage sees them all
    counts = {}  # group -> [instances, hits per stage...]
    for name in sorted(f[:-4] for f in os.listdir(args.gt) if f.endswith(".txt")):
        path, gts = care_instances(args.gt, args.images, name)
        if not gts:
            continue
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        net_scale = network_input_size(image.shape[1], image.shape[0], args.long_side)[0] / image.shape[1]
        hits = stage_hits(model, image, gts, args.long_side, args.score)
        for i, g in enumerate(gts):
            for group in instance_groups(g, net_scale, args.long_aspect):
                row = counts.setdefault(group, np.zeros(1 + len(STAGES), int))
                row += [1] + [int(hits[k][i]) for k in STAGES]
    print("%-26s %5s  %s   (share of the group's care instances matched at IoU > 0.5; long side %d, score %g)"
          % ("group", "n", "  ".join("%7s" % k for k in STAGES), args.long_side, args.score))
    for group, row in sorted(counts.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        print("%-26s %5d  %s" % (group, row[0], "  ".join("%7.3f" % (h / row[0]) for h in row[1:])))


if __name__ == "__main__":
    main()
