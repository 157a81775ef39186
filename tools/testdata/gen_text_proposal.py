#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Reference cases for adaptivetext.TextProposal (doc/model_format.md, section 3.3).

The expected rois / rpn_scores come from a float64 NumPy implementation written from the contract text.
Each case is a one-node ONNX model text_proposal_<case>.onnx with dynamic map sizes, plus
text_proposal_<case>.{scores,deltas,image_shape,rois,rpn_scores}.npy. The image input is only read for its
shape, so only the shape is stored. Random cases are re-drawn until every discrete decision (min_size
filter, NMS comparison) is at least a margin away from its threshold, so float32 rounding in the C++ code
cannot flip one.
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PREFIX = "text_proposal"
SIZE_MARGIN = 1e-3  # pixels between a clipped box side and min_size
IOU_MARGIN = 1e-4   # between any compared IoU and nms_threshold


def anchors_wh(sizes, ratios):
    """(A, 2) widths/heights, anchor index a = i_ratio * len(sizes) + i_size."""
    return np.array([(s * math.sqrt(r), s / math.sqrt(r)) for r in ratios for s in sizes], np.float64)


def iou(a, b):
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def reference(scores, deltas, img_h, img_w, p, ties_by_lower_index=True, clamp=True):
    """Returns rois [K,5], rpn_scores [K,1] and the smallest margins of the discrete decisions.
    ties_by_lower_index=False flips the tie rule and clamp=False drops the dw/dh clamp, only to check that
    a case depends on them."""
    _, A, hf, wf = scores.shape
    wh = anchors_wh(p["anchor_sizes"], p["anchor_ratios"])
    ys, xs = np.meshgrid(np.arange(hf), np.arange(wf), indexing="ij")
    cx = (xs + 0.5) * p["feat_stride"]
    cy = (ys + 0.5) * p["feat_stride"]
    d = deltas.astype(np.float64).reshape(A, 4, hf, wf)
    limit = math.log(1000.0 / 16.0) if clamp else np.inf
    w = wh[:, 0, None, None]
    h = wh[:, 1, None, None]
    px = cx[None] + d[:, 0] * w
    py = cy[None] + d[:, 1] * h
    pw = w * np.exp(np.minimum(d[:, 2], limit))
    ph = h * np.exp(np.minimum(d[:, 3], limit))
    boxes = np.stack([px - pw / 2, py - ph / 2, px + pw / 2, py + ph / 2], axis=-1)  # [A,hf,wf,4]
    boxes[..., 0::2] = np.clip(boxes[..., 0::2], 0, img_w)
    boxes[..., 1::2] = np.clip(boxes[..., 1::2], 0, img_h)
    boxes = boxes.reshape(-1, 4)  # row = flat index (a*hf + y)*wf + x
    flat_scores = scores.reshape(-1)
    bw = boxes[:, 2] - boxes[:, 0]
    bh = boxes[:, 3] - boxes[:, 1]
    keep = (bw >= p["min_size"]) & (bh >= p["min_size"])
    size_margin = np.inf
    if p["min_size"] > 0:
        size_margin = float(np.min(np.abs(np.concatenate([bw, bh]) - p["min_size"])))

    idx = np.nonzero(keep)[0]
    # descending score, ties by lower flat index (lexsort: last key is primary)
    tie_key = idx if ties_by_lower_index else -idx
    order = idx[np.lexsort((tie_key, -flat_scores[idx].astype(np.float64)))]
    order = order[:p["pre_nms_top_n"]]

    kept = []
    iou_margin = np.inf
    for i in order:
        suppressed = False
        for k in kept:
            v = iou(boxes[i], boxes[k])
            iou_margin = min(iou_margin, abs(v - p["nms_threshold"]))
            suppressed = suppressed or v > p["nms_threshold"]
        if not suppressed:
            kept.append(i)
        if len(kept) == p["post_nms_top_n"]:
            break

    K = p["post_nms_top_n"]
    rois = np.zeros((K, 5), np.float64)
    rois[:, 0] = -1
    rpn = np.zeros((K, 1), np.float64)
    for r, i in enumerate(kept):
        rois[r] = [0, *boxes[i]]
        rpn[r, 0] = flat_scores[i]
    return rois, rpn, size_margin, iou_margin


def make_model(A, p, version=common.CONTRACT_VERSION):
    attrs = {k: p[k] for k in ("feat_stride", "anchor_sizes", "anchor_ratios", "pre_nms_top_n",
                               "post_nms_top_n", "nms_threshold", "min_size")}
    attrs["anchor_sizes"] = [float(v) for v in attrs["anchor_sizes"]]
    attrs["anchor_ratios"] = [float(v) for v in attrs["anchor_ratios"]]
    attrs["nms_threshold"] = float(attrs["nms_threshold"])
    attrs["min_size"] = float(attrs["min_size"])
    node = common.custom_node("TextProposal", ["scores", "deltas", "image"], ["rois", "rpn_scores"],
                              name="text_proposal", version=version, **attrs)
    K = p["post_nms_top_n"]
    return common.make_model([node],
                             [("scores", [1, A, "hf", "wf"]), ("deltas", [1, 4 * A, "hf", "wf"]),
                              ("image", [1, 3, "h", "w"])],
                             [("rois", [K, 5]), ("rpn_scores", [K, 1])])


def save(case, scores, deltas, img_h, img_w, p, check_margins=True):
    rois, rpn, size_margin, iou_margin = reference(scores, deltas, img_h, img_w, p)
    if check_margins:
        assert size_margin > SIZE_MARGIN and iou_margin > IOU_MARGIN, (case, size_margin, iou_margin)
    common.save_case("%s_%s" % (PREFIX, case), make_model(scores.shape[1], p), scores=scores, deltas=deltas,
                     image_shape=np.array([1, 3, img_h, img_w]), rois=rois, rpn_scores=rpn)
    return rois


def draw(rng, A, hf, wf, delta_scale):
    """Distinct scores (no ties) in (0, 1) and random deltas."""
    while True:
        scores = rng.uniform(0.01, 0.99, (1, A, hf, wf)).astype(np.float32)
        if len(np.unique(scores)) == scores.size:
            break
    deltas = (rng.standard_normal((1, 4 * A, hf, wf)) * delta_scale).astype(np.float32)
    return scores, deltas


def random_case(rng, case, p, hf, wf, img_h, img_w, delta_scale=0.3):
    A = len(p["anchor_sizes"]) * len(p["anchor_ratios"])
    for _ in range(1000):
        scores, deltas = draw(rng, A, hf, wf, delta_scale)
        _, _, sm, im = reference(scores, deltas, img_h, img_w, p)
        if sm > SIZE_MARGIN and im > IOU_MARGIN:
            return save(case, scores, deltas, img_h, img_w, p)
    raise RuntimeError("no draw with safe margins for " + case)


def params(stride, sizes, ratios, pre, post, thr, min_size):
    return dict(feat_stride=stride, anchor_sizes=sizes, anchor_ratios=ratios, pre_nms_top_n=pre,
                post_nms_top_n=post, nms_threshold=thr, min_size=min_size)


def main():
    rng = np.random.default_rng(20190601)
    # Random sweep over shapes and parameters.
    sweep = [
        # stride, sizes, ratios, pre, post, thr, min_size, hf, wf
        (16, [32.0], [1.0], 50, 10, 0.7, 4.0, 4, 5),
        (16, [24.0, 48.0], [0.5, 1.0, 2.0], 100, 20, 0.5, 8.0, 6, 7),
        (8, [16.0, 32.0, 64.0], [0.25, 4.0], 30, 12, 0.3, 2.0, 5, 3),
        (16, [40.0], [0.2, 1.0, 5.0], 1000, 40, 0.6, 1.0, 8, 8),
        (4, [8.0, 12.0], [1.0, 3.0], 15, 30, 0.45, 0.5, 7, 9),  # pre < post: padding after NMS
    ]
    for n, (stride, sizes, ratios, pre, post, thr, ms, hf, wf) in enumerate(sweep):
        random_case(rng, "sweep%d" % n, params(stride, sizes, ratios, pre, post, thr, ms), hf, wf,
                    hf * stride, wf * stride)

    # K = 1: only the best surviving box.
    random_case(rng, "k1", params(16, [32.0], [0.5, 2.0], 20, 1, 0.7, 4.0), 3, 4, 48, 64)

    # 1x1 score map with anchors larger than the image: every box is clipped.
    random_case(rng, "map1x1", params(16, [24.0, 64.0], [0.5, 1.0, 2.0], 10, 4, 0.9, 1.0), 1, 1, 16, 16)

    # Boxes partly outside the image: large anchors at the border and large deltas.
    random_case(rng, "clip", params(16, [48.0, 96.0], [1.0, 3.0], 200, 25, 0.6, 2.0), 4, 6, 64, 96,
                delta_scale=2.5)

    # dw/dh above log(1000/16): small anchors in a large image, so the clamped width stays inside the image
    # and the clamp shows in the output.
    p = params(16, [4.0], [1.0], 50, 9, 0.9, 1.0)
    for _ in range(1000):
        scores, deltas = draw(rng, 1, 3, 3, 0.1)
        deltas[0, 2:4] = rng.uniform(3.0, 6.0, (2, 3, 3)).astype(np.float32)
        rois, _, sm, im = reference(scores, deltas, 320, 320, p)
        unclamped = reference(scores, deltas, 320, 320, p, clamp=False)[0]
        if sm > SIZE_MARGIN and im > IOU_MARGIN and not np.allclose(rois, unclamped):
            break
    else:
        raise RuntimeError("no clamp case that depends on the clamp")
    save("dw_clamp", scores, deltas, 320, 320, p)

    # Non-square image not a multiple of the stride times the map (clip bounds come from `image` only).
    random_case(rng, "clip_bounds", params(8, [20.0], [1.0], 100, 15, 0.5, 3.0), 5, 5, 30, 37)

    # Every box below min_size: all rows are padding.
    p = params(16, [16.0], [1.0], 10, 5, 0.7, 1000.0)
    scores, deltas = draw(rng, 1, 3, 3, 0.2)
    rois = save("all_small", scores, deltas, 48, 48, p)
    assert np.all(rois[:, 0] == -1)

    # Exact score ties: a few quantised levels, with pre_nms_top_n cutting inside a level. Re-drawn until the
    # output changes when ties go to the higher index instead.
    p = params(16, [32.0, 40.0], [1.0], 9, 12, 0.3, 1.0)
    for _ in range(1000):
        _, deltas = draw(rng, 2, 4, 4, 0.1)
        scores = rng.choice(np.array([0.2, 0.5, 0.9], np.float32), (1, 2, 4, 4))
        rois, _, sm, im = reference(scores, deltas, 64, 64, p)
        flipped = reference(scores, deltas, 64, 64, p, ties_by_lower_index=False)[0]
        if sm > SIZE_MARGIN and im > IOU_MARGIN and not np.allclose(rois, flipped):
            break
    else:
        raise RuntimeError("no tie case that depends on the tie rule")
    save("ties", scores, deltas, 64, 64, p)

    # Hand-checkable case: 1 anchor of 16x16 on a 2x2 map (stride 16), zero deltas; the four boxes tile
    # a 32x32 image, do not overlap, and come out in score order.
    p = params(16, [16.0], [1.0], 10, 6, 0.5, 1.0)
    scores = np.array([0.3, 0.9, 0.6, 0.9], np.float32).reshape(1, 1, 2, 2)
    deltas = np.zeros((1, 4, 2, 2), np.float32)
    rois = save("hand", scores, deltas, 32, 32, p)
    expected = [[0, 16, 0, 32, 16], [0, 16, 16, 32, 32], [0, 0, 16, 16, 32], [0, 0, 0, 16, 16]]
    assert np.allclose(rois[:4], expected) and np.all(rois[4:, 0] == -1)

    # The best-scored boxes are below min_size: pre_nms_top_n must count only boxes that survive the size
    # filter, so the layer has to look past the first pre_nms_top_n scores (it decodes lazily, in rounds).
    small_p = params(8, [5.0, 24.0], [1.0], 20, 20, 0.5, 8.0)
    for _ in range(1000):
        scores, deltas = draw(rng, 2, 6, 6, 0.3)
        scores[0, 0] += 1.0  # the 5-px anchor ranks first everywhere
        rois, _, sm, im = reference(scores, deltas, 48, 48, small_p)
        # Rows of both anchors: the 24-px boxes (wider than 12 px at these deltas) rank after all 36 small ones,
        # so a layer that took the first 20 scores before filtering would output none of them.
        valid = rois[:, 0] == 0
        small = int(np.sum(valid & (rois[:, 3] - rois[:, 1] < 12)))
        large = int(np.sum(valid & (rois[:, 3] - rois[:, 1] >= 12)))
        if sm > SIZE_MARGIN and im > IOU_MARGIN and small >= 1 and large >= 1:
            break
    else:
        raise RuntimeError("no small-best case")
    save("small_best", scores, deltas, 48, 48, small_p)

    # A node of a newer contract version: the import must refuse it.
    common.save_case(PREFIX + "_version2", make_model(1, p, version=2))


if __name__ == "__main__":
    main()
