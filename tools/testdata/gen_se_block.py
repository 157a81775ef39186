# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Reference data for the adaptivetext.SEBlock layer (doc/model_format.md §3.1).

Expected outputs come from PyTorch (mean, linear, relu, sigmoid, multiply), never from the C++ code.
Writes test/data/se_block_<case>.onnx and .npy files read by test/test_se_block_layer.cpp."""
import numpy as np
import torch

import common

# (case, N, C, r, H, W): a sweep over channel counts, reductions and map sizes, incl. a 1x1 map and r = C.
SWEEP = [
    ("c16_r4", 1, 16, 4, 7, 9),
    ("c32_r16", 2, 32, 16, 5, 3),
    ("c8_r8_1x1", 3, 8, 8, 1, 1),
    ("c64_r16", 1, 64, 16, 8, 12),
    ("c12_r2", 2, 12, 2, 4, 11),
]


def se_reference(x, w1, w2):
    """PyTorch squeeze-and-excitation with bias-free FCs."""
    xt = torch.from_numpy(x)
    s = xt.mean(dim=(2, 3))
    z = torch.relu(s @ torch.from_numpy(w1).t())
    e = torch.sigmoid(z @ torch.from_numpy(w2).t())
    return (xt * e[:, :, None, None]).numpy()


def random_weights(rng, c, r):
    hidden = c // r
    # Scaled so that the gates spread over (0, 1) instead of saturating.
    w1 = rng.standard_normal((hidden, c)).astype(np.float32) / np.sqrt(c)
    w2 = rng.standard_normal((c, hidden)).astype(np.float32) * 2.0 / np.sqrt(hidden)
    return w1, w2


def se_model(x_shape, w1, w2, version=common.CONTRACT_VERSION, with_version=True, initializers=None):
    if initializers is None:
        initializers = {"W1": w1, "W2": w2}
    if with_version:
        node = common.custom_node("SEBlock", ["X"] + list(initializers), ["Y"], name="se", version=version)
    else:
        node = common.helper.make_node("SEBlock", ["X"] + list(initializers), ["Y"], name="se",
                                       domain=common.DOMAIN)
    return common.make_model([node], [("X", x_shape)], [("Y", x_shape)], initializers)


def main():
    rng = np.random.default_rng(20190616)
    for case, n, c, r, h, w in SWEEP:
        x = (rng.standard_normal((n, c, h, w)) * 3 + rng.standard_normal((1, c, 1, 1))).astype(np.float32)
        w1, w2 = random_weights(rng, c, r)
        common.save_case("se_block_" + case, se_model(list(x.shape), w1, w2), X=x, W1=w1, W2=w2,
                         Y=se_reference(x, w1, w2))

    # Dynamic N, H, W (import-time shape has zeros); one net is run on two different map sizes.
    c, r = 16, 4
    w1, w2 = random_weights(rng, c, r)
    xs = [rng.standard_normal(s).astype(np.float32) for s in [(1, c, 6, 10), (2, c, 3, 5)]]
    common.save_case("se_block_dynamic", se_model(["N", c, "H", "W"], w1, w2),
                     X0=xs[0], Y0=se_reference(xs[0], w1, w2), X1=xs[1], Y1=se_reference(xs[1], w1, w2))

    # Bad models: each must be refused with a message (at readNet or at forward).
    c, r = 8, 2
    w1, w2 = random_weights(rng, c, r)
    common.save_case("se_block_bad_version2", se_model([1, c, 4, 4], w1, w2, version=2))
    common.save_case("se_block_bad_no_version", se_model([1, c, 4, 4], w1, w2, with_version=False))
    common.save_case("se_block_bad_rank", se_model([1, c, 4], w1, w2))
    common.save_case("se_block_bad_channels", se_model([1, c + 2, 4, 4], w1, w2))
    common.save_case("se_block_bad_one_blob", se_model([1, c, 4, 4], w1, w2, initializers={"W1": w1}))


if __name__ == "__main__":
    main()
