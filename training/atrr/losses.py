# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The losses of the three heads: Text-RPN, refinement, point-pair decoder.

Classification terms are BCE on logits (the graph applies the sigmoid); regressions are smooth-L1,
averaged over the sampled entries so that the terms keep their scale whatever the number of positives.
"""
import torch
import torch.nn.functional as F

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


def head_losses(text_logits, box_deltas, roi_t):
    """Refinement: text/non-text BCE over all sampled RoIs, box smooth-L1 over the positive ones."""
    norm = max(int(roi_t.labels.numel()), 1)
    pos = roi_t.labels == POSITIVE
    cls = F.binary_cross_entropy_with_logits(text_logits[:, 0], roi_t.labels.to(text_logits.dtype),
                                             reduction="sum") / norm
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
