# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Exports an ATRR model to the one-file ONNX format of doc/model_format.md.

    python3 -m training.atrr.export --checkpoint C --out model.onnx [settings]
    python3 -m training.atrr.export --random --width 0.25 --out model.onnx [--seed 0]

A checkpoint is a torch.save'd dict with "model" (state_dict) and "config" (ModelConfig.to_dict()),
or a bare state_dict plus --config JSON.

The model carries the settings the detector runs it with (doc/model_format.md, "Settings"): the ONNX
model-level metadata_props entry "adaptivetext.settings" holds them as JSON, and AdaptiveTextDetector::create()
reads them. The settings options (--granularity, --side, --small_text_side, --small_text_split,
--score_threshold, --nms_threshold, --verifier, --verifier_candidate_score) default to the generic settings
that the detector also gives a model without metadata (GENERIC_SETTINGS). --verifier names the exported
verifier file to pair with the model: its file name, SHA-256 and its own settings (fusion weight, threshold,
crop fill gate) are written, so that the detector loads that exact file, found beside the model or in the
shipped models' folders. Nothing machine-specific (paths, dates) is written: re-exports are byte-identical.
"""
import argparse
import hashlib
import inspect
import json
import os
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


# The metadata_props key of the settings JSON (doc/model_format.md, "Settings"); the detector reads this key.
SETTINGS_KEY = "adaptivetext.settings"
SETTINGS_VERSION = 1
# What a model without settings runs with (doc/detector.md, "Model settings"): one pass at long side 512, the
# crop size every model here is trained at; 0.7, the score that a calibrated model's raw 0.5 maps to
# (convert.py --score_at); NMS 0.1, which drops the overlapping pieces the models return for one line or word
# (doc/models.md); no verifier. The C++ detector's generic defaults must equal these
# (test/test_model_settings.cpp checks both against a model exported without options).
GENERIC_SETTINGS = {"granularity": "lines", "side": 512, "small_text_side": 0, "small_text_split": 32.0,
                    "score_threshold": 0.7, "nms_threshold": 0.1}


def metadata(cfg: ModelConfig) -> dict:
    """The graph's doc_string: the network's contract (doc/model_format.md), not how to run it."""
    return {"format": "adaptivetext", "contract_version": CONTRACT_VERSION, "stride": STRIDE,
            "mean": list(cfg.mean), "std": list(cfg.std), "width_mult": cfg.width_mult, "config": cfg.to_dict()}


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_settings(path_or_proto):
    """The "adaptivetext.settings" JSON of an exported model (a path or a ModelProto); None when absent."""
    proto = onnx.load(path_or_proto) if isinstance(path_or_proto, str) else path_or_proto
    for prop in proto.metadata_props:
        if prop.key == SETTINGS_KEY:
            return json.loads(prop.value)
    return None


def write_settings(proto, settings):
    """Sets the model's "adaptivetext.settings" entry (one entry; keys sorted, so that the bytes are stable)."""
    for prop in list(proto.metadata_props):
        if prop.key == SETTINGS_KEY:
            proto.metadata_props.remove(prop)
    entry = proto.metadata_props.add()
    entry.key = SETTINGS_KEY
    entry.value = json.dumps(settings, sort_keys=True)


def detector_settings(granularity=None, side=None, small_text_side=None, small_text_split=None,
                      score_threshold=None, nms_threshold=None, verifier=None, verifier_candidate_score=None):
    """The settings JSON of a detector model; None values take GENERIC_SETTINGS. `verifier`: the path of an
    exported verifier (training.atrr.verifier export) to pair with the model."""
    given = dict(granularity=granularity, side=side, small_text_side=small_text_side,
                 small_text_split=small_text_split, score_threshold=score_threshold, nms_threshold=nms_threshold)
    s = {k: (GENERIC_SETTINGS[k] if v is None else v) for k, v in given.items()}
    if s["granularity"] not in ("lines", "words"):
        raise ValueError("granularity must be 'lines' or 'words', got %r" % s["granularity"])
    for k in ("score_threshold", "nms_threshold"):
        if not 0.0 <= float(s[k]) <= 1.0:
            raise ValueError("%s must be in [0, 1], got %r" % (k, s[k]))
    if not STRIDE <= int(s["side"]) <= 4096 or not (int(s["small_text_side"]) == 0
                                                    or STRIDE <= int(s["small_text_side"]) <= 4096):
        raise ValueError("side and small_text_side (0: one pass) must be in [%d, 4096]" % STRIDE)
    settings = {"version": SETTINGS_VERSION, "kind": "detector", "granularity": s["granularity"],
                "input": {"policy": "long_side", "side": int(s["side"]), "small_text_side": int(s["small_text_side"]),
                          "small_text_split": float(s["small_text_split"])},
                "score_threshold": float(s["score_threshold"]), "nms_threshold": float(s["nms_threshold"])}
    if verifier:
        own = read_settings(verifier)
        if not own or own.get("kind") != "verifier":
            raise ValueError("%s is not a verifier exported with its settings (training.atrr.verifier export)"
                             % verifier)
        if verifier_candidate_score is None:
            raise ValueError("a paired verifier needs --verifier_candidate_score (the lowest candidate score it sees)")
        settings["verifier"] = {"file": os.path.basename(verifier), "sha256": sha256_of(verifier),
                                "candidate_score": float(verifier_candidate_score),
                                "fusion_weight": own["fusion_weight"], "threshold": own["threshold"],
                                "min_fill": own["min_fill"]}
    return settings


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


def export(model: ATRR, out_path: str, sample_size=(256, 256), settings=None):
    """Writes out_path; sample_size (W, H) only shapes the tracing input, H and W stay dynamic. `settings`: the
    detector settings JSON (detector_settings()); None writes the generic ones."""
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
    write_settings(proto, settings if settings is not None else detector_settings())
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
    st = ap.add_argument_group("settings the detector runs the model with (default: the generic ones)")
    st.add_argument("--granularity", choices=("lines", "words"), help="one polygon per line or per word")
    st.add_argument("--side", type=int, help="long side of the first pass, px")
    st.add_argument("--small_text_side", type=int, help="long side of the small-text pass, px (0: one pass)")
    st.add_argument("--small_text_split", type=float,
                    help="polygons thinner than this, in first-pass input px, come from the small-text pass")
    st.add_argument("--score_threshold", type=float, help="minimum score of a kept polygon")
    st.add_argument("--nms_threshold", type=float, help="polygon IoU of the NMS")
    st.add_argument("--verifier", help="an exported verifier .onnx to pair with the model (its file name is written)")
    st.add_argument("--verifier_candidate_score", type=float, help="the lowest candidate score the verifier sees")
    args = ap.parse_args(argv)
    settings = detector_settings(args.granularity, args.side, args.small_text_side, args.small_text_split,
                                 args.score_threshold, args.nms_threshold, args.verifier, args.verifier_candidate_score)
    if args.checkpoint:
        model = load_checkpoint(args.checkpoint, args.config)
    else:
        torch.manual_seed(args.seed)
        cfg = ModelConfig.load(args.config) if args.config else ModelConfig()
        if args.width is not None:
            cfg.width_mult = args.width
        model = ATRR(cfg)
    export(model, args.out, settings=settings)
    params = sum(p.numel() for p in model.parameters())
    print("wrote %s (width %.3g, %d parameters)" % (args.out, model.cfg.width_mult, params))
    return 0


if __name__ == "__main__":
    sys.exit(main())
