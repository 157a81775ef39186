# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Training targets: anchor labels for the Text-RPN, sampled RoIs with box and point-pair targets.

Matching is on the axis-aligned boxes of the polygons. ### regions never give positives, and anchors or
RoIs lying mostly inside one (intersection over own area > cfg.ignore_ioa) are not sampled as negatives
either: such text is unreadable, not background.
"""
from dataclasses import dataclass

import numpy as np
import torch
from torchvision.ops import box_iou

from .anchors import grid_anchors
from .ops import encode_boxes

# Labels: 1 = text, 0 = background, -1 = not sampled.
POSITIVE, NEGATIVE, IGNORED = 1, 0, -1


@dataclass
class GroundTruth:
    height: int
    width: int
    boxes: torch.Tensor  # (G, 4) care boxes
    ignore_boxes: torch.Tensor  # (I, 4) ### boxes
    pairs: list  # per care box, (m, 4) float32 tensor of point pairs

    @classmethod
    def from_sample(cls, sample, device):
        care, ign, pairs = [], [], []
        for poly, ignore, pp in zip(sample["polygons"], sample["ignore"], sample["pairs"]):
            p = np.asarray(poly, np.float32)
            box = [p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()]
            if ignore:
                ign.append(box)
            elif box[2] - box[0] >= 1 and box[3] - box[1] >= 1 and len(pp) >= 2:
                care.append(box)
                pairs.append(torch.as_tensor(np.asarray(pp, np.float32), device=device))
            else:
                ign.append(box)  # degenerate text: keep it out of the background too
        h, w = sample["image"].shape[:2]
        as_boxes = lambda b: torch.as_tensor(np.asarray(b, np.float32).reshape(-1, 4), device=device)
        return cls(h, w, as_boxes(care), as_boxes(ign), pairs)


def image_anchors(feat_h, feat_w, cfg, device):
    return grid_anchors(feat_h, feat_w, cfg.stride, cfg.anchor_sizes, cfg.anchor_ratios, device=device)


def box_ioa(boxes, regions):
    """(N, M) intersection of each box with each region over the box's own area."""
    lt = torch.max(boxes[:, None, :2], regions[None, :, :2])
    rb = torch.min(boxes[:, None, 2:], regions[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(dim=2)
    area = ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])).clamp(min=1e-6)
    return inter / area[:, None]


def label_boxes(boxes, gt, pos_iou, neg_iou, ignore_ioa, best_match_positive):
    """Labels (N,) and matched care-box index (N,) for candidate boxes against one image's ground truth."""
    n = boxes.shape[0]
    labels = torch.full((n,), NEGATIVE, dtype=torch.long, device=boxes.device)
    matched = torch.zeros(n, dtype=torch.long, device=boxes.device)
    if gt.boxes.shape[0]:
        iou = box_iou(boxes, gt.boxes)
        best, matched = iou.max(dim=1)
        labels[best >= neg_iou] = IGNORED  # between the thresholds: neither
        labels[best >= pos_iou] = POSITIVE
        if best_match_positive:
            # Thin text boxes can have no anchor above pos_iou: each box also takes its best anchors.
            per_gt = iou.max(dim=0)[0]
            hits = (iou >= per_gt[None, :] - 1e-6) & (per_gt[None, :] > 0.1)
            rows, cols = torch.nonzero(hits, as_tuple=True)
            labels[rows] = POSITIVE
            matched[rows] = cols
    if gt.ignore_boxes.shape[0]:
        mostly_ignored = box_ioa(boxes, gt.ignore_boxes).max(dim=1)[0] > ignore_ioa
        labels[mostly_ignored & (labels != POSITIVE)] = IGNORED
    return labels, matched


def anchor_targets(anchors, gt, cfg):
    """Labels and regression targets of one image's anchors; anchors centred in the padding are ignored."""
    labels, matched = label_boxes(anchors, gt, cfg.rpn_pos_iou, cfg.rpn_neg_iou, cfg.ignore_ioa, True)
    cx = 0.5 * (anchors[:, 0] + anchors[:, 2])
    cy = 0.5 * (anchors[:, 1] + anchors[:, 3])
    labels[(cx >= gt.width) | (cy >= gt.height)] = IGNORED
    labels = subsample(labels, cfg.rpn_batch_per_image, cfg.rpn_positive_fraction)
    reg = torch.zeros_like(anchors)
    if gt.boxes.shape[0]:
        reg = encode_boxes(anchors, gt.boxes[matched])
    return labels, reg


def subsample(labels, batch, positive_fraction):
    """Keeps at most batch labelled entries, at most positive_fraction of them positive; others -> -1."""
    labels = labels.clone()
    pos = torch.nonzero(labels == POSITIVE).reshape(-1)
    neg = torch.nonzero(labels == NEGATIVE).reshape(-1)
    num_pos = min(pos.numel(), int(batch * positive_fraction))
    num_neg = min(neg.numel(), batch - num_pos)
    drop_pos = pos[torch.randperm(pos.numel(), device=labels.device)[num_pos:]]
    drop_neg = neg[torch.randperm(neg.numel(), device=labels.device)[num_neg:]]
    labels[drop_pos] = IGNORED
    labels[drop_neg] = IGNORED
    return labels


@dataclass
class RoiTargets:
    labels: torch.Tensor  # (R,) 1 / 0
    box_deltas: torch.Tensor  # (R, 4) targets of the refinement box regression
    pair_uv: torch.Tensor  # (R, T, 4) point pairs relative to the RoI box (zeros for t >= count)
    pair_count: torch.Tensor  # (R,) number of valid pairs n (0 for negatives)


def pairs_for_steps(pairs, steps):
    """At most `steps` pairs: longer sequences are resampled evenly, keeping the first and last pair."""
    m = pairs.shape[0]
    if m <= steps:
        return pairs
    idx = torch.round(torch.linspace(0, m - 1, steps, device=pairs.device)).long()
    return pairs[idx]


def relative_pairs(pairs, box):
    """(n, 4) absolute (x_top, y_top, x_bottom, y_bottom) -> u = (x - x1)/(x2 - x1), v = (y - y1)/(y2 - y1)."""
    w = (box[2] - box[0]).clamp(min=1e-3)
    h = (box[3] - box[1]).clamp(min=1e-3)
    origin = torch.stack([box[0], box[1], box[0], box[1]])
    size = torch.stack([w, h, w, h])
    return (pairs - origin) / size


def sample_rois(proposals, gts, cfg):
    """Proposals (per image (K, 5), padded) plus the care boxes -> sampled RoIs (R, 5) and their targets."""
    all_rois, labels, deltas, uvs, counts = [], [], [], [], []
    steps = cfg.max_steps
    for b, (props, gt) in enumerate(zip(proposals, gts)):
        boxes = torch.cat([props[props[:, 0] >= 0, 1:], gt.boxes], dim=0)
        lab, matched = label_boxes(boxes, gt, cfg.roi_pos_iou, cfg.roi_neg_iou, cfg.ignore_ioa, False)
        lab = subsample(lab, cfg.roi_batch_per_image, cfg.roi_positive_fraction)
        keep = torch.nonzero(lab != IGNORED).reshape(-1)
        boxes, lab, matched = boxes[keep], lab[keep], matched[keep]
        r = boxes.shape[0]
        uv = boxes.new_zeros(r, steps, 4)
        count = torch.zeros(r, dtype=torch.long, device=boxes.device)
        delta = boxes.new_zeros(r, 4)
        if gt.boxes.shape[0]:
            delta = encode_boxes(boxes, gt.boxes[matched])
            for i in torch.nonzero(lab == POSITIVE).reshape(-1).tolist():
                pp = pairs_for_steps(gt.pairs[int(matched[i])], steps)
                uv[i, :pp.shape[0]] = relative_pairs(pp, boxes[i])
                count[i] = pp.shape[0]
        all_rois.append(torch.cat([boxes.new_full((r, 1), float(b)), boxes], dim=1))
        labels.append(lab)
        deltas.append(delta)
        uvs.append(uv)
        counts.append(count)
    return torch.cat(all_rois), RoiTargets(torch.cat(labels), torch.cat(deltas), torch.cat(uvs), torch.cat(counts))
