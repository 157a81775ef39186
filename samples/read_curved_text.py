#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Detect, rectify and read curved text: prints one line per detection, "score: text".

    PYTHONPATH=build-opencv/lib/python3 /usr/bin/python3 samples/read_curved_text.py IMAGE [MODEL.onnx]

Needs the cv2 built with the adaptivetext module (tools/build_with_opencv.sh). Reads with cv2.text (Tesseract)
where that cv2 has opencv_contrib's text module, else with the tesseract command (Debian: tesseract-ocr-eng).
"""
import subprocess
import sys

import cv2


def read(strip):
    """Tesseract on one strip: a text line (page segmentation mode 7), or a column for vertical text (5)."""
    psm = 5 if strip.shape[0] > strip.shape[1] else 7
    strip = cv2.copyMakeBorder(strip, 8, 8, 8, 8, cv2.BORDER_REPLICATE)  # no glyph touching the border
    if hasattr(cv2, "text"):
        return cv2.text.OCRTesseract_create(language="eng", char_whitelist="", psmode=psm).run(strip, 0, 1).strip()
    png = cv2.imencode(".png", strip)[1].tobytes()
    return subprocess.run(["tesseract", "stdin", "stdout", "--psm", str(psm), "-l", "eng"], input=png,
                          capture_output=True, check=True).stdout.decode().strip()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    detector = cv2.AdaptiveTextDetector.create(sys.argv[2] if len(sys.argv) > 2 else "")  # "": shipped model
    polygons, scores, strips = detector.detectAndRectify(cv2.imread(sys.argv[1]), height=48)
    for score, strip in zip(scores, strips):
        print("%.2f: %s" % (score, read(strip) if strip.size else ""))
