# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Model and loss hyper-parameters as one dataclass, saved to / loaded from JSON.

Every value that ends up in the exported graph (mean/std, anchors, RoIAlign size, decoder steps) lives here,
so a checkpoint carries its config and `export` rebuilds exactly the trained model.
"""
import dataclasses
import json
from dataclasses import dataclass, field
from typing import List, Optional

STRIDE = 16  # input sides are multiples of this (doc/model_format.md); also the default feature stride


@dataclass
class ModelConfig:
    # --- backbone ---
    width_mult: float = 1.0
    # Per-stage multipliers of the five VGG16 stages (None: width_mult everywhere). What each costs in latency
    # was measured (doc/training.md, "Width within the latency budget"): doubling stage 5 (stride 16) is nearly
    # free, doubling stage 4 (stride 8) is the most expensive.
    stage_width_mults: Optional[List[float]] = None
    head_width_mult: Optional[float] = None  # fc_dim and lstm_hidden multiplier (None: width_mult)
    # ImageNet statistics in BGR order (the images stay BGR end to end, as OpenCV reads them).
    mean: List[float] = field(default_factory=lambda: [103.53, 116.28, 123.675])
    std: List[float] = field(default_factory=lambda: [57.375, 57.12, 58.395])
    se_reduction: int = 16
    # BatchNorm after each backbone conv: from-scratch training converges much faster with it. At export
    # (eval mode) torch folds each BatchNorm into its Conv, so the graph keeps only the contract's ops.
    batch_norm: bool = True
    # Stride of the map the Text-RPN and RoIAlign read (None: 16, VGG16's 4 pools). 8 drops the pool after
    # stage 4 and dilates stage 5 and the RPN conv by 2, so their receptive fields in pixels stay those of
    # stride 16 (weights of a stride-16 model carry over) while anchors and RoI bins are twice as dense:
    # lines under 12 px at long side 640 fall between stride-16 anchor rows (doc/evaluation.md, measured limits).
    feature_stride: Optional[int] = None
    # Feature stride 8 only: adds a 1x1 conv of stage 4's output (same grid) to stage 5's, so the RPN and
    # RoIAlign also see the finer features small text needs (a one-level feature-pyramid fusion; Conv + Add
    # in the graph). Zero-initialised: a checkpoint without it starts from the same function.
    stage4_skip: Optional[bool] = None
    # --- Text-RPN (anchors measured on MSRA-TD500 train at long sides 640..960: training/atrr/anchors.py;
    # an anchor of the same centre reaches IoU >= 0.5 with 94 % of the care boxes, see doc/architecture.md) ---
    anchor_sizes: List[float] = field(default_factory=lambda: [16.0, 32.0, 64.0, 128.0, 256.0, 512.0])
    anchor_ratios: List[float] = field(default_factory=lambda: [1.0, 2.5, 5.0])
    rpn_channels: int = 0  # 0 = as many as the last backbone stage
    pre_nms_top_n: int = 1000
    post_nms_top_n: int = 100  # K of the exported graph
    rpn_nms_threshold: float = 0.7
    min_size: float = 4.0
    # --- RoIAlign: a wide bin grid because text lines are long ---
    roi_height: int = 7
    roi_width: int = 14
    sampling_ratio: int = 2
    # --- refinement head and point-pair decoder ---
    fc_dim: int = 512  # D, scaled by width_mult (min 64)
    lstm_hidden: int = 256  # Hd, scaled by width_mult (min 32)
    max_steps: int = 8  # T
    min_steps: int = 2
    decoder_score_threshold: float = 0.5
    stop_threshold: float = 0.5
    # --- training (targets and losses) ---
    train_pre_nms_top_n: int = 1000
    train_post_nms_top_n: int = 200
    rpn_batch_per_image: int = 256
    rpn_positive_fraction: float = 0.5
    rpn_pos_iou: float = 0.5
    rpn_neg_iou: float = 0.3
    roi_batch_per_image: int = 64
    roi_positive_fraction: float = 0.25
    roi_pos_iou: float = 0.5
    roi_neg_iou: float = 0.4
    ignore_ioa: float = 0.5  # an anchor/RoI lying more than this inside a ### region is never sampled
    # Target of the text score for positive RoIs: None, 1 (the RoI box matches); "polygon_iou", how well the
    # polygon decoded from the RoI fits (losses.decoded_quality), so scores rank outlines.
    score_target: Optional[str] = None
    pair_loss_weight: float = 1.0
    stop_loss_weight: float = 1.0
    # --- inference defaults ---
    default_input: List[int] = field(default_factory=lambda: [960, 960])
    score_threshold: float = 0.5
    # Added to the text logit of the inference graph (folded into the text classifier's bias at export; not
    # used in training): calibrates a model's text score to the detector's one default threshold, 0.7.
    # logit(0.7) - logit(t) makes score 0.7 of the graph what t was for the trained weights (a model trained with
    # score_target polygon_iou scores lower: its best t on validation is below 0.7). Monotonic: the ranking and
    # the polygon NMS are unchanged.
    text_logit_shift: Optional[float] = None
    polygon_nms_threshold: float = 0.3  # the trainer's validation only; the C++ detector defaults to 0.1 (doc/models.md)

    def scaled(self, channels: int, minimum: int = 8, mult: Optional[float] = None) -> int:
        return max(minimum, int(round(channels * (self.width_mult if mult is None else mult))))

    def stage_channels(self, stage: int, channels: int) -> int:
        mults = self.stage_width_mults
        return self.scaled(channels, mult=None if mults is None else mults[stage])

    @property
    def stride(self) -> int:
        """Stride of the feature map (anchors, RoIAlign's spatial scale)."""
        return self.feature_stride or STRIDE

    @property
    def stage5_dilation(self) -> int:
        """Dilation of stage 5 and the RPN conv: 2 at feature stride 8 keeps their reach in pixels."""
        return STRIDE // self.stride

    @property
    def num_anchors(self) -> int:
        return len(self.anchor_sizes) * len(self.anchor_ratios)

    @property
    def head_dim(self) -> int:
        return self.scaled(self.fc_dim, 64, self.head_width_mult)

    @property
    def hidden_dim(self) -> int:
        return self.scaled(self.lstm_hidden, 32, self.head_width_mult)

    def to_dict(self) -> dict:
        # Optional keys left at None are omitted, so configs (and exported metadata) written before they
        # existed come out byte for byte the same.
        optional = {f.name for f in dataclasses.fields(self) if f.default is None}
        return {k: v for k, v in dataclasses.asdict(self).items() if not (k in optional and v is None)}

    @classmethod
    def from_dict(cls, d: dict) -> "ModelConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError("unknown model config keys: %s" % sorted(unknown))
        return cls(**d)

    def save(self, path: str) -> None:
        with open(path, "w") as f:
            json.dump(self.to_dict(), f, indent=2)

    @classmethod
    def load(cls, path: str) -> "ModelConfig":
        with open(path) as f:
            return cls.from_dict(json.load(f))
