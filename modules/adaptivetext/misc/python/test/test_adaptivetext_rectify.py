#!/usr/bin/env python
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""OpenCV-style binding test of cv.adaptivetext.rectifyText (the full checks: test/test_rectify.cpp)."""
import numpy as np

import cv2 as cv

from tests_common import NewOpenCVTests


class adaptivetext_rectify_test(NewOpenCVTests):

    def test_four_points_are_warp_perspective(self):
        image = cv.GaussianBlur(np.random.RandomState(5).randint(0, 256, (90, 120), np.uint8), (5, 5), 1.5)
        quad = np.float32([[10, 20], [100, 8], [110, 60], [15, 70]])
        strip = cv.adaptivetext.rectifyText(image, quad)
        h, w = strip.shape
        dst = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
        ref = cv.warpPerspective(image, cv.getPerspectiveTransform(quad, dst), (w, h), flags=cv.INTER_LINEAR,
                                 borderMode=cv.BORDER_REPLICATE)
        self.assertEqual(cv.norm(strip, ref, cv.NORM_INF), 0)

    def test_column_slice_and_odd_count(self):
        image = np.zeros((50, 60, 3), np.uint8)
        points = np.float32([[1, 1, 0], [40, 1, 0], [40, 30, 0], [1, 30, 0]])
        self.assertEqual(cv.adaptivetext.rectifyText(image, points[:, :2], height=16).shape[:2], (16, 21))  # 1 + 39 * 15 / 29
        with self.assertRaises(cv.error) as ctx:
            cv.adaptivetext.rectifyText(image, points[:3, :2])
        self.assertIn("at least 4", str(ctx.exception))


if __name__ == '__main__':
    NewOpenCVTests.bootstrap()
