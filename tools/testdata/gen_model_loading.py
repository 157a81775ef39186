# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Tiny ONNX models for test/test_model_loading.cpp (readModel's error messages, loading before registration).

The models only have to be imported, never run to a reference, so no expected outputs are written; every
model is a few hundred bytes. Built with onnx.helper, independently of the C++ code.
"""
import numpy as np
from onnx import helper

from common import custom_node, make_model, save_case

# Output names of an adaptivetext model (doc/model_format.md section 2).
CONTRACT_OUTPUTS = ["rois", "rpn_scores", "text_scores", "box_deltas", "pairs", "num_pairs"]

X_SHAPE = [1, 4, 3, 3]


def se_weights(seed):
    rng = np.random.default_rng(seed)
    return {"w1": rng.standard_normal((1, 4)).astype(np.float32),
            "w2": rng.standard_normal((4, 1)).astype(np.float32)}


def seblock_model(version=1, op="SEBlock", outputs=("y",)):
    """x -> adaptivetext.<op> -> y, then one Identity per requested graph output other than y."""
    nodes = [custom_node(op, ["x", "w1", "w2"], ["y"], name="se", version=version)]
    for name in outputs:
        if name != "y":
            nodes.append(helper.make_node("Identity", ["y"], [name], name="out_" + name))
    return make_model(nodes, [("x", X_SHAPE)], [(n, X_SHAPE) for n in outputs], se_weights(0))


def plain_model(outputs):
    """Only standard ONNX ops: what a user gets by passing some other detector's model."""
    nodes = [helper.make_node("Relu", ["x"], [name], name="relu_" + name) for name in outputs]
    return make_model(nodes, [("x", X_SHAPE)], [(n, X_SHAPE) for n in outputs])


def main():
    # Our op and every contract output name: readModel accepts it (shapes are not the loader's business).
    save_case("model_loading_complete", seblock_model(outputs=CONTRACT_OUTPUTS))
    # Our op but other output names: "not an adaptivetext model", names the missing outputs.
    save_case("model_loading_seblock", seblock_model())
    # A node exported for a newer op contract: the layer refuses it and readModel must keep its message.
    save_case("model_loading_version2", seblock_model(version=2, outputs=CONTRACT_OUTPUTS))
    # An op of our domain that this module does not implement (a model from a newer training package).
    save_case("model_loading_unknown_op", seblock_model(op="FancyHead", outputs=CONTRACT_OUTPUTS))
    # Standard ops only: once with unrelated outputs, once with the contract names (still not ours).
    save_case("model_loading_plain", plain_model(["y"]))
    save_case("model_loading_plain_named", plain_model(CONTRACT_OUTPUTS))


if __name__ == "__main__":
    main()
