# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The adaptivetext module as contrib users get it: inside cv2, built from OpenCV's source."""
import os
import subprocess
import sys


def test_module_is_built_in(cv2):
    info = cv2.getBuildInformation()
    to_be_built = [line for line in info.splitlines() if "To be built:" in line]
    assert to_be_built and "adaptivetext" in to_be_built[0].split(), to_be_built


def test_register_layers_is_idempotent(cv2):
    cv2.adaptivetext.registerLayers()
    cv2.adaptivetext.registerLayers()
    assert cv2.adaptivetext.layersRegistered()


def test_detector_class_and_factory(cv2):
    # CV_WRAP static create() of a CV_EXPORTS_W class appears both as a static method and as Class_create.
    assert callable(cv2.AdaptiveTextDetector.create)
    assert cv2.AdaptiveTextDetector_create is not None
    for method in ("detect", "detectTextRectangles", "setInputSize", "getInputSize", "setScoreThreshold",
                   "setNMSThreshold", "setInputSizePolicy", "setSmallTextPass", "getSmallTextSideLength",
                   "setPreferableBackend", "setPreferableTarget"):
        assert hasattr(cv2.AdaptiveTextDetector, method), method


def test_input_size_policy_constants(cv2):
    assert cv2.AdaptiveTextDetector_INPUT_SIZE_FIXED == 0
    assert cv2.AdaptiveTextDetector_INPUT_SIZE_SHORT_SIDE == 1
    assert cv2.AdaptiveTextDetector_INPUT_SIZE_LONG_SIDE == 2


def test_layer_refusal_reaches_python(cv2, data_path):
    # The real SEBlock layer, created by cv2.dnn.readNet, refuses a node of op contract version 2.
    cv2.adaptivetext.registerLayers()
    try:
        cv2.dnn.readNet(data_path("model_loading_version2.onnx"))
    except cv2.error as e:
        assert "op contract version 2 but this module implements version 1" in str(e)
    else:
        raise AssertionError("readNet accepted a node of op contract version 2")


def test_readnet_without_registration_fails(cv2, data_path):
    # Importing cv2 does not register the layers: a fresh interpreter gets OpenCV's "Can't create layer".
    code = ("import cv2, sys\n"
            "try:\n"
            "    cv2.dnn.readNet(sys.argv[1])\n"
            "except cv2.error as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code, data_path("model_loading_complete.onnx")],
                         env=dict(os.environ), capture_output=True, text=True, check=True).stdout
    assert 'Can\'t create layer "onnx_node!se" of type "adaptivetext.SEBlock"' in out, out
