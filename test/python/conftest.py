# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Fixtures for the tests of the cv2 built from OpenCV's source with our module (tools/build_with_opencv.sh).

Debian's own cv2 (python3-opencv) is also importable, so a wrong PYTHONPATH would silently test the wrong
module; the `cv2` fixture fails instead.
"""
import os

import pytest

DATA_DIR = os.environ.get("ADAPTIVETEXT_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))


@pytest.fixture(scope="session")
def cv2():
    build_dir = os.environ.get("ADAPTIVETEXT_OPENCV_BUILD_DIR")
    if not build_dir:
        pytest.fail("ADAPTIVETEXT_OPENCV_BUILD_DIR is not set: run through ctest, configured with "
                    "-DADAPTIVETEXT_OPENCV_BUILD_DIR=<dir of tools/build_with_opencv.sh>")
    import cv2 as module
    expected = os.path.realpath(os.path.join(build_dir, "lib", "python3"))
    if not os.path.realpath(module.__file__).startswith(expected + os.sep):
        pytest.fail("imported %s, not the cv2 built in %s (PYTHONPATH=%s)"
                    % (module.__file__, expected, os.environ.get("PYTHONPATH")))
    return module


@pytest.fixture
def data_path():
    def path(name):
        full = os.path.join(DATA_DIR, name)
        assert os.path.isfile(full), "%s is missing: run /usr/bin/python3 tools/testdata/generate_all.py" % full
        return full
    return path
