#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""test/data/text_strips: rendered strips with known text for the recogniser's tests (test/test_text_reader.cpp):
Chinese, which cv::putText cannot draw, as a row and as an upright column (vertical text, as rectifyText()
returns it), and an English line longer than the widest recogniser input, so that it is read in pieces.

    /usr/bin/python3 tools/testdata/gen_text_strips.py    # needs fonts-noto-cjk and fonts-dejavu-core

Files: <name>.png with <name>.txt holding the text (UTF-8, no newline).
"""
import os
import sys

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import OUT_DIR  # noqa: E402

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def render_row(text, font_path, size, fg=(20, 20, 20), bg=(235, 240, 245)):
    font = ImageFont.truetype(font_path, size)
    left, top, right, bottom = font.getbbox(text)
    margin = size // 4
    img = Image.new("RGB", (right - left + 2 * margin, bottom - top + 2 * margin), bg)
    ImageDraw.Draw(img).text((margin - left, margin - top), text, font=font, fill=fg)
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


def render_column(text, font_path, size, fg=(250, 250, 250), bg=(40, 60, 140)):
    """Upright glyphs stacked top to bottom, as on a vertical Chinese sign."""
    font = ImageFont.truetype(font_path, size)
    margin = size // 4
    cell = int(size * 1.15)
    img = Image.new("RGB", (size + 2 * margin, cell * len(text) + 2 * margin), bg)
    draw = ImageDraw.Draw(img)
    for i, ch in enumerate(text):
        left, top, right, bottom = font.getbbox(ch)
        x = margin + (size - (right - left)) // 2 - left
        draw.text((x, margin + i * cell - top + (cell - (bottom - top)) // 2), ch, font=font, fill=fg)
    return cv2.cvtColor(np.array(img), cv2.COLOR_RGB2BGR)


CASES = [
    ("chinese_row", "北京欢迎你", lambda t: render_row(t, CJK_FONT, 40)),
    ("chinese_column", "中文识别", lambda t: render_column(t, CJK_FONT, 40)),
    # about 1100 px wide at the recogniser's height 48: three overlapping pieces of the 640-wide input
    ("long_line", "The quick brown fox jumps over the lazy dog near the river bank",
     lambda t: render_row(t, LATIN_FONT, 36)),
]


def main():
    out = os.path.join(OUT_DIR, "text_strips")
    os.makedirs(out, exist_ok=True)
    for name, text, render in CASES:
        cv2.imwrite(os.path.join(out, name + ".png"), render(text), [cv2.IMWRITE_PNG_COMPRESSION, 9])
        with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
