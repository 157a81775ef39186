# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Every reader on small hand-written files of its native format (training/tests/data); expected values are
the numbers written in those files, or worked by hand where the format needs arithmetic."""
import math
import os

import numpy as np
import pytest

from training.atrr.data import readers

DATA = os.path.join(os.path.dirname(__file__), "data")
SHARED_TD500 = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "datasets", "msra_td500", "train")


def test_uniform_line_rules():
    pts, text = readers.parse_uniform_line("1,2,3,4,5,6,7,8,Hello, world\n")
    assert pts.shape == (4, 2) and text == "Hello, world"
    # an odd count of leading numbers: the last one is the transcription
    pts, text = readers.parse_uniform_line("1,2,3,4,5,6,7,8,2019")
    assert pts.shape == (4, 2) and text == "2019"
    pts, text = readers.parse_uniform_line("\ufeff0,0,10,0,10,5,0,5,###")
    assert text == "###" and pts[2].tolist() == [10, 5]
    assert readers.parse_uniform_line("  \n") is None
    with pytest.raises(ValueError):
        readers.parse_uniform_line("1,2,abc")


def test_uniform_split():
    records = readers.read_uniform_split(os.path.join(DATA, "uniform"))
    assert len(records) == 1
    r = records[0]
    assert r.image_path.endswith("sample_1.png") and os.path.exists(r.image_path)
    assert r.texts == ["CARE", "###", "Hello, world", "2019", "Exit"]
    assert r.ignore == [False, True, False, False, False]
    assert [len(p) for p in r.polygons] == [4, 4, 4, 4, 5]
    assert all(p.dtype == np.float32 for p in r.polygons)
    np.testing.assert_array_equal(r.polygons[0], [[10, 10], [60, 10], [60, 30], [10, 30]])


def test_icdar2015_bom_crlf_and_commas():
    r, = readers.read_icdar2015(os.path.join(DATA, "icdar2015"), os.path.join(DATA, "icdar2015"))
    assert r.image_path.endswith("img_7.jpg")
    assert r.texts == ["Genaxis Theatre", "###", "62-03,A"]
    assert r.ignore == [False, True, False]
    np.testing.assert_array_equal(r.polygons[0], [[377, 117], [463, 117], [465, 130], [378, 130]])


def test_ctw1500_xml():
    r, = readers.read_ctw1500_xml(os.path.join(DATA, "ctw1500", "0001.xml"), os.path.join(DATA, "ctw1500"))
    assert r.image_path.endswith("0001.jpg")
    assert [len(p) for p in r.polygons] == [14, 14]
    assert r.texts == ["CURVED", "CARE"] and r.ignore == [False, False]
    np.testing.assert_array_equal(r.polygons[0][0], [10, 40])
    np.testing.assert_array_equal(r.polygons[0][13], [20, 60])


def test_ctw1500_txt_offsets_and_test_style():
    r = readers.read_ctw1500_txt(os.path.join(DATA, "ctw1500", "0002.txt"), "0002.jpg")
    p, = r.polygons
    assert p.shape == (14, 2)
    # offsets are relative to (xmin, ymin) = (100, 200)
    np.testing.assert_array_equal(p[0], [100, 200])
    np.testing.assert_array_equal(p[6], [160, 200])
    np.testing.assert_array_equal(p[7], [160, 230])
    np.testing.assert_array_equal(p[13], [100, 230])
    r = readers.read_ctw1500_txt(os.path.join(DATA, "ctw1500", "1001.txt"), "1001.jpg")
    assert r.texts == ["BIG SALE", "###"] and r.ignore == [False, True]
    assert [len(p) for p in r.polygons] == [6, 4]


def test_totaltext_wrapped_entry_and_dont_care():
    r = readers.read_totaltext(os.path.join(DATA, "totaltext", "poly_gt_img11.txt"), "img11.jpg")
    assert r.texts == ["nauGHTY", "SPEC, IAL", "###"]
    assert r.ignore == [False, False, True]
    assert [len(p) for p in r.polygons] == [4, 10, 4]
    np.testing.assert_array_equal(r.polygons[1][5], [1015, 261])
    np.testing.assert_array_equal(r.polygons[0][1], [503, 346])


def test_td500_rotated_rectangles():
    r, = readers.read_td500_dir(os.path.join(DATA, "td500"))
    assert r.image_path.endswith("IMG_0001.JPG")
    assert r.ignore == [False, True]
    # angle 0: the box itself, TL, TR, BR, BL
    np.testing.assert_allclose(r.polygons[0], [[10, 20], [50, 20], [50, 30], [10, 30]], atol=1e-4)
    # 20 x 10 box at (0, 0), centre (10, 5), turned 90 degrees clockwise on screen (worked by hand):
    # the top edge now runs downwards on the right
    np.testing.assert_allclose(r.polygons[1], [[15, -5], [15, 15], [5, 15], [5, -5]], atol=1e-4)


def test_td500_corners_keep_size():
    c = readers.td500_corners(100, 50, 80, 20, math.radians(30))
    assert np.linalg.norm(c[1] - c[0]) == pytest.approx(80, abs=1e-3)
    assert np.linalg.norm(c[3] - c[0]) == pytest.approx(20, abs=1e-3)
    np.testing.assert_allclose(c.mean(axis=0), [140, 60], atol=1e-4)


def test_write_then_read_uniform(tmp_path):
    polys = [np.float32([[0.4, 1.6], [10, 1], [10, 8], [0, 8]])]
    path = tmp_path / "x.txt"
    readers.write_uniform_gt(str(path), polys, ["a,b"])
    assert path.read_text(encoding="utf-8") == "0,2,10,1,10,8,0,8,a,b\n"
    r = readers.read_uniform_gt(str(path), "x.png")
    assert r.texts == ["a,b"]


@pytest.mark.skipif(not os.path.isdir(SHARED_TD500), reason="../shared/datasets not present")
def test_shared_td500_counts():
    """The README of ../shared/datasets states 1068 instances (967 care / 101 ###) in 300 train images."""
    records = readers.read_uniform_split(SHARED_TD500)
    assert len(records) == 300
    ignore = np.concatenate([np.asarray(r.ignore, bool) for r in records])
    assert len(ignore) == 1068 and int((~ignore).sum()) == 967


def test_resize_dataset_scales_images_and_polygons(tmp_path):
    """The hand-written 120x60 sample shrunk to long side 60: every coordinate halves (worked by hand)."""
    import cv2
    from training.atrr.resize_dataset import resize_split
    src = os.path.join(DATA, "uniform")
    original = cv2.imread(readers.read_uniform_split(src)[0].image_path)
    assert resize_split(src, str(tmp_path), long_side=max(original.shape[:2]) // 2) == 1
    out = readers.read_uniform_split(str(tmp_path))[0]
    small = cv2.imread(out.image_path)
    assert small.shape[:2] == (original.shape[0] // 2, original.shape[1] // 2)
    assert out.texts == ["CARE", "###", "Hello, world", "2019", "Exit"]
    assert out.ignore == [False, True, False, False, False]
    np.testing.assert_array_equal(out.polygons[0], [[5, 5], [30, 5], [30, 15], [5, 15]])
    # a long side above the image's keeps its size and coordinates
    resize_split(src, str(tmp_path / "same"), long_side=10 * max(original.shape[:2]))
    same = readers.read_uniform_split(str(tmp_path / "same"))[0]
    assert cv2.imread(same.image_path).shape == original.shape
    np.testing.assert_array_equal(same.polygons[0], [[10, 10], [60, 10], [60, 30], [10, 30]])


def test_resize_dataset_subset_is_even_and_leaves_out_the_excluded():
    """--limit keeps names at even steps through the sorted list, after --exclude_gt's names are removed:
    10 names a..j without b and e leave a c d f g h i j; 4 of those 8 are indices 0, 2, 4, 6 (worked by hand)."""
    from training.atrr.resize_dataset import select_records
    records = [readers.TextRecord(image_path="/x/%s.jpg" % n, polygons=[], ignore=[], texts=[]) for n in "jihgfedcba"]
    kept = select_records(records, exclude=["b", "e"], limit=4)
    assert [os.path.basename(r.image_path) for r in kept] == ["a.jpg", "d.jpg", "g.jpg", "i.jpg"]
    assert len(select_records(records, exclude=[], limit=0)) == 10
    assert len(select_records(records, exclude=[], limit=50)) == 10


def test_resize_dataset_cli_quality_and_exclude(tmp_path):
    """The CLI: a lower JPEG quality writes a smaller file; an excluded name is not written at all."""
    from training.atrr.resize_dataset import main
    src = os.path.join(DATA, "uniform")
    main(["--src", src, "--dst", str(tmp_path / "q95"), "--long_side", "4096"])
    main(["--src", src, "--dst", str(tmp_path / "q30"), "--long_side", "4096", "--quality", "30"])
    name = os.listdir(tmp_path / "q95" / "images")[0]
    assert os.path.getsize(tmp_path / "q30" / "images" / name) < os.path.getsize(tmp_path / "q95" / "images" / name)
    gt = tmp_path / "val_gt"
    gt.mkdir()
    (gt / (os.path.splitext(name)[0] + ".txt")).write_text("")
    with pytest.raises(SystemExit):  # the only image excluded: nothing left to write
        main(["--src", src, "--dst", str(tmp_path / "none"), "--exclude_gt", str(gt)])
    with pytest.raises(SystemExit):
        main(["--src", src, "--dst", str(tmp_path / "bad"), "--quality", "0"])
