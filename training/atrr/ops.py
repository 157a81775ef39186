# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The four custom ops of doc/model_format.md §3 as torch.autograd.Functions.

Each Function's `forward` computes the contract's semantics in plain torch (any device) and its `symbolic`
emits exactly the contract's ONNX node, so the exported graph and the PyTorch inference path compute the
same thing. The Functions have no backward: training uses the differentiable plain-torch equivalents
(`se_block`, torchvision's roi_align, nn.LSTM) and runs TextProposal under no_grad.

The model switches to the Functions while exporting (`torch.onnx.is_in_onnx_export()`) or inside
`with contract_mode():` (inference / parity checks).
"""
import contextlib
import math
import threading

import torch
import torch.nn.functional as F
from torch.autograd import Function
from torchvision.ops import nms, roi_align

from .anchors import grid_anchors

DOMAIN = "adaptivetext"
CONTRACT_VERSION = 1
# Faster R-CNN's clamp of dw, dh before exp(): a box grows at most 1000/16 times its anchor.
MAX_LOG_SCALE = math.log(1000.0 / 16.0)

_state = threading.local()


@contextlib.contextmanager
def contract_mode():
    """Within this block the model runs the Functions (the exported graph's semantics)."""
    previous = getattr(_state, "contract", False)
    _state.contract = True
    try:
        yield
    finally:
        _state.contract = previous


def use_contract_ops() -> bool:
    return torch.onnx.is_in_onnx_export() or getattr(_state, "contract", False)


def _typed(value, like, sizes):
    """Annotates a custom node's output with dtype/shape so that later symbolics (flatten) know its rank."""
    value.setType(like.type().with_sizes(sizes))
    return value


def _static_sizes(value):
    try:
        return value.type().sizes()
    except RuntimeError:  # the type carries no shape
        return None


# ----------------------------------------------------------------------------------------------------
# SEBlock (§3.1)
# ----------------------------------------------------------------------------------------------------
def se_block(x, w1, w2):
    """Differentiable squeeze-and-excitation without biases: x * sigmoid(W2 relu(W1 mean_hw(x)))."""
    s = x.mean(dim=(2, 3))
    e = torch.sigmoid(F.linear(torch.relu(F.linear(s, w1)), w2))
    return x * e[:, :, None, None]


class SEBlockFunction(Function):
    @staticmethod
    def forward(ctx, x, w1, w2):
        return se_block(x, w1, w2)

    @staticmethod
    def symbolic(g, x, w1, w2):
        y = g.op(DOMAIN + "::SEBlock", x, w1, w2, version_i=CONTRACT_VERSION)
        y.setType(x.type())
        return y


# ----------------------------------------------------------------------------------------------------
# RoIAlign (§3.2)
# ----------------------------------------------------------------------------------------------------
def roi_align_contract(x, rois, output_height, output_width, spatial_scale, sampling_ratio):
    """torchvision roi_align(aligned=True) over (batch, x1, y1, x2, y2) rows; padding rows give zeros."""
    padding = rois[:, 0] < 0
    safe = rois.clone()
    safe[padding, 0] = 0.0  # any valid batch index; the rows are zeroed below
    y = roi_align(x, safe, (output_height, output_width), spatial_scale, sampling_ratio, aligned=True)
    return y * (~padding).to(y.dtype)[:, None, None, None]


class RoIAlignFunction(Function):
    @staticmethod
    def forward(ctx, x, rois, output_height, output_width, spatial_scale, sampling_ratio):
        return roi_align_contract(x, rois, output_height, output_width, spatial_scale, sampling_ratio)

    @staticmethod
    def symbolic(g, x, rois, output_height, output_width, spatial_scale, sampling_ratio):
        y = g.op(DOMAIN + "::RoIAlign", x, rois, version_i=CONTRACT_VERSION,
                 output_height_i=output_height, output_width_i=output_width,
                 spatial_scale_f=spatial_scale, sampling_ratio_i=sampling_ratio)
        xs, rs = _static_sizes(x), _static_sizes(rois)
        if xs is not None and rs is not None:
            _typed(y, x, [rs[0], xs[1], output_height, output_width])
        return y


# ----------------------------------------------------------------------------------------------------
# TextProposal (§3.3)
# ----------------------------------------------------------------------------------------------------
def decode_boxes(anchors, deltas):
    """Faster R-CNN decode, continuous coordinates (no +1); anchors and deltas are (N, 4)."""
    w = anchors[:, 2] - anchors[:, 0]
    h = anchors[:, 3] - anchors[:, 1]
    cx = anchors[:, 0] + 0.5 * w
    cy = anchors[:, 1] + 0.5 * h
    dw = deltas[:, 2].clamp(max=MAX_LOG_SCALE)
    dh = deltas[:, 3].clamp(max=MAX_LOG_SCALE)
    px = cx + deltas[:, 0] * w
    py = cy + deltas[:, 1] * h
    pw = w * torch.exp(dw)
    ph = h * torch.exp(dh)
    return torch.stack([px - 0.5 * pw, py - 0.5 * ph, px + 0.5 * pw, py + 0.5 * ph], dim=1)


def encode_boxes(ref, gt):
    """Inverse of decode_boxes (unclamped): the regression targets of gt w.r.t. ref boxes."""
    rw = (ref[:, 2] - ref[:, 0]).clamp(min=1e-3)
    rh = (ref[:, 3] - ref[:, 1]).clamp(min=1e-3)
    gw = (gt[:, 2] - gt[:, 0]).clamp(min=1e-3)
    gh = (gt[:, 3] - gt[:, 1]).clamp(min=1e-3)
    dx = ((gt[:, 0] + gt[:, 2]) - (ref[:, 0] + ref[:, 2])) * 0.5 / rw
    dy = ((gt[:, 1] + gt[:, 3]) - (ref[:, 1] + ref[:, 3])) * 0.5 / rh
    return torch.stack([dx, dy, torch.log(gw / rw), torch.log(gh / rh)], dim=1)


def propose(scores, deltas, image_height, image_width, feat_stride, anchor_sizes, anchor_ratios,
            pre_nms_top_n, post_nms_top_n, nms_threshold, min_size):
    """One image: scores (A, Hf, Wf), deltas (4A, Hf, Wf) -> rois (K, 5), rpn_scores (K, 1), padded."""
    num_anchors, feat_h, feat_w = scores.shape
    anchors = grid_anchors(feat_h, feat_w, feat_stride, anchor_sizes, anchor_ratios, device=scores.device)
    # deltas[4a + j, y, x] -> row (a*Hf + y)*Wf + x, column j: the same flat order as the scores.
    d = deltas.reshape(num_anchors, 4, feat_h, feat_w).permute(0, 2, 3, 1).reshape(-1, 4)
    boxes = decode_boxes(anchors, d.float())
    boxes[:, 0::2] = boxes[:, 0::2].clamp(0.0, float(image_width))
    boxes[:, 1::2] = boxes[:, 1::2].clamp(0.0, float(image_height))
    flat_scores = scores.reshape(-1).float()
    big_enough = ((boxes[:, 2] - boxes[:, 0]) >= min_size) & ((boxes[:, 3] - boxes[:, 1]) >= min_size)
    candidates = torch.nonzero(big_enough).reshape(-1)
    # A stable descending sort keeps equal scores in flat-index order: the contract's tie rule.
    order = torch.sort(flat_scores[candidates], dim=0, descending=True, stable=True)[1]
    candidates = candidates[order[:pre_nms_top_n]]
    # torchvision's nms orders by score itself; strictly decreasing rank scores make it follow our order.
    rank = -torch.arange(candidates.numel(), device=scores.device, dtype=torch.float32)
    kept = candidates[nms(boxes[candidates], rank, nms_threshold)[:post_nms_top_n]]
    n = kept.numel()
    rois = torch.zeros(post_nms_top_n, 5, device=scores.device)
    rois[:, 0] = -1.0
    rois[:n, 0] = 0.0
    rois[:n, 1:] = boxes[kept]
    rpn_scores = torch.zeros(post_nms_top_n, 1, device=scores.device)
    rpn_scores[:n, 0] = flat_scores[kept]
    return rois, rpn_scores


class TextProposalFunction(Function):
    @staticmethod
    def forward(ctx, scores, deltas, image, feat_stride, anchor_sizes, anchor_ratios, pre_nms_top_n,
                post_nms_top_n, nms_threshold, min_size):
        return propose(scores[0], deltas[0], image.shape[2], image.shape[3], feat_stride, anchor_sizes,
                       anchor_ratios, pre_nms_top_n, post_nms_top_n, nms_threshold, min_size)

    @staticmethod
    def symbolic(g, scores, deltas, image, feat_stride, anchor_sizes, anchor_ratios, pre_nms_top_n,
                 post_nms_top_n, nms_threshold, min_size):
        rois, rpn_scores = g.op(DOMAIN + "::TextProposal", scores, deltas, image, outputs=2,
                                version_i=CONTRACT_VERSION, feat_stride_i=feat_stride,
                                anchor_sizes_f=list(anchor_sizes), anchor_ratios_f=list(anchor_ratios),
                                pre_nms_top_n_i=pre_nms_top_n, post_nms_top_n_i=post_nms_top_n,
                                nms_threshold_f=nms_threshold, min_size_f=min_size)
        _typed(rois, scores, [post_nms_top_n, 5])
        _typed(rpn_scores, scores, [post_nms_top_n, 1])
        return rois, rpn_scores


# ----------------------------------------------------------------------------------------------------
# PointPairDecoder (§3.4)
# ----------------------------------------------------------------------------------------------------
def lstm_unrolled(features, w_ih, w_hh, bias, w_out, b_out, steps):
    """(K, steps, 5) outputs of the LSTM that reads the same input at every step (h0 = c0 = 0)."""
    k = features.shape[0]
    hidden = w_hh.shape[1]
    x_part = F.linear(features, w_ih, bias)  # the input is the same at every step
    h = features.new_zeros(k, hidden)
    c = features.new_zeros(k, hidden)
    outputs = []
    for _ in range(steps):
        i, f, g, o = (x_part + F.linear(h, w_hh)).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(F.linear(h, w_out, b_out))
    return torch.stack(outputs, dim=1)


def relative_to_absolute(uv, rois):
    """(K, T, 4) (u_top, v_top, u_bottom, v_bottom) relative to the (K, 5) RoI boxes -> pixels."""
    x1, y1 = rois[:, 1, None], rois[:, 2, None]
    w, h = (rois[:, 3] - rois[:, 1])[:, None], (rois[:, 4] - rois[:, 2])[:, None]
    return torch.stack([x1 + uv[..., 0] * w, y1 + uv[..., 1] * h,
                        x1 + uv[..., 2] * w, y1 + uv[..., 3] * h], dim=-1)


def stop_counts(stop_logits, min_steps, stop_threshold):
    """(K, T) stop logits -> (K,) pairs emitted: one more than the first step t with stop > threshold and
    t + 1 >= min_steps; T when none stops."""
    max_steps = stop_logits.shape[1]
    steps = torch.arange(max_steps, device=stop_logits.device)
    stops = (torch.sigmoid(stop_logits) > stop_threshold) & (steps[None, :] + 1 >= min_steps)
    stops[:, max_steps - 1] = True
    first_stop = torch.where(stops, steps[None, :], torch.full_like(stops, max_steps, dtype=steps.dtype))
    return first_stop.min(dim=1)[0] + 1


def decode_point_pairs(features, text_scores, rois, w_ih, w_hh, bias, w_out, b_out, max_steps, min_steps,
                       score_threshold, stop_threshold):
    """The contract's decoder: early stop per RoI, skipped RoIs (padding, low score) give zeros."""
    y = lstm_unrolled(features, w_ih, w_hh, bias, w_out, b_out, max_steps)
    steps = torch.arange(max_steps, device=features.device)
    count = stop_counts(y[..., 4], min_steps, stop_threshold)
    active = (rois[:, 0] >= 0) & (text_scores[:, 0] >= score_threshold)
    count = torch.where(active, count, torch.zeros_like(count))
    emitted = (steps[None, :] < count[:, None]).to(features.dtype)
    pairs = relative_to_absolute(y[..., :4], rois) * emitted[..., None]
    return pairs, count.to(features.dtype)[:, None]


class PointPairDecoderFunction(Function):
    @staticmethod
    def forward(ctx, features, text_scores, rois, w_ih, w_hh, bias, w_out, b_out, max_steps, min_steps,
                score_threshold, stop_threshold):
        return decode_point_pairs(features, text_scores, rois, w_ih, w_hh, bias, w_out, b_out, max_steps,
                                  min_steps, score_threshold, stop_threshold)

    @staticmethod
    def symbolic(g, features, text_scores, rois, w_ih, w_hh, bias, w_out, b_out, max_steps, min_steps,
                 score_threshold, stop_threshold):
        pairs, num_pairs = g.op(DOMAIN + "::PointPairDecoder", features, text_scores, rois, w_ih, w_hh, bias,
                                w_out, b_out, outputs=2, version_i=CONTRACT_VERSION, max_steps_i=max_steps,
                                min_steps_i=min_steps, score_threshold_f=score_threshold,
                                stop_threshold_f=stop_threshold)
        rs = _static_sizes(rois)
        if rs is not None:
            _typed(pairs, rois, [rs[0], max_steps, 4])
            _typed(num_pairs, rois, [rs[0], 1])
        return pairs, num_pairs
