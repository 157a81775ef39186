#!/usr/bin/env python
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""OpenCV-style binding test of cv.adaptivetext.TextReader (run by OpenCV's modules/python/test/test.py, and by
our ctest via pytest). Reading needs the recogniser (tools/install_recognizer.sh); without it those cases skip."""
import os
import unittest

import numpy as np
import cv2 as cv

from tests_common import NewOpenCVTests


def _installed():
    return os.path.isfile(os.path.join(cv.adaptivetext.TextReader.defaultDir(), "ppocrv4_rec_w320.onnx"))


class adaptivetext_text_reader_test(NewOpenCVTests):

    def test_decode_ctc(self):
        probs = np.full((6, 4), 0.1, np.float32)
        for t, k in enumerate([1, 1, 0, 1, 2, 3]):
            probs[t, k] = 0.7
        self.assertEqual(cv.adaptivetext.TextReader.decodeCTC(probs, ["a", "b", "c"]), "aabc")
        with self.assertRaises(cv.error):
            cv.adaptivetext.TextReader.decodeCTC(probs, ["a", "b"])

    def test_missing_recognizer(self):
        path = os.path.join(os.path.sep, "nonexistent", "rec_w320.onnx")
        with self.assertRaises(cv.error) as ctx:
            cv.adaptivetext.TextReader.create(path)
        self.assertIn(path, str(ctx.exception))
        self.assertIn("install_recognizer.sh", str(ctx.exception))

    @unittest.skipUnless(_installed(), "the recogniser is not installed (tools/install_recognizer.sh)")
    def test_reads_a_drawn_word(self):
        strip = np.full((54, 140, 3), 255, np.uint8)
        cv.putText(strip, "HELLO", (8, 38), cv.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2, cv.LINE_AA)
        reader = cv.adaptivetext.TextReader.create()
        self.assertEqual(reader.read(strip), "HELLO")
        text, confidence = reader.readWithConfidence(strip)
        self.assertEqual(text, "HELLO")
        self.assertGreater(confidence, 0.8)
        self.assertEqual(list(reader.readAll([strip, np.zeros((1, 1, 3), np.uint8)])), ["HELLO", ""])  # a tuple in Python
        self.assertEqual(int(np.asarray(reader.getInputWidths()).ravel()[0]), 320)


if __name__ == "__main__":
    NewOpenCVTests.bootstrap()
