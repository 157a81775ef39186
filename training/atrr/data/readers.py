# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Ground-truth readers. Every reader returns `TextRecord`s: one image path, its polygons (float32 (n, 2),
first point = start of the top boundary), ignore flags and transcriptions.

Formats (doc/data.md has examples of each):
- uniform (../shared/datasets): `images/NAME.ext` + `gt/NAME.txt`, `x1,y1,...,xn,yn,TRANSCRIPTION`;
- ICDAR 2015: `gt_img_N.txt` beside `img_N.jpg`, UTF-8 with BOM, 8 coordinates + transcription;
- CTW1500: train `.xml` (`<box>` with `<segs>` = 14 absolute points) and `.txt` (32 values: the bounding
  box `xmin,ymin,xmax,ymax` then 14 points as offsets from `(xmin, ymin)`); the later test labels
  `x1,y1,...,xn,yn,####TEXT` are read as well;
- Total-Text: `poly_gt_imgN.txt`, `x: [[...]], y: [[...]], ornt: [u'c'], transcriptions: [u'...']`;
- MSRA-TD500: `.gt`, `index difficult x y w h angle`: a w x h box at top-left (x, y) rotated by `angle`
  radians about its centre; difficult = 1 is a don't-care region.
`###` (or Total-Text's `#`) marks a don't-care region: ignored by the losses, not background.
"""
import glob
import math
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import List

import numpy as np

DONT_CARE = "###"
IMAGE_EXTENSIONS = (".jpg", ".JPG", ".jpeg", ".JPEG", ".png", ".PNG", ".bmp", ".gif")


@dataclass
class TextRecord:
    image_path: str
    polygons: List[np.ndarray] = field(default_factory=list)  # float32 (n, 2) each
    ignore: List[bool] = field(default_factory=list)
    texts: List[str] = field(default_factory=list)

    def add(self, points, text, ignore=None):
        pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
        if len(pts) < 3:
            return  # not an area; no dataset below gives one on purpose
        self.polygons.append(pts)
        self.texts.append(text)
        self.ignore.append(bool(text == DONT_CARE) if ignore is None else bool(ignore))


def _is_number(token):
    try:
        float(token)
        return True
    except ValueError:
        return False


def parse_uniform_line(line):
    """`x1,y1,...,xn,yn,TEXT` -> (points (n, 2) float32, text) or None for an empty line.

    Leading numeric fields are coordinates; when their count is odd the last one belongs to the transcription
    (a transcription may be a number). Everything after the coordinates, commas included, is the text."""
    line = line.strip().lstrip("\ufeff")
    if not line:
        return None
    fields = line.split(",")
    count = 0
    while count < len(fields) and _is_number(fields[count].strip()):
        count += 1
    if count % 2 == 1:
        count -= 1
    if count < 6:
        raise ValueError("expected at least 3 coordinate pairs before the transcription in %r" % line)
    coords = np.array([float(f) for f in fields[:count]], dtype=np.float32).reshape(-1, 2)
    return coords, ",".join(fields[count:]).strip()


def _nonblank_lines(path):
    """The stripped non-empty lines of a text file (a leading BOM dropped, as the official files have one)."""
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            line = line.strip()
            if line:
                yield line


def find_image(folder, stem):
    """The image NAME.ext of a uniform-format folder, whichever of IMAGE_EXTENSIONS it has."""
    for ext in IMAGE_EXTENSIONS:
        path = os.path.join(folder, stem + ext)
        if os.path.exists(path):
            return path
    raise FileNotFoundError("no image named %s.* in %s" % (stem, folder))


def read_uniform_gt(gt_path, image_path):
    record = TextRecord(image_path)
    with open(gt_path, encoding="utf-8-sig") as f:
        for line in f:
            parsed = parse_uniform_line(line)
            if parsed is not None:
                record.add(*parsed)
    return record


def read_uniform_split(split_dir):
    """A folder of the uniform format (`images/`, `gt/`), e.g. ../shared/datasets/msra_td500/train."""
    gt_files = sorted(glob.glob(os.path.join(split_dir, "gt", "*.txt")))
    if not gt_files:
        raise FileNotFoundError("no gt/*.txt under %s" % split_dir)
    images = os.path.join(split_dir, "images")
    return [read_uniform_gt(g, find_image(images, os.path.splitext(os.path.basename(g))[0])) for g in gt_files]


def read_icdar2015(image_dir, gt_dir):
    """ICDAR 2015 Challenge 4: `gt_dir/gt_img_N.txt` for `image_dir/img_N.jpg`."""
    records = []
    for gt in sorted(glob.glob(os.path.join(gt_dir, "gt_*.txt"))):
        stem = os.path.splitext(os.path.basename(gt))[0][len("gt_"):]
        record = TextRecord(find_image(image_dir, stem))
        for line in _nonblank_lines(gt):
            fields = line.split(",")
            if len(fields) < 9:
                raise ValueError("%s: expected 8 coordinates and a transcription in %r" % (gt, line))
            record.add([float(v) for v in fields[:8]], ",".join(fields[8:]))
        records.append(record)
    return records


def read_ctw1500_xml(xml_path, image_dir):
    """CTW1500 train annotation: `<image file=...><box ...><label>T</label><segs>28 values</segs>`."""
    records = []
    for image in ET.parse(xml_path).getroot().iter("image"):
        record = TextRecord(os.path.join(image_dir, image.get("file")))
        for box in image.iter("box"):
            values = [float(v) for v in box.findtext("segs").replace(" ", "").split(",") if v]
            if len(values) % 2:
                raise ValueError("%s: odd number of <segs> values for %s" % (xml_path, image.get("file")))
            label = (box.findtext("label") or "").strip()
            record.add(values, label if label else "CARE")
        records.append(record)
    return records


def read_ctw1500_txt(txt_path, image_path):
    """CTW1500 txt: 32 values (bounding box + 14 offset points), or the test-style `x1,y1,...,####TEXT`."""
    record = TextRecord(image_path)
    for line in _nonblank_lines(txt_path):
        if "####" in line:
            coords, text = line.split("####", 1)
            values = [float(v) for v in coords.strip(", ").split(",")]
            record.add(values, DONT_CARE if text == "###" or not text else text)
            continue
        values = [float(v) for v in line.split(",")]
        if len(values) != 32:
            raise ValueError("%s: expected 32 values (box + 14 offset points), got %d" % (txt_path, len(values)))
        offsets = np.asarray(values[4:], dtype=np.float32).reshape(-1, 2)
        record.add(offsets + np.asarray(values[:2], dtype=np.float32), "CARE")
    return record


_TOTALTEXT_ENTRY = re.compile(
    r"x:\s*\[\[(?P<x>[^\]]*)\]\]\s*,\s*y:\s*\[\[(?P<y>[^\]]*)\]\]"
    r"(?:\s*,\s*ornt:\s*\[\s*u?(?P<oq>['\"])(?P<ornt>.*?)(?P=oq)\s*\])?"
    r"(?:\s*,\s*transcriptions:\s*\[\s*u?(?P<tq>['\"])(?P<text>.*?)(?P=tq)\s*\])?", re.S)


def read_totaltext(gt_path, image_path):
    """Total-Text `poly_gt_*.txt`; an entry may wrap over several lines. `#` text or orientation = don't care."""
    with open(gt_path, encoding="utf-8-sig") as f:
        content = f.read()
    record = TextRecord(image_path)
    for m in _TOTALTEXT_ENTRY.finditer(content):
        xs = [float(v) for v in m.group("x").split()]
        ys = [float(v) for v in m.group("y").split()]
        if len(xs) != len(ys):
            raise ValueError("%s: %d x values but %d y values" % (gt_path, len(xs), len(ys)))
        text = m.group("text") or ""
        ignore = text in ("#", DONT_CARE) or m.group("ornt") == "#"
        record.add(np.stack([xs, ys], axis=1), DONT_CARE if ignore else text)
    return record


def td500_corners(x, y, w, h, angle):
    """TL, TR, BR, BL of the w x h box at (x, y) after rotating it by `angle` radians about its centre
    (image coordinates: a positive angle turns clockwise on screen)."""
    cx, cy = x + w / 2.0, y + h / 2.0
    c, s = math.cos(angle), math.sin(angle)
    corners = []
    for dx, dy in ((-w / 2.0, -h / 2.0), (w / 2.0, -h / 2.0), (w / 2.0, h / 2.0), (-w / 2.0, h / 2.0)):
        corners.append((cx + c * dx - s * dy, cy + s * dx + c * dy))
    return np.asarray(corners, dtype=np.float32)


def read_td500_gt(gt_path, image_path):
    record = TextRecord(image_path)
    for line in _nonblank_lines(gt_path):
        fields = line.split()
        if len(fields) != 7:
            raise ValueError("%s: expected 'index difficult x y w h angle', got %r" % (gt_path, line))
        _, difficult, x, y, w, h, angle = fields
        ignore = int(difficult) == 1
        record.add(td500_corners(float(x), float(y), float(w), float(h), float(angle)),
                   DONT_CARE if ignore else "CARE")
    return record


def read_td500_dir(folder):
    """Official MSRA-TD500 layout: `IMG_N.JPG` and `IMG_N.gt` side by side."""
    gts = sorted(glob.glob(os.path.join(folder, "*.gt")))
    if not gts:
        raise FileNotFoundError("no *.gt files in %s" % folder)
    return [read_td500_gt(g, find_image(folder, os.path.splitext(os.path.basename(g))[0])) for g in gts]


def write_uniform_gt(path, polygons, texts):
    """Writes the uniform format with integer coordinates (what ../shared/datasets holds)."""
    with open(path, "w", encoding="utf-8") as f:
        for poly, text in zip(polygons, texts):
            coords = np.rint(np.asarray(poly, dtype=np.float64).reshape(-1)).astype(np.int64)
            f.write(",".join(str(int(v)) for v in coords) + "," + text + "\n")
