# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""A before/after picture of two detectors on the same frames: one row per frame, the first model's polygons
on the left, the second's on the right, each with the ground truth it matched (IoU > 0.5, one to one).

    /usr/bin/python3 tools/eval/before_after.py --images runs/data/curved_val/curved/images \\
        --gt runs/data/curved_val/curved/gt --before /tmp/a --after /tmp/b \\
        --names curvedval_0003,curvedval_0007 --labels "shipped,fine-tuned" --out doc/images/x.jpg

--before / --after are folders of the samples app's NAME.txt. Colours (BGR): detections blue with their vertex
count, ground truth found green, missed red; "###" ground truth is not drawn.
"""
import argparse
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from training.atrr.data.readers import find_image  # noqa: E402
from training.atrr.detections import match_one_to_one, read_dets, read_gt  # noqa: E402

FOUND, MISSED, DETECTION = (0, 200, 0), (0, 0, 255), (255, 80, 0)


def panel(image, gts, dets, label, width):
    """The frame with ground truth (found / missed) and detections, scaled to `width`, label on top."""
    img = image.copy()
    found = {g for _, g in match_one_to_one(dets, gts)}
    thick = max(2, img.shape[1] // 400)
    for i, (pts, care) in enumerate(gts):
        if care:
            cv2.polylines(img, [pts.astype(np.int32)], True, FOUND if i in found else MISSED, thick)
    for pts, _ in dets:
        cv2.polylines(img, [pts.astype(np.int32)], True, DETECTION, thick)
        x, y = pts.min(axis=0).astype(int)
        cv2.putText(img, str(len(pts)), (int(x), max(int(y) - 4, 12)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.5 * thick, DETECTION, thick)
    img = cv2.resize(img, (width, int(round(img.shape[0] * width / img.shape[1]))), interpolation=cv2.INTER_AREA)
    bar = np.full((28, width, 3), 255, np.uint8)
    cv2.putText(bar, label, (6, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    return np.vstack([bar, img])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", required=True)
    ap.add_argument("--gt", required=True, help="folder of NAME.txt ground truth (uniform format)")
    ap.add_argument("--before", required=True, help="the first model's detections (NAME.txt)")
    ap.add_argument("--after", required=True, help="the second model's detections (NAME.txt)")
    ap.add_argument("--names", required=True, help="comma list of frame names")
    ap.add_argument("--labels", default="before,after", help="the two panels' captions, comma separated")
    ap.add_argument("--width", type=int, default=640, help="width of one panel in pixels")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    labels = args.labels.split(",")
    if len(labels) != 2:
        raise SystemExit("error: --labels needs two captions, got %r" % args.labels)
    rows = []
    for name in args.names.split(","):
        image = cv2.imread(find_image(args.images, name))
        gts = read_gt(os.path.join(args.gt, name + ".txt"))
        pair = [panel(image, gts, read_dets(os.path.join(d, name + ".txt")), "%s: %s" % (label, name), args.width)
                for d, label in ((args.before, labels[0]), (args.after, labels[1]))]
        rows.append(np.hstack([pair[0], np.full((pair[0].shape[0], 6, 3), 255, np.uint8), pair[1]]))
    if not cv2.imwrite(args.out, np.vstack(rows), [cv2.IMWRITE_JPEG_QUALITY, 85]):
        raise SystemExit("error: could not write %s" % args.out)
    print("wrote %s (%d frames)" % (args.out, len(rows)))


if __name__ == "__main__":
    main()
