# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Models carry their settings: export writes "adaptivetext.settings" into the ONNX metadata_props, the values
round-trip, re-exports are byte-identical, and the shipped models hold what the detector ran them with before
(doc/model_format.md, "Settings"; the C++ side: test/test_model_settings.cpp)."""
import hashlib
import json
import os

import onnx
import pytest
import torch

from training.atrr import export as ex
from training.atrr import verifier
from training.atrr.config import ModelConfig
from training.atrr.model import ATRR

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MODELS = os.path.join(REPO, "data", "models")
CHECKPOINTS = os.path.join(REPO, "training", "checkpoints")


def small_checkpoint(tmp_path):
    torch.manual_seed(0)
    cfg = ModelConfig(width_mult=0.125, post_nms_top_n=8)
    path = str(tmp_path / "c.pt")
    torch.save({"model": ATRR(cfg).state_dict(), "config": cfg.to_dict()}, path)
    return path


def small_verifier(tmp_path, weight=0.75, threshold=0.5):
    torch.manual_seed(1)
    pt = tmp_path / "v.pt"
    torch.save({"model": verifier.Verifier(width=0.25).eval().state_dict(), "width": 0.25}, pt)
    out = str(tmp_path / "paired_verifier.onnx")
    verifier.main(["export", "--verifier", str(pt), "--out", out, "--weight", str(weight),
                   "--threshold", str(threshold)])
    return out


def test_export_writes_the_settings_and_they_round_trip(tmp_path):
    ckpt = small_checkpoint(tmp_path)
    v = small_verifier(tmp_path, weight=0.6, threshold=0.45)
    own = ex.read_settings(v)
    assert own == {"version": 1, "kind": "verifier", "fusion_weight": 0.6, "threshold": 0.45,
                   "detector_threshold": 0.7, "min_fill": verifier.MIN_FILL}
    out = str(tmp_path / "m.onnx")
    assert ex.main(["--checkpoint", ckpt, "--out", out, "--granularity", "words", "--side", "1120",
                    "--small_text_side", "0", "--small_text_split", "24", "--score_threshold", "0.65",
                    "--nms_threshold", "0.2", "--verifier", v, "--verifier_candidate_score", "0.3"]) == 0
    proto = onnx.load(out)
    assert [p.key for p in proto.metadata_props] == [ex.SETTINGS_KEY]
    s = ex.read_settings(proto)
    sha = hashlib.sha256(open(v, "rb").read()).hexdigest()
    assert s == {"version": 1, "kind": "detector", "granularity": "words",
                 "input": {"policy": "long_side", "side": 1120, "small_text_side": 0, "small_text_split": 24.0},
                 "score_threshold": 0.65, "nms_threshold": 0.2,
                 "verifier": {"file": "paired_verifier.onnx", "sha256": sha, "candidate_score": 0.3,
                              "fusion_weight": 0.6, "threshold": 0.45, "min_fill": verifier.MIN_FILL}}
    # nothing machine-specific: no folder of this run in the settings or the graph's doc string
    assert str(tmp_path) not in proto.metadata_props[0].value and str(tmp_path) not in proto.graph.doc_string
    doc = json.loads(proto.graph.doc_string)
    assert "default_input" not in doc and doc["format"] == "adaptivetext"
    # the same export again: the same bytes
    again = str(tmp_path / "again.onnx")
    ex.main(["--checkpoint", ckpt, "--out", again, "--granularity", "words", "--side", "1120",
             "--small_text_side", "0", "--small_text_split", "24", "--score_threshold", "0.65",
             "--nms_threshold", "0.2", "--verifier", v, "--verifier_candidate_score", "0.3"])
    assert open(again, "rb").read() == open(out, "rb").read()


def test_export_without_options_writes_the_generic_settings(tmp_path):
    out = str(tmp_path / "m.onnx")
    ex.main(["--checkpoint", small_checkpoint(tmp_path), "--out", out])
    s = ex.read_settings(out)
    g = ex.GENERIC_SETTINGS
    assert s == {"version": 1, "kind": "detector", "granularity": g["granularity"],
                 "input": {"policy": "long_side", "side": g["side"], "small_text_side": g["small_text_side"],
                           "small_text_split": g["small_text_split"]},
                 "score_threshold": g["score_threshold"], "nms_threshold": g["nms_threshold"]}
    # the values the C++ detector gives a model without settings (model_settings.hpp, GENERIC_*)
    assert (g["side"], g["small_text_side"], g["small_text_split"]) == (512, 0, 32.0)
    assert (g["score_threshold"], g["nms_threshold"]) == (0.7, 0.1)


def test_bad_settings_are_refused_at_export(tmp_path):
    with pytest.raises(ValueError, match="granularity"):
        ex.detector_settings(granularity="pages")
    with pytest.raises(ValueError, match="score_threshold"):
        ex.detector_settings(score_threshold=1.5)
    with pytest.raises(ValueError, match="small_text_side"):
        ex.detector_settings(small_text_side=8)
    plain = str(tmp_path / "plain.onnx")
    ex.main(["--checkpoint", small_checkpoint(tmp_path), "--out", plain])
    with pytest.raises(ValueError, match="not a verifier"):
        ex.detector_settings(verifier=plain, verifier_candidate_score=0.2)
    with pytest.raises(ValueError, match="candidate_score"):
        ex.detector_settings(verifier=small_verifier(tmp_path))


def test_shipped_models_hold_the_settings_they_are_run_with():
    lines = ex.read_settings(os.path.join(MODELS, "adaptivetext_default.onnx"))
    vpath = os.path.join(MODELS, "adaptivetext_verifier.onnx")
    assert lines == {"version": 1, "kind": "detector", "granularity": "lines",
                     "input": {"policy": "long_side", "side": 512, "small_text_side": 672, "small_text_split": 32.0},
                     "score_threshold": 0.7, "nms_threshold": 0.1,
                     "verifier": {"file": "adaptivetext_verifier.onnx", "sha256": ex.sha256_of(vpath),
                                  "candidate_score": 0.2045, "fusion_weight": 0.75, "threshold": 0.5,
                                  "min_fill": verifier.MIN_FILL}}
    assert ex.read_settings(vpath)["min_fill"] == verifier.MIN_FILL
    words = ex.read_settings(os.path.join(MODELS, "adaptivetext_words.onnx"))
    assert words == {"version": 1, "kind": "detector", "granularity": "words",
                     "input": {"policy": "long_side", "side": 512, "small_text_side": 1120, "small_text_split": 32.0},
                     "score_threshold": 0.85, "nms_threshold": 0.1}


@pytest.mark.parametrize("name", ["lines", "words"])
def test_shipped_models_re_export_byte_for_byte(tmp_path, name):
    """data/models/adaptivetext_{default,words}.onnx are what the documented commands make from the committed
    checkpoints (the verifier's own re-export: test_verifier.py)."""
    out = str(tmp_path / "m.onnx")
    if name == "lines":
        ex.main(["--checkpoint", os.path.join(CHECKPOINTS, "lines_v1.pt"), "--granularity", "lines",
                 "--side", "512", "--small_text_side", "672", "--small_text_split", "32",
                 "--verifier", os.path.join(MODELS, "adaptivetext_verifier.onnx"),
                 "--verifier_candidate_score", "0.2045", "--out", out])
        shipped = "adaptivetext_default.onnx"
    else:
        ex.main(["--checkpoint", os.path.join(CHECKPOINTS, "words_v2.pt"), "--granularity", "words",
                 "--side", "512", "--small_text_side", "1120", "--small_text_split", "32",
                 "--score_threshold", "0.85", "--out", out])
        shipped = "adaptivetext_words.onnx"
    assert open(out, "rb").read() == open(os.path.join(MODELS, shipped), "rb").read()
