# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Exports an ATRR model to the one-file ONNX format of doc/model_format.md.

    python3 -m training.atrr.export --checkpoint C --out model.onnx
    python3 -m training.atrr.export --random --width 0.25 --out model.onnx [--seed 0]

A checkpoint is a torch.save'd dict with "model" (state_dict) and "config" (ModelConfig.to_dict()),
or a bare state_dict plus --config JSON.
"""
import argparse
import inspect
import json
import sys
import warnings

import onnx
import torch

from .config import STRIDE, ModelConfig
from .model import ATRR, OUTPUT_NAMES
from .ops import CONTRACT_VERSION, DOMAIN

OPSET = 11
# The only standard ops the graph may contain: each is imported by OpenCV 4.6 (checked by check_ops).
ALLOWED_STANDARD_OPS = {"Conv", "Relu", "MaxPool", "Sigmoid", "Flatten", "Gemm",
                        "Add"}  # Add: two maps of one shape (stage4_skip), no broadcast
CUSTOM_OPS = {"SEBlock", "RoIAlign", "TextProposal", "PointPairDecoder"}


def metadata(cfg: ModelConfig) -> dict:
    return {"format": "adaptivetext", "contract_version": CONTRACT_VERSION, "stride": STRIDE,
            "mean": list(cfg.mean), "std": list(cfg.std), "width_mult": cfg.width_mult,
            "default_input": list(cfg.default_input), "config": cfg.to_dict()}


def load_checkpoint(path, config_path=None):
    state = torch.load(path, map_location="cpu")
    if isinstance(state, dict) and "model" in state:
        cfg_dict = state.get("config")
        weights = state["model"]
    else:
        cfg_dict, weights = None, state
    if config_path:
        cfg = ModelConfig.load(config_path)
    elif cfg_dict is not None:
        cfg = ModelConfig.from_dict(cfg_dict)
    else:
        raise ValueError("%s holds no config: pass --config" % path)
    model = ATRR(cfg)
    model.load_state_dict(weights)
    return model


def check_ops(model_proto):
    """Fails on any op OpenCV 4.6 cannot import (e.g. Tile/Expand from a stray broadcast)."""
    bad = []
    for node in model_proto.graph.node:
        if node.domain == DOMAIN:
            if node.op_type not in CUSTOM_OPS:
                bad.append("%s::%s" % (node.domain, node.op_type))
        elif node.op_type not in ALLOWED_STANDARD_OPS:
            bad.append(node.op_type)
    if bad:
        raise RuntimeError("the exported graph contains ops outside the contract: %s" % sorted(set(bad)))


def export(model: ATRR, out_path: str, sample_size=(256, 256)):
    """Writes out_path; sample_size (W, H) only shapes the tracing input, H and W stay dynamic."""
    model = model.cpu().eval()
    w, h = sample_size
    dummy = torch.zeros(1, 3, h, w)
    kwargs = dict(opset_version=OPSET, input_names=["image"], output_names=list(OUTPUT_NAMES),
                  dynamic_axes={"image": {2: "H", 3: "W"}}, custom_opsets={DOMAIN: 1},
                  do_constant_folding=True)
    # torch >= 2.5 has a second (dynamo) exporter that ignores `symbolic`; ask for the TorchScript one.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    with torch.no_grad(), warnings.catch_warnings():
        # The custom nodes' output shapes are set in their symbolics; torch still warns for each of them.
        warnings.filterwarnings("ignore", message="The shape inference of " + DOMAIN)
        # Each Function is one opaque node: its forward runs on concrete values while tracing, by design.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        # torch 1.13 hands Function.symbolic a patched Graph whose g.op() it flags as deprecated; 2.x passes
        # a GraphContext with the same g.op(), so the symbolics are right for both.
        warnings.filterwarnings("ignore", message=".*_graph_op.* is deprecated", category=FutureWarning)
        torch.onnx.export(model, (dummy,), out_path, **kwargs)
    proto = onnx.load(out_path)
    finish_graph(proto, model.cfg)
    check_ops(proto)
    onnx.save(proto, out_path)
    return proto


def finish_graph(proto, cfg):
    """Names the preprocessing conv, writes the metadata, keeps the IR version OpenCV 4.6 reads."""
    inline_initializer_identities(proto.graph)
    name_decoder_bias(proto.graph)
    first = proto.graph.node[0]
    if first.op_type != "Conv" or first.input[0] != "image":
        raise RuntimeError("the first node must be the preprocessing Conv on 'image', got %s" % first.op_type)
    first.name = "preprocess"
    proto.graph.doc_string = json.dumps(metadata(cfg))
    proto.ir_version = min(proto.ir_version, 7)
    proto.producer_name = "adaptivetext-training"


def inline_initializer_identities(graph):
    """The exporter shares equal initializers through Identity nodes; give each consumer its own copy."""
    inits = {t.name: t for t in graph.initializer}
    for node in [n for n in graph.node if n.op_type == "Identity" and n.input[0] in inits]:
        copy = onnx.TensorProto()
        copy.CopyFrom(inits[node.input[0]])
        copy.name = node.output[0]
        graph.initializer.append(copy)
        graph.node.remove(node)


def name_decoder_bias(graph):
    """The folded b_ih + b_hh gets an exporter-made name ('adaptivetext::PointPairDecoder_114')."""
    for node in graph.node:
        if node.op_type == "PointPairDecoder":
            old, new = node.input[5], "point_pair_decoder.bias"
            for t in graph.initializer:
                if t.name == old:
                    t.name = new
                    node.input[5] = new


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m training.atrr.export", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="torch checkpoint written by the trainer")
    src.add_argument("--random", action="store_true", help="a randomly initialised model (tests, sizing)")
    ap.add_argument("--config", help="ModelConfig JSON (overrides the checkpoint's)")
    ap.add_argument("--width", type=float, default=None, help="width multiplier of a --random model")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if args.checkpoint:
        model = load_checkpoint(args.checkpoint, args.config)
    else:
        torch.manual_seed(args.seed)
        cfg = ModelConfig.load(args.config) if args.config else ModelConfig()
        if args.width is not None:
            cfg.width_mult = args.width
        model = ATRR(cfg)
    export(model, args.out)
    params = sum(p.numel() for p in model.parameters())
    print("wrote %s (width %.3g, %d parameters)" % (args.out, model.cfg.width_mult, params))
    return 0


if __name__ == "__main__":
    sys.exit(main())
