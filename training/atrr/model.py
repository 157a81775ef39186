# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""ATRR: SE-VGG16 backbone, Text-RPN, RoIAlign, refinement head and the LSTM point-pair decoder.

`forward(image)` is the exported graph (doc/model_format.md, batch 1, the contract's Functions);
`forward_train(images, samples)` returns the losses (differentiable plain-torch paths);
`predict(image, input_size)` returns polygons and scores as the C++ detector does.
"""
import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import losses, ops, targets
from .config import STRIDE, ModelConfig
from .data.pointpairs import pairs_to_polygon

VGG16_STAGES = ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512))
OUTPUT_NAMES = ("rois", "rpn_scores", "text_scores", "box_deltas", "pairs", "num_pairs")


class Preprocess(nn.Conv2d):
    """1x1 conv with fixed weights diag(1/std) and bias -mean/std (BGR): the graph's first node."""

    def __init__(self, mean, std):
        super().__init__(3, 3, kernel_size=1)
        std_t = torch.tensor(std, dtype=torch.float32)
        with torch.no_grad():
            self.weight.copy_(torch.diag(1.0 / std_t).view(3, 3, 1, 1))
            self.bias.copy_(-torch.tensor(mean, dtype=torch.float32) / std_t)
        self.requires_grad_(False)


class SEBlock(nn.Module):
    """Squeeze-and-excitation without biases (the contract's SEBlock); squeeze width max(1, C // r)."""

    def __init__(self, channels, reduction):
        super().__init__()
        squeeze = max(1, channels // reduction)
        self.w1 = nn.Parameter(torch.empty(squeeze, channels))
        self.w2 = nn.Parameter(torch.empty(channels, squeeze))
        nn.init.kaiming_uniform_(self.w1, a=5 ** 0.5)
        nn.init.kaiming_uniform_(self.w2, a=5 ** 0.5)

    def forward(self, x):
        if ops.use_contract_ops():
            return ops.SEBlockFunction.apply(x, self.w1, self.w2)
        return ops.se_block(x, self.w1, self.w2)


class SEVGG16(nn.Module):
    """VGG16's 13 convs (widths scaled, min 8; optional BatchNorm), an SE block after each stage, 4 max-pools:
    stride 16 (or 3 pools and a dilated stage 5: stride 8, `ModelConfig.feature_stride`)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.stages = nn.ModuleList()
        in_ch = 3
        for i, widths in enumerate(VGG16_STAGES):
            layers = []
            last = i == len(VGG16_STAGES) - 1
            # Feature stride 8: stage 5 runs on stage 4's unpooled map, dilated to keep its reach in pixels.
            dil = cfg.stage5_dilation if last else 1
            for w in widths:
                out_ch = cfg.stage_channels(i, w)
                conv = nn.Conv2d(in_ch, out_ch, 3, padding=dil, dilation=dil, bias=not cfg.batch_norm)
                if cfg.batch_norm:
                    layers += [conv, nn.BatchNorm2d(out_ch), nn.ReLU(inplace=True)]
                else:
                    layers += [conv, nn.ReLU(inplace=True)]
                in_ch = out_ch
            layers.append(SEBlock(in_ch, cfg.se_reduction))
            # No pool after stage 5 (stride 16), nor after stage 4 at feature stride 8.
            if not last and not (i == len(VGG16_STAGES) - 2 and cfg.stride == 8):
                layers.append(nn.MaxPool2d(2, 2))
            self.stages.append(nn.Sequential(*layers))
        self.out_channels = in_ch

    def forward(self, x):
        for stage in self.stages:
            x = stage(x)
        return x


class ATRR(nn.Module):
    def __init__(self, cfg: ModelConfig = None):
        super().__init__()
        self.cfg = cfg = cfg or ModelConfig()
        if cfg.score_target not in (None, "polygon_iou"):
            raise ValueError("score_target must be null or \"polygon_iou\", got %r" % (cfg.score_target,))
        if cfg.stride not in (8, 16):
            raise ValueError("feature_stride must be 8 or 16, got %r" % (cfg.feature_stride,))
        if cfg.stage4_skip and cfg.stride != 8:
            raise ValueError("stage4_skip needs feature_stride 8 (stage 4 and 5 outputs on one grid)")
        self.preprocess = Preprocess(cfg.mean, cfg.std)
        self.backbone = SEVGG16(cfg)
        c5 = self.backbone.out_channels
        rpn_ch = cfg.rpn_channels or c5
        a = cfg.num_anchors
        self.skip4 = None
        if cfg.stage4_skip:
            self.skip4 = nn.Conv2d(cfg.stage_channels(3, VGG16_STAGES[3][-1]), c5, 1)
            nn.init.zeros_(self.skip4.weight)
            nn.init.zeros_(self.skip4.bias)
        rpn_dil = cfg.stage5_dilation
        self.rpn_conv = nn.Conv2d(c5, rpn_ch, 3, padding=rpn_dil, dilation=rpn_dil)
        self.rpn_cls = nn.Conv2d(rpn_ch, a, 1)
        self.rpn_reg = nn.Conv2d(rpn_ch, 4 * a, 1)
        d, hd = cfg.head_dim, cfg.hidden_dim
        self.fc1 = nn.Linear(c5 * cfg.roi_height * cfg.roi_width, d)
        self.fc2 = nn.Linear(d, d)
        self.text_cls = nn.Linear(d, 1)
        self.box_reg = nn.Linear(d, 4)
        self.lstm = nn.LSTM(d, hd)
        self.pair_out = nn.Linear(hd, 5)
        self._init_heads()

    def _init_heads(self):
        for m in (self.rpn_conv, self.rpn_cls, self.rpn_reg):
            nn.init.normal_(m.weight, std=0.01)
            nn.init.zeros_(m.bias)
        for m in (self.text_cls, self.box_reg, self.pair_out):
            nn.init.normal_(m.weight, std=0.01)
            nn.init.zeros_(m.bias)
        # A prior of 1 % text keeps the many background anchors from dominating the first steps.
        nn.init.constant_(self.rpn_cls.bias, -4.6)

    # ----- shared pieces -------------------------------------------------------------------------
    def features(self, image):
        x = self.preprocess(image)
        if self.skip4 is None:
            return self.backbone(x)  # (cpu_speed may wrap backbone.forward; the skip path runs unwrapped)
        for i, stage in enumerate(self.backbone.stages):
            x = stage(x)
            if i == 3:
                stage4 = x
        return x + self.skip4(stage4)

    def rpn(self, image):
        feat = self.features(image)
        r = F.relu(self.rpn_conv(feat))
        return feat, self.rpn_cls(r), self.rpn_reg(r)

    def head(self, pooled, text_logit_shift=None):
        x = F.relu(self.fc1(torch.flatten(pooled, 1)))
        x = F.relu(self.fc2(x))
        if text_logit_shift:  # in the bias, so that the exporter folds it into one constant (no broadcast Add)
            return x, F.linear(x, self.text_cls.weight, self.text_cls.bias + text_logit_shift), self.box_reg(x)
        return x, self.text_cls(x), self.box_reg(x)

    def decoder_weights(self):
        """W_ih, W_hh, B = b_ih + b_hh, W_out, B_out of the contract's PointPairDecoder."""
        lstm = self.lstm
        return (lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0 + lstm.bias_hh_l0,
                self.pair_out.weight, self.pair_out.bias)

    # ----- inference graph (exported) --------------------------------------------------------------
    def forward(self, image):
        """image [1, 3, H, W] float BGR 0..255 -> the six outputs of doc/model_format.md §2."""
        cfg = self.cfg
        with ops.contract_mode():
            feat, cls_logits, deltas = self.rpn(image)
            rois, rpn_scores = ops.TextProposalFunction.apply(
                torch.sigmoid(cls_logits), deltas, image, cfg.stride, tuple(cfg.anchor_sizes),
                tuple(cfg.anchor_ratios), cfg.pre_nms_top_n, cfg.post_nms_top_n, cfg.rpn_nms_threshold,
                cfg.min_size)
            pooled = ops.RoIAlignFunction.apply(feat, rois, cfg.roi_height, cfg.roi_width, 1.0 / cfg.stride,
                                                cfg.sampling_ratio)
            x, text_logits, box_deltas = self.head(pooled, cfg.text_logit_shift)
            text_scores = torch.sigmoid(text_logits)
            pairs, num_pairs = ops.PointPairDecoderFunction.apply(
                x, text_scores, rois, *self.decoder_weights(), cfg.max_steps, cfg.min_steps,
                cfg.decoder_score_threshold, cfg.stop_threshold)
        return rois, rpn_scores, text_scores, box_deltas, pairs, num_pairs

    # ----- training -------------------------------------------------------------------------------
    def forward_train(self, images, samples):
        """images [B, 3, H, W] (collate_images), samples: the data batch -> dict of scalar losses."""
        cfg = self.cfg
        feat, cls_logits, deltas = self.rpn(images)
        anchors = targets.image_anchors(feat.shape[2], feat.shape[3], cfg, images.device)
        gts = [targets.GroundTruth.from_sample(s, images.device) for s in samples]
        out = losses.rpn_losses(cls_logits, deltas, anchors, gts, cfg)

        with torch.no_grad():
            proposals = [ops.propose(torch.sigmoid(cls_logits[b]), deltas[b], gt.height, gt.width, cfg.stride,
                                     cfg.anchor_sizes, cfg.anchor_ratios, cfg.train_pre_nms_top_n,
                                     cfg.train_post_nms_top_n, cfg.rpn_nms_threshold, cfg.min_size)[0]
                         for b, gt in enumerate(gts)]
        rois, roi_t = targets.sample_rois(proposals, gts, cfg)
        pooled = ops.roi_align_contract(feat, rois, cfg.roi_height, cfg.roi_width, 1.0 / cfg.stride,
                                        cfg.sampling_ratio)
        x, text_logits, box_deltas = self.head(pooled)
        pos = roi_t.labels == 1
        if bool(pos.any()):
            seq = self.decode_sequence(x[pos])
        else:  # cuDNN's LSTM refuses an empty batch; an unused dummy row keeps the LSTM in the graph (DDP)
            seq = self.decode_sequence(x.new_zeros(1, x.shape[1]))[:0]
        cls_target = None
        if cfg.score_target == "polygon_iou" and bool(pos.any()):
            cls_target = roi_t.labels.to(text_logits.dtype).clone()
            cls_target[pos] = losses.decoded_quality(seq, roi_t.pair_uv[pos], roi_t.pair_count[pos], cfg)
        out.update(losses.head_losses(text_logits, box_deltas, roi_t, cls_target))
        out.update(losses.pair_losses(seq, roi_t.pair_uv[pos], roi_t.pair_count[pos], cfg))
        out["total"] = sum(out.values())
        return out

    def decode_sequence(self, x):
        """(K, T, 5) raw decoder outputs with nn.LSTM over T steps of the same input (no early stop)."""
        steps = self.cfg.max_steps
        h, _ = self.lstm(x.unsqueeze(0).expand(steps, -1, -1))
        return self.pair_out(h).transpose(0, 1)

    # ----- validation -----------------------------------------------------------------------------
    @torch.no_grad()
    def predict(self, image, input_size=None, score_threshold=None, nms_threshold=None):
        """uint8 BGR image -> (polygons as float32 (n, 2) arrays in image pixels, scores), as §5 does.

        input_size: (W, H) multiples of 16, an int long side (aspect kept), or None for cfg.default_input's
        long side.
        """
        cfg = self.cfg
        h0, w0 = image.shape[:2]
        net_w, net_h = network_input_size(w0, h0, input_size or max(cfg.default_input))
        blob = cv2.resize(image, (net_w, net_h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
        device = next(self.parameters()).device
        blob = torch.from_numpy(blob.transpose(2, 0, 1)[None].copy()).to(device)
        was_training = self.training
        self.eval()
        outputs = [o.cpu().numpy() for o in self.forward(blob)]
        self.train(was_training)
        return postprocess(dict(zip(OUTPUT_NAMES, outputs)), (w0 / net_w, h0 / net_h), (w0, h0),
                           cfg.score_threshold if score_threshold is None else score_threshold,
                           cfg.polygon_nms_threshold if nms_threshold is None else nms_threshold)


def network_input_size(w, h, input_size):
    """(W, H) multiples of the stride: a fixed (W, H) or keep-aspect with the given long side."""
    if isinstance(input_size, (tuple, list)):
        net_w, net_h = input_size
    else:
        scale = float(input_size) / max(w, h)
        net_w, net_h = w * scale, h * scale
    return (max(STRIDE, int(round(net_w / STRIDE)) * STRIDE), max(STRIDE, int(round(net_h / STRIDE)) * STRIDE))


def roi_polygon(out, k, scale_xy, image_wh):
    """RoI k's polygon (doc/model_format.md §5 step 2): its point pairs scaled to the frame and clipped."""
    n = int(round(out["num_pairs"][k, 0]))
    poly = pairs_to_polygon(out["pairs"][k, :n]) * np.asarray(scale_xy, np.float32)
    poly[:, 0] = poly[:, 0].clip(0, image_wh[0] - 1)
    poly[:, 1] = poly[:, 1].clip(0, image_wh[1] - 1)
    return poly.astype(np.float32)


def postprocess(out, scale_xy, image_wh, score_threshold, nms_threshold):
    """doc/model_format.md §5 on the graph outputs (numpy): filter, polygons, scale, clip, polygon NMS."""
    keep = (out["rois"][:, 0] >= 0) & (out["text_scores"][:, 0] >= score_threshold) & (out["num_pairs"][:, 0] >= 2)
    polys, scores = [], []
    for k in np.nonzero(keep)[0]:
        polys.append(roi_polygon(out, k, scale_xy, image_wh))
        scores.append(float(out["text_scores"][k, 0]))
    order = polygon_nms(polys, scores, nms_threshold)
    return [polys[i] for i in order], [scores[i] for i in order]


def polygon_nms(polys, scores, threshold):
    """Greedy NMS by polygon IoU (shapely) in descending score order; returns the kept indices."""
    from shapely.geometry import Polygon
    shapes = []
    for p in polys:
        s = Polygon(p)
        shapes.append(s if s.is_valid else s.buffer(0))  # self-intersecting outputs of an early model
    kept = []
    for i in sorted(range(len(polys)), key=lambda j: -scores[j]):
        ok = True
        for j in kept:
            inter = shapes[i].intersection(shapes[j]).area
            union = shapes[i].area + shapes[j].area - inter
            if union > 0 and inter / union > threshold:
                ok = False
                break
        if ok:
            kept.append(i)
    return kept


def collate_images(samples, device=None):
    """uint8 HxWx3 BGR images -> [B, 3, H, W] float32, zero-padded to the largest H, W rounded up to 16."""
    h = max(s["image"].shape[0] for s in samples)
    w = max(s["image"].shape[1] for s in samples)
    h, w = -(-h // STRIDE) * STRIDE, -(-w // STRIDE) * STRIDE
    batch = np.zeros((len(samples), 3, h, w), np.float32)
    for i, s in enumerate(samples):
        img = s["image"]
        batch[i, :, :img.shape[0], :img.shape[1]] = img.transpose(2, 0, 1)
    return torch.from_numpy(batch).to(device)


def freeze_batch_norm_stats(model):
    """Put every BatchNorm in eval mode: it normalises with its running statistics and stops updating them.

    Fine-tuning on the CPU runs batches of 4, whose statistics are noisier than the batch-16 GPU runs that set
    the running ones; the affine weights still train. Call after every model.train()."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.eval()


def limit_trainable(model, prefixes):
    """Only parameters whose names start with one of `prefixes` keep requires_grad; returns how many values train.

    For training one part against a fixed rest (e.g. the heads on a frozen backbone: `train.trainable`). A prefix
    that names no parameter is an error, so a typo cannot silently freeze everything."""
    prefixes = [prefixes] if isinstance(prefixes, str) else list(prefixes)
    names = [n for n, _ in model.named_parameters()]
    for prefix in prefixes:
        if not any(n.startswith(prefix) for n in names):
            raise ValueError("train.trainable: no parameter name starts with %r (e.g. %s)" % (prefix, names[:3]))
    count = 0
    for name, p in model.named_parameters():
        p.requires_grad_(any(name.startswith(prefix) for prefix in prefixes))
        count += p.numel() if p.requires_grad else 0
    return count


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
