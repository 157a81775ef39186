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

A remote GPU machine may get the training data carried with the working tree, under a size limit
(doc/training.md, "Training on a GPU"): `--quality` trades JPEG bytes for detail, `--limit` keeps an evenly spread subset,
and `--exclude_gt` leaves out the images of a validation split (its ground-truth folder), so that nothing
of it can be trained on there.
"""
import argparse
import os

import cv2

from .data.readers import read_uniform_split, write_uniform_gt


def _stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def select_records(records, exclude=(), limit=0):
    """Records whose image name is not in `exclude`, then at most `limit` of them (0: all) taken at even
    steps through the sorted names, so a subset keeps the split's variety and is the same on every machine."""
    exclude = set(exclude)
    kept = sorted((r for r in records if _stem(r.image_path) not in exclude), key=lambda r: _stem(r.image_path))
    if limit and len(kept) > limit:
        kept = [kept[(i * len(kept)) // limit] for i in range(limit)]
    return kept


def resize_split(src, dst, long_side, quality=95, exclude=(), limit=0):
    records = select_records(read_uniform_split(src), exclude, limit)
    if not records:
        raise SystemExit("error: no images under %s/images%s" % (src, " left after --exclude_gt" if exclude else ""))
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
        name = _stem(r.image_path)
        cv2.imwrite(os.path.join(dst, "images", name + ".jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        # write_uniform_gt rounds to integer pixels, as the format wants: half a pixel at most
        write_uniform_gt(os.path.join(dst, "gt", name + ".txt"), [p * s for p in r.polygons], r.texts)
    return len(records)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", required=True, help="uniform-format split folder (images/, gt/)")
    ap.add_argument("--dst", required=True, help="output folder; created")
    ap.add_argument("--long_side", type=int, default=1024)
    ap.add_argument("--quality", type=int, default=95, help="JPEG quality, 1-100")
    ap.add_argument("--limit", type=int, default=0, help="keep at most this many images, evenly spread (0: all)")
    ap.add_argument("--exclude_gt", help="a ground-truth folder whose images are left out (a validation split)")
    args = ap.parse_args(argv)
    if not 1 <= args.quality <= 100:
        ap.error("--quality must be in 1..100")
    exclude = [_stem(f) for f in os.listdir(args.exclude_gt)] if args.exclude_gt else []
    n = resize_split(args.src, args.dst, args.long_side, args.quality, exclude, args.limit)
    print("wrote %d images to %s" % (n, args.dst))


if __name__ == "__main__":
    main()
