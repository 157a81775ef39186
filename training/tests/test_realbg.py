# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Synthesis onto real photos (training/atrr/data/realbg.py) on tiny stand-in photo folders: validation
photos are never used, the real labels come through merged to lines, rendered text never covers them, the
same seed gives the same files whatever the worker count."""
import filecmp
import json
import os

import cv2
import numpy as np
import pytest

from training.atrr.data import realbg
from training.atrr.data.dataset import load_uniform, split_train_val
from training.atrr.data.readers import read_uniform_split
from training.atrr.geometry import polygon_areas, polygon_iou


def smooth_photo(rng, width, height):
    """A smooth colour gradient (JPEG keeps it nearly exact, so pixel changes can be measured)."""
    low = rng.uniform(40, 215, (2, 2, 3)).astype(np.float32)
    return cv2.resize(low, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.uint8)


def write(folder, name, image, rows):
    os.makedirs(os.path.join(folder, "images"), exist_ok=True)
    os.makedirs(os.path.join(folder, "gt"), exist_ok=True)
    cv2.imwrite(os.path.join(folder, "images", name + ".jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 98])
    with open(os.path.join(folder, "gt", name + ".txt"), "w") as f:
        for pts, text in rows:
            f.write(",".join(str(int(v)) for v in np.asarray(pts).reshape(-1)) + "," + text + "\n")


def box(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


# two words of one line (gap 10 px = 0.25 of their height 40) and a lone ### word
IC15_WORDS = [(box(100, 100, 300, 140), "Grand"), (box(310, 100, 500, 140), "Hotel"),
              (box(700, 600, 760, 620), "###")]
IC15_LINES = [box(100, 100, 500, 140), box(700, 600, 760, 620)]  # worked by hand from the words above


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("realbg")
    rng = np.random.default_rng(0)
    td500 = str(root / "td500")
    for i in range(10):
        write(td500, "IMG_%04d" % i, smooth_photo(rng, 800, 600), [(box(50, 50, 300, 90), "CARE")])
    data = root / "data"
    for n in (1, 801):
        write(str(data / "icdar2015" / "train"), "img_%d" % n, smooth_photo(rng, 1280, 720), IC15_WORDS)
    write(str(data / "mlt_like" / "train"), "img_1001", smooth_photo(rng, 960, 640), IC15_WORDS)
    return td500, str(data)


def test_sources_leave_out_the_validation_photos(folders):
    td500, data = folders
    sources = realbg.photo_sources(td500, data)
    _, val = split_train_val(load_uniform(td500), 0.1, 0)
    used = {p for items in sources.values() for p, _, _ in items}
    assert len(val) == 1 and val[0].image_path not in used
    assert len(sources["td500"]) == 9
    assert [os.path.basename(p) for p, _, _ in sources["ic15"]] == ["img_1.jpg"]
    assert all(params is not None for _, _, params in sources["ic15"] + sources["mlt"])
    assert all(params is None for _, _, params in sources["td500"])


def test_generated_scenes(folders, tmp_path):
    td500, data = folders
    sources = realbg.photo_sources(td500, data)
    out = str(tmp_path / "a")
    manifest = realbg.generate(out, 12, seed=3, long_side=512, workers=1, sources=sources, progress=False)
    records = {os.path.splitext(os.path.basename(r.image_path))[0]: r for r in read_uniform_split(out)}
    assert sorted(records) == ["realbg_%06d" % i for i in range(12)]
    kinds = set()
    for name, record in records.items():
        photo_path = manifest[name]["photo"]
        kinds.add(os.path.basename(os.path.dirname(os.path.dirname(photo_path))))
        image = cv2.imread(record.image_path)
        photo = cv2.imread(photo_path)
        scale = 512.0 / max(photo.shape[:2])
        assert max(image.shape[:2]) == 512
        if "td500" in photo_path:
            expected = [box(50, 50, 300, 90) * scale]
        else:
            expected = [b * scale for b in IC15_LINES]
        real, synthetic = record.polygons[:len(expected)], record.polygons[len(expected):]
        for got, want in zip(real, expected):  # the real labels, merged to lines by hand above
            assert polygon_iou(got, want) > 0.95
        if "td500" not in photo_path:
            assert record.texts[:2] == ["Grand Hotel", "###"]
        assert synthetic, "at least one rendered line fits in these mostly empty photos"
        for poly in synthetic:
            for r in real:
                assert polygon_areas(poly, r)[2] == 0, "a rendered line overlaps a real one"
        # the pixels under the real labels are the photo's (JPEG aside); under the rendered ones, not
        resized = cv2.resize(photo, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_AREA)
        diff = np.abs(image.astype(np.int16) - resized.astype(np.int16)).max(axis=2)
        real_mask = np.zeros(diff.shape, np.uint8)
        cv2.fillPoly(real_mask, [np.round(p).astype(np.int32) for p in real], 1)
        assert np.percentile(diff[real_mask > 0], 99) <= 12
    assert len(kinds) >= 2, kinds


def test_same_seed_same_files(folders, tmp_path):
    td500, data = folders
    sources = realbg.photo_sources(td500, data)
    a, b, c = (str(tmp_path / k) for k in "abc")
    realbg.generate(a, 4, seed=5, long_side=384, workers=1, sources=sources, progress=False)
    realbg.generate(b, 4, seed=5, long_side=384, workers=2, sources=sources, progress=False)
    realbg.generate(c, 4, seed=6, long_side=384, workers=1, sources=sources, progress=False)
    names = sorted(os.listdir(os.path.join(a, "gt")))
    files = ["gt/" + n for n in names] + ["images/" + n.replace(".txt", ".jpg") for n in names]
    match, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    assert len(match) == 8 and not mismatch and not errors
    assert not filecmp.cmp(os.path.join(a, files[-1]), os.path.join(c, files[-1]), shallow=False)
    with open(os.path.join(a, "realbg_config.json")) as f:
        assert json.load(f)["seed"] == 5
