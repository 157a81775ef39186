# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Widen a trained checkpoint without changing what it computes, so a wider model starts where the narrow one
stopped instead of from scratch.

    python3 -m training.atrr.widen --checkpoint narrow.pt --out wide.pt \\
        --set stage_width_mults=[0.125,0.125,0.125,0.125,0.25] --set head_width_mult=0.25

Every weight tensor of the wider model is the narrow one in its leading block. The rows of new output units
keep the wider model's fresh initialisation; the columns that feed new units into old ones are zero. So old
units never see the new ones, and the network's outputs stay the same to float rounding (checked on a
random image before writing). The zero columns still get gradients, which is how training brings the new
units in. Every input dimension here is a leading slice of the wider one: the RoI features are flattened
channel-major, so the first C*7*14 entries of fc1's input are the old channels. The LSTM stacks its four
gates along the rows, so its tensors are widened gate by gate.
"""
import argparse
import json
import sys

import torch

from .config import ModelConfig
from .model import ATRR


def _widen_tensor(old, new):
    """old's values in new's leading block; entries reading new inputs into old outputs set to zero."""
    out = new.clone()
    lead = tuple(slice(0, s) for s in old.shape)
    out[lead] = old
    if old.dim() >= 2 and new.shape[1] > old.shape[1]:
        out[:old.shape[0], old.shape[1]:] = 0
    return out


def _widen_gates(old, new):
    """LSTM tensors: rows are [input, forget, cell, output] gate blocks; widen each block alone."""
    gates_old = old.reshape(4, old.shape[0] // 4, *old.shape[1:])
    gates_new = new.reshape(4, new.shape[0] // 4, *new.shape[1:])
    return torch.stack([_widen_tensor(o, n) for o, n in zip(gates_old, gates_new)]).reshape(new.shape)


def widen_state(old_state, new_state):
    widened = {}
    for key, new in new_state.items():
        old = old_state[key]
        if old.shape == new.shape:
            widened[key] = old.clone()
        elif key.startswith("lstm."):
            widened[key] = _widen_gates(old, new)
        else:
            if old.dim() != new.dim() or any(o > n for o, n in zip(old.shape, new.shape)):
                raise ValueError("%s: cannot widen %s to %s" % (key, tuple(old.shape), tuple(new.shape)))
            widened[key] = _widen_tensor(old, new)
    return widened


@torch.no_grad()
def max_output_difference(narrow, wide, seed=0):
    """Largest absolute difference of the two models' exported-graph outputs on one random image."""
    g = torch.Generator().manual_seed(seed)
    image = torch.rand(1, 3, 256, 384, generator=g) * 255
    narrow.eval()
    wide.eval()
    diffs = [float((a - b).abs().max()) if a.numel() else 0.0 for a, b in zip(narrow(image), wide(image))]
    return max(diffs)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", required=True, help="trainer checkpoint (dict with model and config)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                    help="model config change, e.g. head_width_mult=0.25 (repeatable)")
    ap.add_argument("--seed", type=int, default=0, help="initialisation of the new units")
    args = ap.parse_args(argv)

    state = torch.load(args.checkpoint, map_location="cpu")
    cfg_dict = dict(state["config"])
    for item in args.set:
        key, value = item.split("=", 1)
        cfg_dict[key] = json.loads(value)
    narrow = ATRR(ModelConfig.from_dict(state["config"]))
    narrow.load_state_dict(state["model"])
    torch.manual_seed(args.seed)
    wide = ATRR(ModelConfig.from_dict(cfg_dict))
    wide.load_state_dict(widen_state(narrow.state_dict(), wide.state_dict()))
    diff = max_output_difference(narrow, wide)
    if diff > 1e-3:
        raise SystemExit("widened model differs from the narrow one by %.3g: refusing to write it" % diff)
    params = sum(p.numel() for p in wide.parameters())
    torch.save({"model": wide.state_dict(), "config": wide.cfg.to_dict(), "widened_from": args.checkpoint}, args.out)
    print("wrote %s: %d parameters (was %d), outputs differ by at most %.2g"
          % (args.out, params, sum(p.numel() for p in narrow.parameters()), diff))
    return 0


if __name__ == "__main__":
    sys.exit(main())
