# Shared helpers for the reference-data generators: build one-node ONNX models that use an adaptivetext
# custom op (with onnx.helper, not the C++ code) and save inputs/outputs computed by NumPy/PyTorch as .npy.
# Run with Debian's python: /usr/bin/python3 tools/testdata/generate_all.py
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DOMAIN = "adaptivetext"
CONTRACT_VERSION = 1
OUT_DIR = os.environ.get("ADAPTIVETEXT_TEST_DATA",
                         os.path.join(os.path.dirname(__file__), "..", "..", "test", "data"))


def value_info(name, shape):
    """shape entries may be ints or strings (dynamic dims)."""
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def custom_node(op, inputs, outputs, name=None, version=CONTRACT_VERSION, **attrs):
    return helper.make_node(op, inputs, outputs, name=name or op.lower(), domain=DOMAIN,
                            version=version, **attrs)


def make_model(nodes, inputs, outputs, initializers=(), doc=""):
    """inputs/outputs: lists of (name, shape). initializers: dict name -> np.ndarray (float32)."""
    graph = helper.make_graph(
        nodes, "adaptivetext_test",
        [value_info(n, s) for n, s in inputs],
        [value_info(n, s) for n, s in outputs],
        initializer=[numpy_helper.from_array(np.asarray(v, np.float32), n) for n, v in dict(initializers).items()],
        doc_string=doc)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11),
                                                    helper.make_opsetid(DOMAIN, 1)],
                              producer_name="adaptivetext-testdata")
    model.ir_version = 7  # readable by OpenCV 4.6's protobuf schema
    return model


def save_case(name, model=None, **arrays):
    """Writes OUT_DIR/<name>.onnx (if model) and OUT_DIR/<name>.<key>.npy for every array (float32)."""
    os.makedirs(OUT_DIR, exist_ok=True)
    if model is not None:
        onnx.save(model, os.path.join(OUT_DIR, name + ".onnx"))
    for key, arr in arrays.items():
        np.save(os.path.join(OUT_DIR, "%s.%s.npy" % (name, key)), np.ascontiguousarray(arr, dtype=np.float32))
