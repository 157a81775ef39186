# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The losses of the three heads: Text-RPN, refinement, point-pair decoder.

Classification terms are BCE on logits (the graph applies the sigmoid); regressions are smooth-L1,
averaged over the sampled entries so that the terms keep their scale whatever the number of positives.
"""
import numpy as np
import torch
import torch.nn.functional as F

from .data.pointpairs import pairs_to_polygon
from .geometry import polygon_iou
from .ops import stop_counts
from .targets import POSITIVE, anchor_targets

RPN_BETA = 1.0 / 9.0  # Faster R-CNN's smooth-L1 transition for the RPN deltas


def rpn_losses(cls_logits, deltas, anchors, gts, cfg):
    """cls_logits [B, A, Hf, Wf], deltas [B, 4A, Hf, Wf] in the contract's channel layout."""
    b, a, hf, wf = cls_logits.shape
    logits = cls_logits.reshape(b, -1)  # flat index (a*Hf + y)*Wf + x, as the anchors
    regs = deltas.reshape(b, a, 4, hf, wf).permute(0, 1, 3, 4, 2).reshape(b, -1, 4)
    cls_terms, reg_terms, sampled = [], [], 0
    for i, gt in enumerate(gts):
        labels, reg_t = anchor_targets(anchors, gt, cfg)
        used = labels >= 0
        pos = labels == POSITIVE
        sampled += int(used.sum())
        cls_terms.append(F.binary_cross_entropy_with_logits(logits[i][used], labels[used].to(logits.dtype),
                                                            reduction="sum"))
        reg_terms.append(F.smooth_l1_loss(regs[i][pos], reg_t[pos], beta=RPN_BETA, reduction="sum"))
    norm = max(sampled, 1)
    return {"rpn_cls": sum(cls_terms) / norm, "rpn_reg": sum(reg_terms) / norm}


def head_losses(text_logits, box_deltas, roi_t, cls_target=None):
    """Refinement: text/non-text BCE over all sampled RoIs, box smooth-L1 over the positive ones.

    cls_target: soft labels (R,) replacing the 1 / 0 labels (`decoded_quality` for the positives), or None.
    """
    norm = max(int(roi_t.labels.numel()), 1)
    pos = roi_t.labels == POSITIVE
    target = roi_t.labels.to(text_logits.dtype) if cls_target is None else cls_target.to(text_logits.dtype)
    cls = F.binary_cross_entropy_with_logits(text_logits[:, 0], target, reduction="sum") / norm
    reg = F.smooth_l1_loss(box_deltas[pos], roi_t.box_deltas[pos], beta=1.0, reduction="sum") / norm
    return {"cls": cls, "box": reg}


def pair_losses(seq, uv, count, cfg):
    """seq (P, T, 5) raw decoder outputs of the positive RoIs; uv (P, T, 4) targets; count (P,) pairs n.

    Coordinates: smooth-L1 on steps t < n. Stop: BCE with label 0 for t < n-1 and 1 at t = n-1.
    Steps t >= n carry no loss (inference stops there).
    """
    steps = seq.shape[1]
    t = torch.arange(steps, device=seq.device)[None, :]
    valid = t < count[:, None]
    if not bool(valid.any()):
        zero = seq.sum() * 0.0  # keeps the graph connected when an image has no positive RoI
        return {"pairs": zero, "stop": zero}
    stop_label = (t == (count[:, None] - 1)).to(seq.dtype)
    norm = max(int(valid.sum()), 1)
    coords = F.smooth_l1_loss(seq[..., :4][valid], uv[valid], beta=1.0 / 9.0, reduction="sum") / norm
    stop = F.binary_cross_entropy_with_logits(seq[..., 4][valid], stop_label[valid], reduction="sum") / norm
    return {"pairs": cfg.pair_loss_weight * coords, "stop": cfg.stop_loss_weight * stop}


def decoded_quality(seq, uv, count, cfg, low=0.3, high=0.7):
    """Soft text-score targets of the positive RoIs from the polygon the decoder would emit for them.

    seq (P, T, 5) raw decoder outputs, uv / count their target pairs (RoI-relative). The IoU of the decoded and
    the target polygon is computed in the RoI's (u, v) frame: an affine map of the pixels, so the IoU is the
    one in pixels. It is mapped linearly to 0 at `low` and 1 at `high` and above, so that the text score ranks
    polygons by how well they fit (the detector keeps the best of overlapping ones and drops poor outlines),
    not by how well the RoI box fits: a tenth of the found lines were lost to a low text score (doc/training.md).
    """
    n_pred = stop_counts(seq[..., 4], cfg.min_steps, cfg.stop_threshold).tolist()  # as the decoder
    pred = seq[..., :4].detach().cpu().numpy().astype(np.float64)
    tgt = uv.detach().cpu().numpy().astype(np.float64)
    quality = []
    for k, (n, m) in enumerate(zip(n_pred, count.tolist())):
        iou = polygon_iou(pairs_to_polygon(pred[k, :n]), pairs_to_polygon(tgt[k, :m])) if m >= 2 else 0.0
        quality.append(min(1.0, max(0.0, (iou - low) / (high - low))))
    return torch.tensor(quality, dtype=seq.dtype, device=seq.device)
