# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Curved words on real photos (training/atrr/data/curved_words.py), on tiny stand-in photo folders: same
seed same bytes, every word its own simple 10-16 point polygon in reading order that holds its ink, no
rendered word on a real label, validation seeds refused for training, the large-text slice within 30-90 %
of the frame width."""
import filecmp
import json
import os

import cv2
import numpy as np
import pytest
from shapely.geometry import Polygon

from training.atrr.data import curved_words as cw
from training.atrr.data.pointpairs import polygon_to_pairs
from training.atrr.data.readers import DONT_CARE, read_uniform_gt, read_uniform_split, write_uniform_gt
from training.atrr.geometry import polygon_areas, signed_area


def smooth_photo(rng, width, height):
    low = rng.uniform(40, 215, (2, 2, 3)).astype(np.float32)
    return cv2.resize(low, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.uint8)


def write(folder, name, image, rows):
    os.makedirs(os.path.join(folder, "images"), exist_ok=True)
    os.makedirs(os.path.join(folder, "gt"), exist_ok=True)
    cv2.imwrite(os.path.join(folder, "images", name + ".jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 95])
    with open(os.path.join(folder, "gt", name + ".txt"), "w") as f:
        for pts, text in rows:
            f.write(",".join(str(int(v)) for v in np.asarray(pts).reshape(-1)) + "," + text + "\n")


def box(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


WORDS = [(box(60, 60, 180, 90), "Grand"), (box(190, 60, 300, 90), "Hotel"), (box(400, 250, 440, 265), "###")]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("curved")
    rng = np.random.default_rng(0)
    td500 = str(root / "td500")
    for i in range(10):
        write(td500, "IMG_%04d" % i, smooth_photo(rng, 640, 480), [(box(40, 40, 260, 80), "CARE")])
    data = root / "data"
    for n in (1, 2, 801, 802, 803):
        write(str(data / "icdar2015" / "train"), "img_%d" % n, smooth_photo(rng, 640, 360), WORDS)
    write(str(data / "mlt_like" / "train"), "img_1001", smooth_photo(rng, 600, 400), WORDS[:2])
    return td500, str(data)


@pytest.fixture(scope="module")
def fonts():
    return cw.find_word_fonts()


@pytest.fixture(scope="module")
def samples(folders, fonts):
    td500, data = folders
    sources = cw.photo_sources(td500, data)
    return [cw.render_training_sample(7, i, sources, 640, fonts, record_ink=True) for i in range(10)]


def test_sources_keep_validation_photos_out(folders):
    td500, data = folders
    sources = cw.photo_sources(td500, data)
    assert [os.path.basename(p) for p, _, _ in sources["ic15"]] == ["img_1.jpg", "img_2.jpg"]
    assert len(sources["td500"]) == 9 and len(sources["mlt"]) == 1
    photos = [(p, g, k) for p, g, k in cw.photo_sources(td500, data, ("ic15",))["ic15"]]
    assert all("img_80" not in p for p, _, _ in photos)


def test_same_seed_same_files(folders, tmp_path):
    td500, data = folders
    sources = cw.photo_sources(td500, data)
    a, b, c = (str(tmp_path / k) for k in "abc")
    cw.generate(a, 3, seed=5, long_side=512, workers=1, sources=sources, progress=False)
    cw.generate(b, 3, seed=5, long_side=512, workers=2, sources=sources, progress=False)
    cw.generate(c, 3, seed=6, long_side=512, workers=1, sources=sources, progress=False)
    names = sorted(os.listdir(os.path.join(a, "gt")))
    files = ["gt/" + n for n in names] + ["images/" + n.replace(".txt", ".jpg") for n in names]
    match, mismatch, errors = filecmp.cmpfiles(a, b, files + ["manifest.json"], shallow=False)
    assert len(match) == 7 and not mismatch and not errors
    assert not filecmp.cmp(os.path.join(a, files[-1]), os.path.join(c, files[-1]), shallow=False)


def test_validation_seeds_refused(folders, tmp_path):
    td500, data = folders
    sources = cw.photo_sources(td500, data)
    for seed in (cw.VAL_CURVED_SEED, cw.VAL_LARGE_SEED, cw.VALIDATION_SEEDS.start, cw.VALIDATION_SEEDS.stop - 1):
        with pytest.raises(ValueError, match="validation"):
            cw.generate(str(tmp_path / "x"), 1, seed=seed, sources=sources, progress=False)
        with pytest.raises(ValueError, match="validation"):
            cw.render_training_sample(seed, 0, sources)
    with pytest.raises(ValueError):
        cw.main(["generate", "--count", "1", "--out", str(tmp_path / "y"), "--seed", str(cw.VAL_CURVED_SEED)])
    cw.check_training_seed(cw.VALIDATION_SEEDS.start - 1)  # just outside the range: allowed


def test_word_polygons(samples, tmp_path):
    words = [w for s in samples for w in s[2]]
    assert len(words) >= 20
    assert {w.kind for w in words} >= {"arc", "circle", "wave"}
    for w in words:
        n = len(w.polygon)
        assert n % 2 == 0 and 10 <= n <= 16, n
        assert Polygon(w.polygon).is_valid, "self-intersecting polygon for %r" % w.text
        assert signed_area(w.polygon) > 0  # clockwise on screen: the pair reader keeps p0 first
        pairs = polygon_to_pairs(w.polygon)
        np.testing.assert_allclose(pairs[:, :2], w.polygon[:n // 2], atol=1e-3)  # top boundary first
        if np.linalg.norm(w.first - w.last) > 4:  # reading order: the first pair is at the first glyph
            start = 0.5 * (pairs[0, :2] + pairs[0, 2:])
            assert np.linalg.norm(start - w.first) < np.linalg.norm(start - w.last), w.text
    # the uniform format keeps every point, numbers as transcriptions included
    path = str(tmp_path / "gt.txt")
    write_uniform_gt(path, [w.polygon for w in words], [w.text for w in words])
    record = read_uniform_gt(path, "unused.jpg")
    assert record.texts == [w.text for w in words]
    for got, w in zip(record.polygons, words):
        assert len(got) == len(w.polygon) and np.abs(got - w.polygon).max() <= 0.5


def test_polygon_holds_the_ink(samples):
    checked = 0
    for image, _, words, _ in samples:
        height, width = image.shape[:2]
        for w in words:
            x, y, mask = w.ink
            ink = np.zeros((height, width), bool)
            h, wd = mask.shape
            x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + wd, width), min(y + h, height)
            ink[y0:y1, x0:x1] = mask[y0 - y:y1 - y, x0 - x:x1 - x]
            if ink.sum() < 20:
                continue
            inside = np.zeros((height, width), np.uint8)
            cv2.fillPoly(inside, [np.round(w.polygon).astype(np.int32)], 1)
            assert inside[ink].mean() >= 0.9, (w.text, w.kind, inside[ink].mean())
            checked += 1
    assert checked >= 20


def test_no_word_on_real_text(samples):
    for _, (real, _), words, _ in samples:
        assert real, "the stand-in photos all have labels"
        for i, w in enumerate(words):
            for r in real:
                assert polygon_areas(w.polygon, r)[2] == 0, "a rendered word covers a real label"
            for other in words[i + 1:]:
                assert polygon_areas(w.polygon, other.polygon)[2] < 1e-6, "two rendered words overlap"


def test_td500_lines_become_dont_care(samples):
    for _, (real, texts), _, photo in samples:
        if "td500" in photo:
            assert texts == [DONT_CARE]
        else:
            assert "Grand" in texts


def test_validation_folders(folders, fonts, tmp_path):
    td500, data = folders
    photos = [(p, g, "ic15") for p, g in cw.realbg._listing(os.path.join(data, "icdar2015", "train"))
              if os.path.basename(p).startswith("img_80")]
    out = str(tmp_path / "val")
    result = cw.generate_validation(out, curved_count=2, large_count=4, workers=1, photos=photos, progress=False)
    curved = read_uniform_split(os.path.join(out, "curved"))
    assert len(curved) == 2
    for record in curved:
        rendered = [t for t in record.texts if t != DONT_CARE]
        assert len(rendered) >= 2 and record.texts.count(DONT_CARE) == len(WORDS)  # real labels all ###
    for m in result["curved"].values():
        assert {w["kind"] for w in m["words"]} <= set(cw.CURVED_KINDS)
        assert os.path.basename(m["photo"]) in {"img_801.jpg", "img_802.jpg", "img_803.jpg"}
    large = os.path.join(out, "large")
    assert sorted(result["large"]) == ["largeval_%04d" % i for i in range(4)]
    for name, m in result["large"].items():
        image = cv2.imread(os.path.join(large, "images", name + ".jpg"))
        width = image.shape[1]
        lines = read_uniform_gt(os.path.join(large, "gt_lines", name + ".txt"), "")
        rendered = [p for p, t in zip(lines.polygons, lines.texts) if t != DONT_CARE]
        assert len(rendered) == 1 and len(m["lines"]) == 1
        share = np.ptp(rendered[0][:, 0]) / width
        assert cw.LARGE_WIDTH[0] - 0.005 <= share <= cw.LARGE_WIDTH[1] + 0.005, share
        words = [w for w in m["words"]]
        assert len(words) == 1 if int(name[-4:]) % 2 == 0 else len(words) >= 2
        if len(words) == 1:
            assert cw.LARGE_WIDTH[0] <= words[0]["width_share"] <= cw.LARGE_WIDTH[1]
    with open(os.path.join(large, "curved_config.json")) as f:
        assert json.load(f)["seed"] == cw.VAL_LARGE_SEED
