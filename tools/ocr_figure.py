#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""doc/images/curved_text_ocr.jpg: the samples app's picture beside each strip and the text read from it.

    build/samples/adaptive_text_detection --input=data/samples/curved_text.jpg --output=/tmp/ocr \\
        --rectify --ocr --ocr_lang=chi_sim+eng
    /usr/bin/python3 tools/ocr_figure.py /tmp/ocr curved_text doc/images/curved_text_ocr.jpg

The app draws with OpenCV's Hershey fonts (ASCII only); here the texts are drawn with a CJK font via PIL.
"""
import os
import sys

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from training.atrr.data import resources  # noqa: E402


def main(folder, name, out):
    picture = cv2.imread(os.path.join(folder, name + ".png"))
    texts = []
    with open(os.path.join(folder, name + ".txt"), encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split(",")
            score_at = next(i for i, v in enumerate(fields) if "." in v)
            texts.append(",".join(fields[score_at + 1:]))
    path, index = resources.find_fonts()["cjk"][0]
    font = ImageFont.truetype(path, 22, index=index)
    rows = []
    for k, text in enumerate(texts):
        strip = cv2.imread(os.path.join(folder, "%s_%d.png" % (name, k)))
        strip = cv2.resize(strip, None, fx=40.0 / strip.shape[0], fy=40.0 / strip.shape[0]) \
            if strip.shape[0] <= strip.shape[1] else cv2.resize(strip, (40, 40 * strip.shape[0] // strip.shape[1]))
        canvas = Image.new("RGB", (460, strip.shape[0] + 36), "white")
        canvas.paste(Image.fromarray(cv2.cvtColor(strip[:, :460], cv2.COLOR_BGR2RGB)), (0, 0))
        ImageDraw.Draw(canvas).text((4, strip.shape[0] + 4), "%d: %s" % (k, text), font=font, fill="black")
        rows.append(cv2.cvtColor(np.asarray(canvas), cv2.COLOR_RGB2BGR))
    right = np.vstack(rows)
    height = max(picture.shape[0], right.shape[0])
    pad = lambda img: cv2.copyMakeBorder(img, 0, height - img.shape[0], 0, 0, cv2.BORDER_CONSTANT,  # noqa: E731
                                         value=(255, 255, 255))
    sheet = np.hstack([pad(picture), np.full((height, 12, 3), 255, np.uint8), pad(right)])
    cv2.imwrite(out, sheet, [cv2.IMWRITE_JPEG_QUALITY, 88])


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
