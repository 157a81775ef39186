# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Cheaper training steps: the backbone in bfloat16 autocast, and channels-last tensors.

Measured with 2 threads on an AMD EPYC VM with AVX-512 BF16 (oneDNN; doc/training.md, "CPU speed"): the
width-0.125 step takes about half the time with the backbone under bfloat16 autocast. Only the backbone:
torchvision's RoIAlign and the losses refuse bfloat16, and the heads are a small part of a step. The
backbone hands float32 on, so everything after it, and the exported ONNX (always float32), is unchanged.
Validation (model.eval()) runs in float32, so its numbers compare with float32-trained runs.
"""
import torch


def backbone_in_bf16(model, device_type="cpu"):
    """Wraps model.backbone.forward: bfloat16 autocast while training, float32 output."""
    backbone = model.backbone
    inner = backbone.forward

    def forward(x):
        if not backbone.training:
            return inner(x)
        with torch.autocast(device_type=device_type, dtype=torch.bfloat16):
            y = inner(x)
        return y.float()
    backbone.forward = forward
    return model


def apply(model, train_cfg, device_type="cpu"):
    """The speed options of the `train` config section: bf16_backbone, channels_last."""
    if train_cfg.get("channels_last"):
        model = model.to(memory_format=torch.channels_last)
    if train_cfg.get("bf16_backbone"):
        backbone_in_bf16(model, device_type)
    return model
