# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Writes the seed corpora of the fuzzers into fuzz/corpus/ (a few KB; committed).

frame/: inputs of fuzz_frame (layout in fuzz_frame.cpp): one per depth, channel count, size policy and
flag, plus a 1x1 frame, an empty one and long strips, so that the fuzzer starts from every branch of the
frame checks and the size policies.
model_bytes/: small hand-built ONNX edge cases for fuzz_model_bytes (no graph, an adaptivetext node without
inputs or attributes, a Constant holding a tensor, an unknown domain). The real models of test/data/*.onnx
are passed to the fuzzer as a second seed folder by tools/run_fuzz.sh, so they are not copied here.
strip/: inputs of fuzz_strip (layout in fuzz_strip.cpp): 8-bit strips of each channel count, a column, a long
line, tiny and empty ones, a non-continuous view, and the refused kinds (2 channels, float).
Run with Debian's python: /usr/bin/python3 fuzz/gen_seed_corpus.py
"""
import os
import struct

import numpy as np
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
DOMAIN = "adaptivetext"


def frame_input(depth, channels, width, height, policy, side, score, nms, flags, pixels):
    """Header of fuzz_frame.cpp: depth, channels-1, width (u16), height (u16), policy, side, score, nms, flags."""
    header = struct.pack("<BBHHBBBBB", depth, channels - 1, width, height, policy, side, score, nms, flags)
    return header + bytes(pixels)


def frame_seeds(rng):
    noise = rng.integers(0, 256, 192, dtype=np.uint8).tolist()
    gradient = list(range(0, 256, 4))
    seeds = {
        "gray_fixed": frame_input(0, 1, 64, 48, 0, 0x23, 100, 80, 0, noise),
        "bgr_long_side": frame_input(0, 3, 64, 48, 2, 3, 120, 80, 0, noise),
        "bgra_short_side": frame_input(0, 4, 40, 56, 1, 2, 120, 80, 1, gradient),
        "bgr_rectangles": frame_input(0, 3, 50, 30, 2, 3, 60, 128, 2, noise),
        "keep_all_rois": frame_input(0, 3, 64, 48, 0, 0x23, 0, 255, 0, noise),
        "one_pixel": frame_input(0, 3, 1, 1, 2, 0, 100, 80, 0, [200, 10, 90]),
        "empty": frame_input(0, 3, 0, 48, 0, 0, 100, 80, 0, []),
        "strip_wide": frame_input(0, 1, 4000, 1, 2, 15, 100, 80, 0, gradient),
        "strip_tall": frame_input(0, 3, 1, 900, 2, 15, 100, 80, 1, gradient),
        "two_channels": frame_input(0, 2, 16, 16, 0, 0, 100, 80, 0, noise),
        "five_channels": frame_input(0, 5, 16, 16, 0, 0, 100, 80, 0, noise),
    }
    for depth, name in enumerate(["8u", "8s", "16u", "16s", "32s", "32f", "64f", "16f"][1:], start=1):
        seeds["depth_" + name] = frame_input(depth, 3, 16, 16, 0, 0, 100, 80, 0, noise[:64])
    return seeds


def strip_seeds(rng):
    """Inputs of fuzz_strip (layout in fuzz_strip.cpp): 8-bit strips of 1, 3 and 4 channels, a column, a long
    line, tiny ones, a non-continuous view, and the refused kinds (2 channels, float)."""
    def strip(channels, depth_byte, width, height, flags, pixels):
        return bytes([channels - 1, depth_byte]) + struct.pack("<HH", width, height) + bytes([flags]) + pixels
    noise = rng.integers(0, 256, 600, dtype=np.uint8).tobytes()
    stripes = bytes([255] * 40 + [0] * 24) * 8  # dark bars on white, like glyphs
    return {
        "bgr_word": strip(3, 0, 160, 48, 0, stripes),
        "grey_word": strip(1, 0, 120, 32, 0, stripes),
        "bgra_view": strip(4, 0, 90, 30, 1, noise),
        "column": strip(3, 0, 40, 200, 0, stripes),
        "long_line": strip(1, 0, 3000, 40, 0, noise),
        "one_pixel": strip(3, 0, 1, 1, 0, b"\x80"),
        "one_row": strip(3, 0, 500, 1, 0, noise),
        "empty": strip(1, 0, 0, 0, 0, b""),
        "two_channels": strip(2, 0, 64, 32, 0, noise),
        "float": strip(3, 11, 64, 32, 0, noise),  # depth (11 / 2) % 7 = 5: CV_32F
    }


def model(nodes, inputs, outputs, initializers=(), opsets=(("", 11), (DOMAIN, 1))):
    graph = helper.make_graph(nodes, "seed", inputs, outputs, initializer=list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
    m.ir_version = 7
    return m.SerializeToString()


def model_seeds(rng):
    f = TensorProto.FLOAT
    image = helper.make_tensor_value_info("image", f, [1, 3, "H", "W"])
    out = helper.make_tensor_value_info("y", f, None)
    w = numpy_helper.from_array(rng.normal(0, 1, (2, 4)).astype(np.float32), "w")
    no_graph = helper.make_model(helper.make_graph([], "empty", [], []))
    no_graph.ClearField("graph")
    return {
        "no_graph": no_graph.SerializeToString(),
        "custom_node_no_inputs": model([helper.make_node("RoIAlign", [], ["y"], domain=DOMAIN, version=1)],
                                       [], [out]),
        "custom_node_no_attrs": model([helper.make_node("SEBlock", ["image", "w", "w"], ["y"], domain=DOMAIN)],
                                      [image], [out], [w]),
        "constant_tensor": model([helper.make_node("Constant", [], ["y"], value=w)], [], [out]),
        "unknown_domain": model([helper.make_node("Foo", ["image"], ["y"], domain="other")], [image], [out],
                                opsets=(("", 11), ("other", 1))),
    }


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    rng = np.random.default_rng(4)
    for name, data in frame_seeds(rng).items():
        write(os.path.join(CORPUS, "frame"), name + ".bin", data)
    for name, data in model_seeds(rng).items():
        write(os.path.join(CORPUS, "model_bytes"), name + ".onnx", data)
    for name, data in strip_seeds(np.random.default_rng(44)).items():
        write(os.path.join(CORPUS, "strip"), name + ".bin", data)


if __name__ == "__main__":
    main()
