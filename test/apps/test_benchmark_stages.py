# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""adaptive_text_benchmark's split of the graph's layers into stages (--list_layers), on a test model and
on the shipped line model, whose layer names differ."""
import os

import pytest


SHIPPED_LINE_MODEL = os.path.join(os.path.dirname(__file__), "..", "..", "data", "models", "adaptivetext_default.onnx")


@pytest.mark.parametrize("model_path, backbone_layer, first_rpn_layer", [
    ("TINY", "onnx_node!conv1", "onnx_node!rpn_conv"),
    # the stage-4 skip model runs its backbone stages outside the /backbone/ scope (training/atrr/model.py)
    (SHIPPED_LINE_MODEL, "onnx_node!/stages.0/stages.0.0/Conv", "onnx_node!/rpn_conv/Conv"),
])
def test_benchmark_puts_every_layer_before_the_rpn_in_the_backbone(run, model, image_file, model_path,
                                                                   backbone_layer, first_rpn_layer):
    """--list_layers names each layer's stage; every layer between preprocess and rpn_conv is backbone, from
    rpn_conv to RoIAlign proposals, also for a stage-4-skip model, whose backbone lies outside the /backbone/
    scope."""
    path = model if model_path == "TINY" else model_path
    result = run("benchmark", "--model=%s" % path, "--image=%s" % image_file, "--sizes=64x48", "--threads=1",
                 "--runs=10", "--warmup=1", "--list_layers")
    assert result.returncode == 0, result
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith(" ") and "onnx_node!" in line]
    names = [r[1] for r in rows]
    stages = {r[1]: r[-1] for r in rows}
    assert stages[backbone_layer] == "backbone"
    assert stages[first_rpn_layer] == "proposals"
    rpn = names.index(first_rpn_layer)
    assert all(stages[n] == "backbone" for n in names[1:rpn]), [(n, stages[n]) for n in names[1:rpn]]
    assert stages[names[0]] == "preprocess"
