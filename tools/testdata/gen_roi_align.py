# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Reference data for the adaptivetext.RoIAlign layer (doc/model_format.md §3.2).

Expected outputs come from torchvision.ops.roi_align(..., aligned=True); padding rows (batch < 0) are
zeros by the contract (torchvision would index batch -1, so they are not passed to it).
Writes test/data/roi_align_<case>.onnx and .npy files read by test/test_roi_align_layer.cpp."""
import numpy as np
import torch
from torchvision.ops import roi_align

import common


def reference(x, rois, out_h, out_w, scale, sampling_ratio):
    y = np.zeros((rois.shape[0], x.shape[1], out_h, out_w), np.float32)
    real = rois[:, 0] >= 0
    if real.any():
        # The ONNX attribute is float32; the layer widens it to double, so torchvision gets the same value.
        scale64 = float(np.float32(scale))
        y[real] = roi_align(torch.from_numpy(x), torch.from_numpy(rois[real]), (out_h, out_w), scale64,
                            sampling_ratio, aligned=True).numpy()
    return y


def roi_model(x_shape, rois_shape, out_h, out_w, scale, sampling_ratio, version=common.CONTRACT_VERSION,
              with_version=True):
    attrs = dict(output_height=out_h, output_width=out_w, spatial_scale=float(scale), sampling_ratio=sampling_ratio)
    if with_version:
        node = common.custom_node("RoIAlign", ["X", "rois"], ["Y"], name="roi_align", version=version, **attrs)
    else:
        node = common.helper.make_node("RoIAlign", ["X", "rois"], ["Y"], name="roi_align", domain=common.DOMAIN,
                                       **attrs)
    k = rois_shape[0]
    c = x_shape[1] if len(x_shape) > 1 else 1
    return common.make_model([node], [("X", x_shape), ("rois", rois_shape)], [("Y", [k, c, out_h, out_w])])


def random_rois(rng, k, n, img_h, img_w):
    """Boxes in image pixels, mostly inside the image, some crossing its border; fractional corners."""
    x1 = rng.uniform(-0.2 * img_w, 1.0 * img_w, k)
    y1 = rng.uniform(-0.2 * img_h, 1.0 * img_h, k)
    x2 = x1 + rng.uniform(0.0, 0.8 * img_w, k)
    y2 = y1 + rng.uniform(0.0, 0.8 * img_h, k)
    batch = rng.integers(0, n, k)
    return np.stack([batch, x1, y1, x2, y2], axis=1).astype(np.float32)


def save(name, x, rois, out_h, out_w, scale, sr, x_shape=None, rois_shape=None):
    model = roi_model(x_shape or list(x.shape), rois_shape or list(rois.shape), out_h, out_w, scale, sr)
    common.save_case(name, model, X=x, rois=rois, Y=reference(x, rois, out_h, out_w, scale, sr))


# (case, N, C, H, W, K, out_h, out_w, spatial_scale, sampling_ratio)
SWEEP = [
    ("s0_c4", 1, 4, 12, 16, 6, 7, 7, 0.25, 0),
    ("s1_c3", 1, 3, 10, 10, 5, 2, 3, 0.5, 1),
    ("s2_n2", 2, 5, 8, 11, 7, 4, 4, 0.125, 2),
    ("s3_c2", 1, 2, 9, 6, 4, 3, 5, 1.0, 3),
    ("s0_1x1_out", 1, 8, 6, 20, 8, 1, 1, 0.0625, 0),
    ("head_7x14", 1, 6, 10, 24, 5, 7, 14, 0.0625, 2),
    ("odd_scale", 1, 3, 11, 13, 6, 3, 4, 0.3, 0),
]


def edge_rois(img_h, img_w):
    """Hand-picked boxes (image pixels; the feature map is img_h x img_w at scale 1/2)."""
    return np.array([
        [0, -10.0, -8.0, 6.0, 5.0],                      # crosses the top-left corner
        [0, img_w - 4.0, img_h - 3.0, img_w + 9.0, img_h + 7.0],  # crosses the bottom-right corner
        [0, img_w + 5.0, 2.0, img_w + 20.0, 9.0],        # wholly right of the map
        [0, -30.0, -30.0, -8.0, -6.0],                   # wholly above-left of the map
        [-1, 0.0, 0.0, 0.0, 0.0],                        # padding
        [0, 5.0, 6.0, 5.0, 6.0],                         # zero area: after the -0.5 shift still a point
        [0, 7.0, 3.0, 7.0, 12.0],                        # zero width
        [0, 12.0, 10.0, 4.0, 2.0],                       # negative size
        [0, 1.0, 1.0, 1.5, 1.5],                         # smaller than one feature pixel
        [-1, 0.0, 0.0, 0.0, 0.0],                        # padding at the end
    ], np.float32)


def main():
    rng = np.random.default_rng(20190617)
    for case, n, c, h, w, k, oh, ow, scale, sr in SWEEP:
        x = rng.standard_normal((n, c, h, w)).astype(np.float32) * 2
        rois = random_rois(rng, k, n, h / scale, w / scale)
        if case == "s2_n2":
            rois[1, 0] = -1  # a padding row amid real ones
        save("roi_align_" + case, x, rois, oh, ow, scale, sr)

    # Edge cases, with an adaptive grid and with fixed grids (a fixed grid samples a negative-size RoI).
    x = rng.standard_normal((1, 3, 7, 9)).astype(np.float32)
    rois = edge_rois(7 * 2, 9 * 2)
    for sr in (0, 2):
        save("roi_align_edges_sr%d" % sr, x, rois, 3, 4, 0.5, sr)

    # A 1x1 feature map: every sample clamps onto the single pixel or falls outside.
    x = rng.standard_normal((1, 4, 1, 1)).astype(np.float32)
    rois = np.array([[0, 0, 0, 16, 16], [0, -8, -8, 24, 24], [0, 20, 20, 40, 40], [0, 4, 5, 9, 13]], np.float32)
    save("roi_align_map_1x1", x, rois, 2, 2, 0.0625, 0)

    # K = 1.
    x = rng.standard_normal((1, 5, 6, 8)).astype(np.float32)
    save("roi_align_k1", x, np.array([[0, 3.3, 2.1, 27.9, 19.4]], np.float32), 3, 3, 0.25, 0)

    # All rows padding: the output is all zeros.
    x = rng.standard_normal((1, 2, 5, 5)).astype(np.float32)
    save("roi_align_all_padding", x, np.tile(np.array([[-1, 0, 0, 0, 0]], np.float32), (4, 1)), 2, 2, 1.0, 0)

    # N = 2 with every RoI on image 1.
    x = rng.standard_normal((2, 3, 6, 7)).astype(np.float32)
    rois = random_rois(rng, 5, 1, 6 * 4, 7 * 4)
    rois[:, 0] = 1
    save("roi_align_batch1", x, rois, 2, 3, 0.25, 0)

    # Dynamic N, H, W and K (import-time shapes have zeros); one net runs two sizes.
    c = 4
    model = roi_model(["N", c, "H", "W"], ["K", 5], 3, 3, 0.5, 2)
    cases = {}
    for i, (n, h, w, k) in enumerate([(1, 8, 12, 6), (2, 5, 4, 3)]):
        xi = rng.standard_normal((n, c, h, w)).astype(np.float32)
        ri = random_rois(rng, k, n, h * 2, w * 2)
        cases.update({"X%d" % i: xi, "rois%d" % i: ri, "Y%d" % i: reference(xi, ri, 3, 3, 0.5, 2)})
    common.save_case("roi_align_dynamic", model, **cases)

    # Bad models: each must be refused with a message (at readNet or at forward).
    common.save_case("roi_align_bad_version2", roi_model([1, 2, 4, 4], [3, 5], 2, 2, 1.0, 0, version=2))
    common.save_case("roi_align_bad_no_version", roi_model([1, 2, 4, 4], [3, 5], 2, 2, 1.0, 0, with_version=False))
    common.save_case("roi_align_bad_rank", roi_model([2, 4, 4], [3, 5], 2, 2, 1.0, 0))
    common.save_case("roi_align_bad_rois", roi_model([1, 2, 4, 4], [3, 4], 2, 2, 1.0, 0))
    common.save_case("roi_align_bad_output_size", roi_model([1, 2, 4, 4], [3, 5], 0, 2, 1.0, 0))
    common.save_case("roi_align_bad_scale", roi_model([1, 2, 4, 4], [3, 5], 2, 2, 0.0, 0))


if __name__ == "__main__":
    main()
