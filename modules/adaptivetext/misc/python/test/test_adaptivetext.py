#!/usr/bin/env python
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""OpenCV-style binding test (run by OpenCV's modules/python/test/test.py, and by our ctest via pytest)."""
import os

import cv2 as cv

from tests_common import NewOpenCVTests


class adaptivetext_test(NewOpenCVTests):

    def test_register_layers(self):
        cv.adaptivetext.registerLayers()
        cv.adaptivetext.registerLayers()  # idempotent
        self.assertTrue(cv.adaptivetext.layersRegistered())

    def test_create_with_missing_model(self):
        path = os.path.join(os.path.sep, "nonexistent", "adaptivetext.onnx")
        with self.assertRaises(cv.error) as ctx:
            cv.AdaptiveTextDetector.create(path)
        self.assertIn(path, str(ctx.exception))


if __name__ == '__main__':
    NewOpenCVTests.bootstrap()
