#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Tesseract's (or the recogniser's, --reader recognizer) character accuracy on synthetic curved English text:
rectified strips (cv2.adaptivetext.rectifyText on the generator's ground-truth point pairs) against plain axis-aligned
bounding-box crops of the same lines (doc/recognition.md).

    PYTHONPATH=build-opencv/lib/python3 /usr/bin/python3 tools/measure_recognition.py [--images 60] [--seed 12]
        [--reader tesseract|recognizer]

Lines: English, readable (not "###"), curved (the generator needed >= 3 point pairs), from arc-only images
of training/atrr/data/synth.py with procedural backgrounds and no perspective. Both inputs are scaled so the
text is 48 px high and get the same replicated 8 px border; Tesseract reads them as one line (PSM 7) with
English data, through cv2.text where this cv2 has it, else the `tesseract` command (Debian: tesseract-ocr).
Character accuracy = max(0, 1 - edit distance / length of the truth), lower case, blanks collapsed.
Lines that rectifyText returns as columns (reading downwards) are turned back into lines: they are Latin.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import cv2  # noqa: E402
from training.atrr.data import synth  # noqa: E402

TEXT_HEIGHT = 48


def normalise(text):
    return " ".join(text.lower().split())


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(b) + 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1]))
    return row[len(b)]


def accuracy(read, truth):
    read, truth = normalise(read), normalise(truth)
    return max(0.0, 1.0 - edit_distance(read, truth) / max(1, len(truth)))


def tesseract(image):
    """One text line read by Tesseract (English)."""
    image = cv2.copyMakeBorder(image, 8, 8, 8, 8, cv2.BORDER_REPLICATE)
    if hasattr(cv2, "text"):  # "" whitelist: see samples/text_reading.hpp
        return cv2.text.OCRTesseract_create(language="eng", char_whitelist="", psmode=7).run(image, 0, 1)
    ok, png = cv2.imencode(".png", image)
    assert ok
    done = subprocess.run(["tesseract", "stdin", "stdout", "--psm", "7", "-l", "eng"], input=png.tobytes(),
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8", "replace")


def curved_lines(images, seed):
    cfg = synth.SynthConfig(chinese_prob=0.0, arc_prob=1.0, wave_prob=0.0, perspective_prob=0.0,
                            word_instance_prob=0.0, tiny_text_prob=0.0, use_photos=False)
    for index in range(images):
        image, instances, _ = synth.render_sample(seed, index, cfg)
        for polygon, text, ignore in instances:
            if not ignore and len(polygon) >= 6:
                yield image, np.asarray(polygon, np.float32), text


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--images", type=int, default=60, help="synthetic images to render")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--verbose", action="store_true", help="print every line's readings")
    p.add_argument("--reader", choices=("tesseract", "recognizer"), default="tesseract",
                   help="tesseract, or the scene-text recogniser (cv2.adaptivetext.TextReader, "
                        "tools/install_recognizer.sh)")
    args = p.parse_args(argv)
    if not hasattr(cv2, "adaptivetext"):
        sys.exit("this cv2 (%s) has no adaptivetext module: PYTHONPATH=build-opencv/lib/python3" % cv2.__file__)
    read = tesseract
    if args.reader == "recognizer":
        read = cv2.adaptivetext.TextReader.create().read  # cv2.error naming the setup when not installed
    rectified, cropped = [], []
    for image, polygon, truth in curved_lines(args.images, args.seed):
        h, w = image.shape[:2]
        polygon[:, 0] = np.clip(polygon[:, 0], 0, w - 1)
        polygon[:, 1] = np.clip(polygon[:, 1], 0, h - 1)
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        strip = cv2.adaptivetext.rectifyText(gray, polygon, height=TEXT_HEIGHT)
        if strip.shape[0] > strip.shape[1]:
            # A line reading downwards comes as an upright column (vertical text); these lines are Latin, whose
            # glyphs turn with the line, so turn the column back into a line.
            strip = cv2.rotate(strip, cv2.ROTATE_90_COUNTERCLOCKWISE)
        n = len(polygon) // 2
        pair = float(np.mean(np.linalg.norm(polygon[:n] - polygon[::-1][:n], axis=1)))
        x, y, bw, bh = cv2.boundingRect(polygon)
        crop = cv2.resize(gray[y:y + bh, x:x + bw], None, fx=TEXT_HEIGHT / pair, fy=TEXT_HEIGHT / pair,
                          interpolation=cv2.INTER_CUBIC)
        read_strip, read_crop = read(strip), read(crop)
        rectified.append(accuracy(read_strip, truth))
        cropped.append(accuracy(read_crop, truth))
        if args.verbose:
            print("%-40s | %-40s %.2f | %-40s %.2f" % (truth, normalise(read_strip), rectified[-1],
                                                        normalise(read_crop), cropped[-1]))
    name = ("cv2.adaptivetext.TextReader" if args.reader == "recognizer" else
            "cv2.text.OCRTesseract" if hasattr(cv2, "text") else "tesseract command")
    print("reader: %s; %d curved English lines from %d images (seed %d)" % (name, len(rectified), args.images,
                                                                           args.seed))
    for name, values in (("rectified strips", rectified), ("bounding-box crops", cropped)):
        v = np.asarray(values)
        print("%-19s mean %.3f  median %.3f  lines >= 0.9: %d%%" % (name, v.mean(), np.median(v),
                                                                   round(100 * np.mean(v >= 0.9))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
