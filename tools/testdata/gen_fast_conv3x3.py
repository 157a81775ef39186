# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Reference data for FastConv3x3Layer, the module's direct 3x3 convolution (doc/detector.md).

Each case is a one-node ONNX model (a standard Conv, optionally followed by Relu) and its input/output.
Expected outputs come from NumPy (zero padding, then a sum over the 9 shifted taps), never from the C++ code.
Writes test/data/fast_conv3x3_<case>.onnx and .X.npy / .Y.npy read by test/test_fast_conv3x3_layer.cpp.
The "fallback_" cases are convolutions the layer must leave to OpenCV (stride 2, dilation 3, 5x5, groups,
output channels not divisible by 8)."""
import numpy as np
from onnx import helper

import common

# (case, N, C_in, C_out, H, W, dilation, pad, stride, kernel, group, bias, relu)
CASES = [
    # widths that are not multiples of the kernel's 16/32-pixel tiles, and one that is
    ("d1_w37_relu", 1, 3, 8, 7, 37, 1, 1, 1, 3, 1, True, True),
    ("d2_w20_batch2", 2, 5, 16, 9, 20, 2, 2, 1, 3, 1, True, False),
    ("d1_w16_nobias_relu", 1, 8, 8, 4, 16, 1, 1, 1, 3, 1, False, True),
    ("d1_w64_c24", 1, 16, 24, 6, 64, 1, 1, 1, 3, 1, True, False),
    ("d1_w33_c64_relu", 1, 64, 64, 5, 33, 1, 1, 1, 3, 1, True, True),
    # maps smaller than the kernel's footprint: every tap of the border reads padding
    ("d2_w3_tiny", 1, 4, 8, 3, 3, 2, 2, 1, 3, 1, True, True),
    ("d1_w1_batch3", 3, 2, 8, 1, 1, 1, 1, 1, 3, 1, True, False),
    # convolutions the layer declines: OpenCV's layer must run them, with the same results
    ("fallback_stride2", 1, 4, 8, 9, 21, 1, 1, 2, 3, 1, True, True),
    ("fallback_dil3", 1, 4, 8, 9, 21, 3, 3, 1, 3, 1, True, False),
    ("fallback_k5", 1, 4, 8, 9, 21, 1, 2, 1, 5, 1, True, False),
    ("fallback_group2", 1, 4, 8, 9, 21, 1, 1, 1, 3, 2, True, False),
    ("fallback_cout12", 1, 4, 12, 9, 21, 1, 1, 1, 3, 1, True, True),
    ("fallback_pad0", 1, 4, 8, 9, 21, 1, 0, 1, 3, 1, True, False),
]


def conv_reference(x, w, b, dilation, pad, stride, group):
    """Grouped 2-D convolution by shifted sums over a zero-padded copy (float64, then float32)."""
    n, c, h, wd = x.shape
    cout, cin_g, k, _ = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    span = dilation * (k - 1) + 1
    ho = (h + 2 * pad - span) // stride + 1
    wo = (wd + 2 * pad - span) // stride + 1
    y = np.zeros((n, cout, ho, wo))
    cout_g = cout // group
    for g in range(group):
        xs = xp[:, g * cin_g:(g + 1) * cin_g]
        ws = w[g * cout_g:(g + 1) * cout_g].astype(np.float64)
        for ky in range(k):
            for kx in range(k):
                tap = xs[:, :, ky * dilation: ky * dilation + stride * (ho - 1) + 1: stride,
                         kx * dilation: kx * dilation + stride * (wo - 1) + 1: stride]
                y[:, g * cout_g:(g + 1) * cout_g] += np.einsum("nchw,oc->nohw", tap, ws[:, :, ky, kx])
    if b is not None:
        y += b[None, :, None, None]
    return y.astype(np.float32)


def conv_model(x_shape, y_shape, w, b, dilation, pad, stride, group, relu):
    inputs = ["X", "W"] + (["B"] if b is not None else [])
    k = w.shape[2]
    conv = helper.make_node("Conv", inputs, ["conv_out" if relu else "Y"], name="conv",
                            kernel_shape=[k, k], strides=[stride, stride], dilations=[dilation, dilation],
                            pads=[pad] * 4, group=group)
    nodes = [conv] + ([helper.make_node("Relu", ["conv_out"], ["Y"], name="relu")] if relu else [])
    inits = {"W": w}
    if b is not None:
        inits["B"] = b
    return common.make_model(nodes, [("X", list(x_shape))], [("Y", list(y_shape))], inits)


def main():
    rng = np.random.default_rng(20261206)
    for name, n, cin, cout, h, wd, dil, pad, stride, k, group, with_bias, relu in CASES:
        x = rng.standard_normal((n, cin, h, wd)).astype(np.float32)
        w = (rng.standard_normal((cout, cin // group, k, k)) / np.sqrt(cin * k * k / group)).astype(np.float32)
        b = rng.standard_normal(cout).astype(np.float32) * 0.5 if with_bias else None
        y = conv_reference(x, w, b, dil, pad, stride, group)
        if relu:
            y = np.maximum(y, 0)
        common.save_case("fast_conv3x3_" + name, conv_model(x.shape, y.shape, w, b, dil, pad, stride, group, relu),
                         X=x, Y=y)


if __name__ == "__main__":
    main()
