#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Training cost per width multiplier on this machine: parameters, exported ONNX bytes, and the median
wall time of one optimizer step (forward_train + backward + AdamW) over real augmented samples.

    /usr/bin/python3 tools/bench/train_step_times.py --data runs/data/synth_train_s1_640 \
        [--widths 1.0,0.5,0.25,0.125] [--size 512] [--batch 4] [--threads 2] [--steps 3]

The samples come from a uniform-format folder (e.g. the synthetic set of training/configs/cpu_synth_*.json),
augmented and resized to --size as in training. One untimed warm-up step, then the median of --steps timed
steps, each on the next batch. Prints a table and one JSON line. A benchmark, not a test: close other jobs.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time

import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, REPO)

from training.atrr.config import ModelConfig  # noqa: E402
from training.atrr.data.augment import Augmenter  # noqa: E402
from training.atrr.data.dataset import TextDataset, load_uniform  # noqa: E402
from training.atrr.export import export  # noqa: E402
from training.atrr.model import ATRR, count_parameters  # noqa: E402
from training.atrr.train import images_tensor  # noqa: E402


def blas_info():
    """BLAS_INFO=generic means Debian's libblas.so.3 alternative decides: reference BLAS or OpenBLAS."""
    target = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    return "openblas" if "openblas" in target else ("reference" if os.path.exists(target) else "unknown")


VARIANTS = ("fp32", "bf16", "channels_last", "bf16+channels_last")


def backbone_in_bf16(model):
    """Runs the backbone under bfloat16 autocast (oneDNN uses AVX-512 BF16 where the CPU has it) and hands
    float32 on: torchvision's RoIAlign and the losses refuse bfloat16, and the heads are cheap."""
    inner = model.backbone.forward

    def forward(x):
        with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
            y = inner(x)
        return y.float()
    model.backbone.forward = forward


def measure(width, samples, batch, steps, variant="fp32"):
    torch.manual_seed(0)
    model = ATRR(ModelConfig(width_mult=width))
    model.train()
    layout = torch.channels_last if "channels_last" in variant else torch.contiguous_format
    model = model.to(memory_format=layout)
    if "bf16" in variant:
        backbone_in_bf16(model)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    times = []
    for k in range(steps + 1):
        chunk = samples[k * batch:(k + 1) * batch]
        start = time.perf_counter()
        images = images_tensor(chunk, "cpu").contiguous(memory_format=layout)
        losses = model.forward_train(images, chunk)
        opt.zero_grad(set_to_none=True)
        losses["total"].backward()
        opt.step()
        if k > 0:  # step 0 warms up allocators and oneDNN kernels
            times.append(time.perf_counter() - start)
    onnx_bytes = 0
    if variant == "fp32":
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.onnx")
            export(model, path)
            onnx_bytes = os.path.getsize(path)
    return {"width": width, "variant": variant, "parameters": count_parameters(model), "onnx_bytes": onnx_bytes,
            "step_s": statistics.median(times), "images_per_s": batch / statistics.median(times)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="uniform-format folder (images/ + gt/)")
    ap.add_argument("--widths", default="1.0,0.5,0.25,0.125")
    ap.add_argument("--size", type=int, default=512, help="training crop long side")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3, help="timed steps per width (after one warm-up step)")
    ap.add_argument("--variants", default="fp32",
                    help="comma list of %s; each width runs every variant in turn" % ", ".join(VARIANTS))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    records = load_uniform(args.data)
    dataset = TextDataset(records, size=args.size, augmenter=Augmenter(), seed=0)
    samples = [dataset[i] for i in range(args.batch * (args.steps + 1))]
    variants = args.variants.split(",")
    for v in variants:
        if v not in VARIANTS:
            raise SystemExit("error: unknown variant %r (choose from %s)" % (v, ", ".join(VARIANTS)))
    rows = [measure(float(w), samples, args.batch, args.steps, v) for w in args.widths.split(",") for v in variants]
    machine = {"cpu": platform.processor() or platform.machine(), "nproc": os.cpu_count(),
               "threads": args.threads, "torch": torch.__version__, "blas": blas_info(),
               "size": args.size, "batch": args.batch, "timed_steps": args.steps}
    print("machine: %s" % json.dumps(machine))
    print("%6s %20s %12s %14s %10s %10s" % ("width", "variant", "parameters", "ONNX bytes", "step s", "images/s"))
    for r in rows:
        print("%6.3f %20s %12d %14d %10.2f %10.2f" % (r["width"], r["variant"], r["parameters"], r["onnx_bytes"],
                                                    r["step_s"], r["images_per_s"]))
    print(json.dumps({"machine": machine, "rows": rows}))


if __name__ == "__main__":
    main()
