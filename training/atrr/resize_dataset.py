# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Writes a copy of a uniform-format split (doc/data.md) with every image shrunk to a given long side and
its polygons scaled to match.

Why: MSRA-TD500 photographs are 1728-1920 px wide. Training crops are 384-640 px, so each sample would
decode and rotate a 2-Mpixel JPEG only to throw most pixels away; on 2 CPU cores that made the data loader,
not the network, the bottleneck. A 1024-px copy keeps more detail than any training crop uses.

    python3 -m training.atrr.resize_dataset --src ../shared/datasets/msra_td500/train \\
        --dst runs/data/td500_train_1024 --long_side 1024

Images already smaller keep their size (re-encoded as JPEG). Names, transcriptions and don't-care marks are kept.
"""
import argparse
import os

import cv2

from .data.readers import read_uniform_split, write_uniform_gt


def resize_split(src, dst, long_side, quality=95):
    records = read_uniform_split(src)
    if not records:
        raise SystemExit("error: no images under %s/images" % src)
    os.makedirs(os.path.join(dst, "images"), exist_ok=True)
    os.makedirs(os.path.join(dst, "gt"), exist_ok=True)
    for r in records:
        image = cv2.imread(r.image_path, cv2.IMREAD_COLOR)
        if image is None:
            raise SystemExit("error: cannot read %s" % r.image_path)
        s = min(1.0, float(long_side) / max(image.shape[:2]))
        if s < 1.0:
            size = (int(round(image.shape[1] * s)), int(round(image.shape[0] * s)))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        name = os.path.splitext(os.path.basename(r.image_path))[0]
        cv2.imwrite(os.path.join(dst, "images", name + ".jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        # write_uniform_gt rounds to integer pixels, as the format wants: half a pixel at most
        write_uniform_gt(os.path.join(dst, "gt", name + ".txt"), [p * s for p in r.polygons], r.texts)
    return len(records)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", required=True, help="uniform-format split folder (images/, gt/)")
    ap.add_argument("--dst", required=True, help="output folder; created")
    ap.add_argument("--long_side", type=int, default=1024)
    args = ap.parse_args(argv)
    n = resize_split(args.src, args.dst, args.long_side)
    print("wrote %d images to %s" % (n, args.dst))


if __name__ == "__main__":
    main()
