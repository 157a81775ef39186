#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""How much faster could the line model's backbone run with other convolution kernels on this CPU?

    /usr/bin/python3 tools/bench/conv_kernel_probe.py [--size 672x512] [--threads 2] [--runs 15]

The backbone is 80 % of detect() (doc/benchmarks.md), and all of it is 3x3 convolutions of 8-64 channels. This
times the same 13-convolution stack (VGG16 at width 0.125, feature stride 8, ReLU and max-pools; random weights,
no BatchNorm or SE, so only the convolution kernels differ) four ways:
  cv2.dnn float32 (what the detector runs), cv2.dnn int8 (`Net.quantize`, OpenCV 4.6's post-training
  quantization: ConvolutionInt8 layers), PyTorch NCHW, PyTorch channels-last (oneDNN).
It prints the median of --runs after 2 warm-ups for each, the machine's load average, and the int8 output's
mean relative error against float32. A benchmark: it asserts nothing (doc/opencv_observations.md §11).
"""
import argparse
import os
import tempfile
import time

import cv2
import numpy as np
import torch
import torch.nn as nn

STAGES = ((8, 8), (16, 16), (32, 32, 32), (64, 64, 64), (64, 64, 64))  # VGG16's widths x 0.125


def vgg_stack():
    layers, c = [], 3
    for i, widths in enumerate(STAGES):
        for w in widths:
            layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU()]
            c = w
        if i < 3:  # feature stride 8: no pool after stage 4
            layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers).eval()


def median_ms(fn, runs):
    fn()
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * float(np.median(times))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="672x512", help="network input WxH")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    model = vgg_stack()
    x = torch.rand(1, 3, h, w) * 255
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "vgg.onnx")
        torch.onnx.export(model, x, path, opset_version=11)
        net = cv2.dnn.readNet(path)
    blob = x.numpy()
    calib = [(np.random.default_rng(0).random((2, 3, h, w)) * 255).astype(np.float32)]
    qnet = net.quantize(calib, cv2.CV_32F, cv2.CV_32F)
    assert "ConvolutionInt8" in qnet.getLayerTypes(), "Net.quantize did not make int8 convolutions"

    def run(n):
        n.setInput(blob)
        return n.forward()

    load0 = os.getloadavg()[0]
    rows = [("cv2.dnn float32", median_ms(lambda: run(net), args.runs)),
            ("cv2.dnn int8 (Net.quantize)", median_ms(lambda: run(qnet), args.runs))]
    with torch.no_grad():
        rows.append(("PyTorch NCHW", median_ms(lambda: model(x), args.runs)))
        cl = model.to(memory_format=torch.channels_last)
        xcl = x.to(memory_format=torch.channels_last)
        rows.append(("PyTorch channels-last", median_ms(lambda: cl(xcl), args.runs)))
    ref, q = run(net), run(qnet)
    print(f"{args.size}, {args.threads} threads, median of {args.runs}, 1-min load "
          f"{load0:.2f} -> {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    for name, ms in rows:
        print(f"  {name:30s} {ms:7.1f} ms  ({ms / rows[0][1]:.2f} of cv2.dnn float32)")
    print(f"  int8 mean relative error {np.abs(ref - q).mean() / np.abs(ref).mean():.4f}")


if __name__ == "__main__":
    main()
