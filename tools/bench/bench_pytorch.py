#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""CPU latency of the adaptivetext model in PyTorch eager, at the inputs adaptive_text_benchmark uses.

    /usr/bin/python3 tools/bench/bench_pytorch.py --checkpoint runs/gpu_w025/gpu_w025.pt --image IMG \
        [--sizes short736,1280x736] [--threads 1,2] [--runs 20] [--warmup 3]

ATRR.forward(image) is the graph the ONNX export holds (the six outputs of doc/model_format.md §2, custom ops
run by their PyTorch reference implementations); it runs in eval mode under torch.no_grad() with
torch.set_num_threads(T), in two forms: "forward" with each Conv+BatchNorm pair folded into one Conv
(torch.nn.utils.fusion.fuse_conv_bn_eval: the arithmetic of the exported graph, whose BatchNorms the export
folds), and "forward_unfolded", the checkpoint's modules as trained (BatchNorm run separately). "preprocess" is the same resize + blob as the C++ detector (cv2.resize, area when
shrinking, linear when enlarging, then HWC uint8 -> 1x3xHxW float32). Prints a table and one JSON line.
"""
import argparse
import copy
import json
import os
import resource
import sys
import time

import cv2
import numpy as np
import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, REPO)

from training.atrr.config import ModelConfig  # noqa: E402
from training.atrr.model import ATRR  # noqa: E402

STRIDE = 16  # doc/model_format.md §1


def round_to_stride(side):
    """Same rounding as the C++ detector: nearest multiple of the stride, at least one stride.
    np.round rounds halves to even like cvRound."""
    return max(1, int(np.round(side / STRIDE))) * STRIDE


def network_size(spec, width, height):
    """spec: 'WxH' (fixed), 'short<N>' or 'long<N>' (aspect kept) -> (W, H)."""
    if spec.startswith("short") or spec.startswith("long"):
        side = int(spec[5:] if spec.startswith("short") else spec[4:])
        ref = min(width, height) if spec.startswith("short") else max(width, height)
        scale = side / ref
        return round_to_stride(width * scale), round_to_stride(height * scale)
    w, h = (int(v) for v in spec.split("x"))
    return round_to_stride(w), round_to_stride(h)


def make_blob(image, size):
    shrinking = size[0] * size[1] < image.shape[0] * image.shape[1]
    resized = cv2.resize(image, size, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return torch.from_numpy(np.ascontiguousarray(resized.transpose(2, 0, 1)[None], dtype=np.float32))


def summary(ms):
    return {"median": float(np.median(ms)), "p10": float(np.percentile(ms, 10)),
            "p90": float(np.percentile(ms, 90))}


def load_model(path):
    ckpt = torch.load(path, map_location="cpu")
    model = ATRR(ModelConfig.from_dict(ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    return model.eval()


def fold_batch_norms(model):
    """A copy of the model with every Conv2d directly followed by a BatchNorm2d (inside an nn.Sequential)
    replaced by one Conv2d, as the ONNX export's constant folding does."""
    folded = copy.deepcopy(model)
    for seq in folded.modules():
        if not isinstance(seq, nn.Sequential):
            continue
        for i in range(len(seq) - 1):
            if isinstance(seq[i], nn.Conv2d) and isinstance(seq[i + 1], nn.BatchNorm2d):
                seq[i] = fuse_conv_bn_eval(seq[i], seq[i + 1])
                seq[i + 1] = nn.Identity()
    return folded.eval()


def measure(models, image, spec, threads, runs, warmup):
    """models: {"forward": folded, "forward_unfolded": as trained}; both run on the same blob each iteration."""
    torch.set_num_threads(threads)
    size = network_size(spec, image.shape[1], image.shape[0])
    pre, fwd = [], {k: [] for k in models}
    with torch.no_grad():
        for _ in range(warmup):
            for model in models.values():
                model(make_blob(image, size))
        for _ in range(runs):
            t0 = time.perf_counter()
            blob = make_blob(image, size)
            pre.append((time.perf_counter() - t0) * 1e3)
            for key, model in models.items():
                t0 = time.perf_counter()
                outs = model(blob)
                fwd[key].append((time.perf_counter() - t0) * 1e3)
    text_scores, num_pairs = outs[2], outs[5]
    kept = int(((text_scores[:, 0] >= models["forward"].cfg.score_threshold) & (num_pairs[:, 0] >= 2)).sum())
    r = {"input": spec, "net_size": list(size), "threads": torch.get_num_threads(), "preprocess": summary(pre)}
    for key, ms in fwd.items():
        r[key] = summary(ms)
    r["preprocess_forward"] = summary([p + f for p, f in zip(pre, fwd["forward"])])
    r["rois_kept_before_nms"] = kept
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", default=os.path.join(REPO, "runs", "gpu_w025", "gpu_w025.pt"))
    ap.add_argument("--image", required=True)
    ap.add_argument("--sizes", default="short736,1280x736")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--folded-only", action="store_true", help="skip the unfolded (as trained) model")
    ap.add_argument("--json", help="also write the JSON line to this file")
    a = ap.parse_args()
    if a.runs < 10:
        ap.error("--runs: a median needs at least 10 timed iterations")
    if a.warmup < 1:
        ap.error("--warmup: at least one untimed iteration")
    image = cv2.imread(a.image, cv2.IMREAD_COLOR)
    if image is None:
        sys.exit("cannot read the image %s" % a.image)
    model = load_model(a.checkpoint)
    models = {"forward": fold_batch_norms(model)}
    if not a.folded_only:
        models["forward_unfolded"] = model
    # "default" and "long<N>+<M>" are the C++ detector's two passes: not an eager-PyTorch configuration.
    specs = [s for s in a.sizes.split(",") if s != "default" and "+" not in s]
    results = [measure(models, image, spec, int(t), a.runs, a.warmup)
               for spec in specs for t in a.threads.split(",")]
    print("%-12s %-9s %3s %12s %12s %16s %16s" % ("input", "net WxH", "thr", "preprocess", "forward",
                                                  "pre+forward", "fwd unfolded"))
    for r in results:
        print("%-12s %4dx%-4d %3d %12.2f %12.2f %7.2f [%6.2f] %16.2f" % (
            r["input"], r["net_size"][0], r["net_size"][1], r["threads"], r["preprocess"]["median"],
            r["forward"]["median"], r["preprocess_forward"]["median"], r["preprocess_forward"]["p90"],
            r.get("forward_unfolded", {"median": float("nan")})["median"]))
    print("(milliseconds, medians; pre+forward also [p90]; forward = BatchNorm folded, as in the ONNX graph)")
    out = {"tool": "bench_pytorch", "torch": torch.__version__, "checkpoint": a.checkpoint, "image": a.image,
           "image_size": [image.shape[1], image.shape[0]], "runs": a.runs, "warmup": a.warmup, "unit": "ms",
           # ru_maxrss is in KiB on Linux and covers the whole process (torch itself included).
           "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "results": results}
    line = json.dumps(out)
    print(line)
    if a.json:
        with open(a.json, "w") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
