# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Change the config keys of a checkpoint that keep its parameters, and calibrate its text score.

    python3 -m training.atrr.convert --checkpoint lines.pt --out lines_s8.pt --set feature_stride=8
    python3 -m training.atrr.convert --checkpoint a.pt --out a_skip.pt --set stage4_skip=true
    python3 -m training.atrr.convert --checkpoint c.pt --out shipped.pt --score_at 0.4
    python3 -m training.atrr.convert --checkpoint c.pt --out tall.pt --set 'anchor_ratios=[1,2.5,5,0.5,0.25]'
    python3 -m training.atrr.convert --checkpoint wide.pt --out wide_f16.pt --store float16

--set: keys whose parameters are unchanged (feature_stride, score_target) or new and zero-initialised
(stage4_skip); parameters the new config adds keep the model's initialisation, and a parameter the old
checkpoint has but the new model lacks is an error. anchor_ratios may only be extended at the end: anchor
a = i_ratio * len(sizes) + i_size, so the old anchors keep their Text-RPN outputs (the leading rows of rpn_cls
and rpn_reg) and the new ones start from the model's initialisation (a 1 % text prior).
--score_at T: sets text_logit_shift = logit(0.7) - logit(T), so that the detector's default threshold 0.7 keeps
what T kept for these weights (doc/architecture.md).
--store float16: floating-point tensors are written as float16, half the bytes, so that a wider model's committed
checkpoint stays small; loading it into the (float32) model widens them back, so training and export read it as
any other checkpoint. The rounding changes the weights: score and ship the float16 file itself, since the
shipped ONNX must re-export byte for byte from what is committed.
Writes {"model", "config"} only (weights-only, as the committed checkpoints).
"""
import argparse
import math
import sys

import torch

from .config import ModelConfig
from .model import ATRR
from .train import apply_override

DETECTOR_DEFAULT_SCORE = 0.7  # AdaptiveTextDetector::create's scoreThreshold


def logit(p):
    return math.log(p / (1.0 - p))


def _grow_anchor_rows(state, model):
    """The checkpoint's weights, with the Text-RPN outputs padded by fresh rows for appended anchor ratios."""
    old_cfg, new_cfg = state["config"], model.cfg
    old_ratios = list(old_cfg.get("anchor_ratios", new_cfg.anchor_ratios))
    if old_ratios == list(new_cfg.anchor_ratios):
        return state["model"]
    if list(new_cfg.anchor_ratios[:len(old_ratios)]) != old_ratios or \
            list(old_cfg.get("anchor_sizes", new_cfg.anchor_sizes)) != list(new_cfg.anchor_sizes):
        raise ValueError("anchor_ratios can only be extended at the end (%s -> %s), with the same anchor_sizes"
                         % (old_ratios, list(new_cfg.anchor_ratios)))
    weights = dict(state["model"])
    fresh = model.state_dict()
    for key in ("rpn_cls.weight", "rpn_cls.bias", "rpn_reg.weight", "rpn_reg.bias"):
        grown = fresh[key].clone()
        grown[:weights[key].shape[0]] = weights[key]
        weights[key] = grown
    return weights


def convert(state, overrides, score_at=None):
    cfg_dict = dict(state["config"])
    cfg_dict.update(overrides)
    if score_at is not None:
        if not 0.0 < score_at < 1.0:
            raise ValueError("--score_at must lie in (0, 1), got %g" % score_at)
        cfg_dict["text_logit_shift"] = logit(DETECTOR_DEFAULT_SCORE) - logit(score_at)
    model = ATRR(ModelConfig.from_dict(cfg_dict))
    result = model.load_state_dict(_grow_anchor_rows(state, model), strict=False)
    if result.unexpected_keys:
        raise ValueError("the new config drops parameters of the checkpoint: %s" % result.unexpected_keys)
    return {"model": model.state_dict(), "config": model.cfg.to_dict()}, result.missing_keys


def store_as(weights, dtype_name):
    """weights with every floating tensor cast to dtype_name ("float32": as they are, the model's own dtype)."""
    if dtype_name == "float32":
        return weights
    dtype = getattr(torch, dtype_name)
    return {k: v.to(dtype) if v.is_floating_point() else v for k, v in weights.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="model config key (JSON value)")
    ap.add_argument("--score_at", type=float, help="text score of these weights that 0.7 should mean")
    ap.add_argument("--store", choices=("float32", "float16"), default="float32",
                    help="dtype of the written floating-point tensors")
    args = ap.parse_args(argv)
    overrides = {}
    for item in args.set:
        apply_override(overrides, item)  # the trainer's KEY=VALUE parsing
    state = torch.load(args.checkpoint, map_location="cpu")
    out, fresh = convert(state, overrides, args.score_at)
    out["model"] = store_as(out["model"], args.store)
    torch.save(out, args.out)
    print("wrote %s%s" % (args.out, " (new parameters: %s)" % ", ".join(fresh) if fresh else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
