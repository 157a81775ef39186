# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Words to lines (training/atrr/data/lines.py): hand-made word boxes whose lines are known, the polygon
layout of doc/model_format.md §2, and the merge CLI on a tiny folder."""
import math
import os

import cv2
import numpy as np
from shapely.geometry import Polygon

from training.atrr.data import lines
from training.atrr.data.pointpairs import polygon_to_pairs
from training.atrr.data.readers import read_uniform_split
from training.atrr.geometry import polygon_area, polygon_iou, signed_area


def box(x0, y0, x1, y1):
    """TL, TR, BR, BL of an axis-aligned word box."""
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)


def groups(chains, n):
    """Chains as a set of frozensets, to compare without caring about order."""
    assert sorted(i for c in chains for i in c) == list(range(n)), "every word in exactly one line"
    return {frozenset(c) for c in chains}


def test_one_line_of_three_words_and_a_line_below():
    # height 20; gaps 6 px (0.3 h) within the line; the second line 30 px lower (1.5 h)
    words = [box(10, 10, 60, 30), box(66, 10, 120, 30), box(126, 10, 170, 30), box(10, 40, 80, 60)]
    polys, texts, chains = lines.merge_words(words, ["Hotel", "de", "Ville", "Metro"])
    assert groups(chains, 4) == {frozenset({0, 1, 2}), frozenset({3})}
    line = polys[[len(c) for c in chains].index(3)]
    # the three boxes and the two gaps between them: 10..170 x 10..30 exactly
    np.testing.assert_allclose(polygon_area(line), 160 * 20, rtol=1e-6)
    assert polygon_iou(line, box(10, 10, 170, 30)) > 0.999
    assert tuple(line[0]) == (10, 10), "starts at the top-left"
    assert signed_area(line) > 0, "clockwise on screen: top boundary left to right, then bottom back"
    assert len(polygon_to_pairs(line)) == 4, "ends of the line and one pair at each of its 2 joints"
    assert texts[[len(c) for c in chains].index(3)] == "Hotel de Ville"
    np.testing.assert_array_equal(polys[[len(c) for c in chains].index(1)], words[3])


def test_joint_reaches_the_taller_word():
    # a capitalised word beside a lower-case one: same baseline (y 40), tops at 10 and 20
    words = [box(0, 10, 100, 40), box(110, 20, 160, 40)]
    polys, _, chains = lines.merge_words(words, ["Hotel", "on"])
    assert len(chains) == 1
    pairs = polygon_to_pairs(polys[0])
    # joint at x = 105 (middle of 100 and 110), top = the taller word's (10), bottom 40
    np.testing.assert_allclose(pairs[1], [105, 10, 105, 40])
    np.testing.assert_allclose(pairs[-1], [160, 20, 160, 40])


def test_gap_and_stacking_limits():
    h = 20.0
    params = lines.MergeParams()
    near = [box(0, 0, 50, h), box(50 + 0.9 * params.max_gap * h, 0, 150, h)]
    far = [box(0, 0, 50, h), box(50 + 1.1 * params.max_gap * h, 0, 150, h)]
    assert len(lines.merge_words(near, ["a", "b"], params)[2]) == 1
    assert len(lines.merge_words(far, ["a", "b"], params)[2]) == 2
    # the next word starts right after the first but one line height lower: another line
    stacked = [box(0, 0, 50, h), box(55, h * 1.05, 150, h * 2.05)]
    assert len(lines.merge_words(stacked, ["a", "b"], params)[2]) == 2
    # much smaller text right after a word: not the same line
    tiny = [box(0, 0, 50, h), box(55, h - 6, 80, h)]
    assert len(lines.merge_words(tiny, ["a", "b"], params)[2]) == 2


def test_dont_care_word_makes_its_line_dont_care_and_singles_stay():
    words = [box(10, 10, 60, 30), box(66, 10, 120, 30), box(300, 200, 340, 215)]
    polys, texts, chains = lines.merge_words(words, ["Exit", "###", "Open"])
    by_size = {len(c): (p, t) for p, t, c in zip(polys, texts, chains)}
    assert by_size[2][1] == "###"
    np.testing.assert_array_equal(by_size[1][0], words[2])
    assert by_size[1][1] == "Open"


def test_care_placeholders_stay_care():
    polys, texts, _ = lines.merge_words([box(0, 0, 50, 20), box(55, 0, 99, 20)], ["CARE", "CARE"])
    assert texts == ["CARE"]


def test_word_annotated_right_to_left_still_links():
    second = box(66, 10, 120, 30)[[2, 3, 0, 1]]  # BR, BL, TL, TR: reads right to left, upside down
    polys, _, chains = lines.merge_words([box(10, 10, 60, 30), second], ["a", "b"])
    assert len(chains) == 1
    assert polygon_iou(polys[0], box(10, 10, 120, 30)) > 0.999


def test_short_word_in_a_tall_box_reads_like_its_neighbours():
    # `of` in a 30 x 52 box whose annotation starts on its long, vertical edge (as boxes recovered from
    # masks do), 8 px before `Eastern` (36 high): it reads left to right like `Eastern`, and they link
    of = np.array([[182, 271], [182, 323], [152, 323], [152, 271]], np.float64)
    polys, _, chains = lines.merge_words([of, box(190, 280, 330, 316)], ["of", "Eastern"])
    assert chains == [[0, 1]]
    assert polygon_iou(polys[0], box(152, 271, 330, 323)) > 0.85
    # the same box alone keeps its annotated reading: nothing says it is wrong
    assert lines.merge_words([of], ["of"])[2] == [[0]]
    word = lines.make_word(of, "of")
    lines.resolve_readings([word])
    np.testing.assert_allclose(word.direction, [0, 1])


def test_short_word_of_a_steep_line_keeps_its_reading():
    # a line at 70 degrees: `LONG`, `of`, `STREET`, where `of` is about as long as high
    a = math.radians(70)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    words = [box(0, 0, 80, 20) @ rot.T, box(86, 0, 110, 20) @ rot.T, box(116, 0, 200, 20) @ rot.T]
    polys, _, chains = lines.merge_words(words, ["LONG", "of", "STREET"])
    assert chains == [[0, 1, 2]]
    assert polygon_iou(polys[0], box(0, 0, 200, 20) @ rot.T) > 0.999


def test_folding_chain_falls_back_to_a_rectangle():
    # two thin, tall, overlapping strips read across (ICDAR2015 img_779, both ###): the joint would fall
    # behind the first pair, and the polygon would cross itself
    strips = [np.array([[383, 208], [391, 213], [391, 332], [383, 327]], np.float64),
              np.array([[392, 203], [406, 213], [402, 337], [389, 327]], np.float64)]
    polys, texts, chains = lines.merge_words(strips, ["###", "###"])
    assert chains == [[0, 1]] and texts == ["###"]
    assert Polygon(polys[0]).is_valid and signed_area(polys[0]) > 0
    assert polygon_iou(polys[0], box(383, 203, 406, 337)) > 0.9


def test_rotated_line():
    # the first test's line turned by 35 degrees about the origin
    a = math.radians(35)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    words = [box(10, 10, 60, 30) @ rot.T, box(66, 10, 120, 30) @ rot.T, box(126, 10, 170, 30) @ rot.T,
             box(10, 40, 80, 60) @ rot.T]
    polys, _, chains = lines.merge_words(words, ["a"] * 4)
    assert groups(chains, 4) == {frozenset({0, 1, 2}), frozenset({3})}
    assert polygon_iou(polys[[len(c) for c in chains].index(3)], box(10, 10, 170, 30) @ rot.T) > 0.999


def arc_band(r_top, r_bottom, a0, a1, steps=64):
    """Annular sector below the centre (0, 0) of a circle, text reading left to right along its top (a
    smile-shaped line); angles in radians, measured from +y (down) towards -x."""
    t = np.linspace(a0, a1, steps)
    top = np.stack([-r_top * np.sin(t), r_top * np.cos(t)], axis=1)[::-1]
    bottom = np.stack([-r_bottom * np.sin(t), r_bottom * np.cos(t)], axis=1)
    return np.concatenate([top, bottom], axis=0)


def test_curved_chain_follows_the_arc():
    # 5 words of 20 degrees each with 4-degree gaps (15 px, half a text height) below the centre of a
    # circle (a smile): text 30 px high, its top on r = 200, its bottom on r = 230
    words, spans = [], []
    for k in range(5):
        a1 = math.radians(60 - 24 * k)
        a0 = a1 - math.radians(20)
        band = arc_band(200, 230, a0, a1, 16)
        spans.append((a0, a1))
        # the annotator's quad: the band's minimum-area rectangle, long axis along the text
        q = cv2.boxPoints(cv2.minAreaRect(band.astype(np.float32))).astype(np.float64)
        mid = np.array([-215 * math.sin((a0 + a1) / 2), 215 * math.cos((a0 + a1) / 2)])
        tangent = np.array([math.cos((a0 + a1) / 2), math.sin((a0 + a1) / 2)])  # left to right
        normal = np.array([-tangent[1], tangent[0]])
        top = q[np.argsort((q - mid) @ normal)][:2]
        bottom = q[np.argsort((q - mid) @ normal)][2:]
        top, bottom = top[np.argsort(top @ tangent)], bottom[np.argsort(bottom @ tangent)]
        words.append(np.array([top[0], top[1], bottom[1], bottom[0]]))
    truth = arc_band(200, 230, spans[-1][0], spans[0][1])
    polys, _, chains = lines.merge_words(words, ["w"] * 5)
    assert len(chains) == 1 and chains[0] == [0, 1, 2, 3, 4], "one line, in reading order"
    line = polys[0]
    assert signed_area(line) > 0
    assert polygon_iou(line, truth) > 0.8
    # a straight box cannot describe a 116-degree arc: the merged polygon must be curved to score this high
    rect = cv2.boxPoints(cv2.minAreaRect(truth.astype(np.float32)))
    assert polygon_iou(rect, truth) < 0.5


def write_folder(root, names_and_words):
    os.makedirs(os.path.join(root, "images"))
    os.makedirs(os.path.join(root, "gt"))
    for name, words in names_and_words:
        cv2.imwrite(os.path.join(root, "images", name + ".jpg"), np.full((64, 200, 3), 128, np.uint8))
        with open(os.path.join(root, "gt", name + ".txt"), "w") as f:
            for poly, text in words:
                f.write(",".join(str(int(v)) for v in poly.reshape(-1)) + "," + text + "\n")


def test_merge_cli(tmp_path):
    src, dst = str(tmp_path / "words"), str(tmp_path / "lines")
    line = [(box(10, 10, 60, 30), "Hotel"), (box(66, 10, 120, 30), "de"), (box(10, 40, 60, 55), "###")]
    write_folder(src, [("img_1", line), ("img_2", line[:1]), ("img_801", line)])
    assert lines.main(["merge", "--src", src, "--dst", dst, "--exclude-ids", "801-900"]) == 0
    records = read_uniform_split(dst)
    assert [os.path.basename(r.image_path) for r in records] == ["img_1.jpg", "img_2.jpg"]
    assert os.path.islink(records[0].image_path)
    assert records[0].texts == ["Hotel de", "###"]
    assert records[0].ignore[records[0].texts.index("###")]
    np.testing.assert_array_equal(records[1].polygons[0], box(10, 10, 60, 30))


def test_merge_cli_quads_from_masks(tmp_path):
    """--quads-from-masks allows the wider gap of MASK_QUAD_PARAMS (1.3 heights): a 24-px gap between
    20-px words (1.2 heights) links there, not with the defaults (1.0)."""
    src = str(tmp_path / "words")
    write_folder(src, [("img_1", [(box(10, 10, 60, 30), "CARE"), (box(84, 10, 140, 30), "CARE")])])
    lines.main(["merge", "--src", src, "--dst", str(tmp_path / "a")])
    lines.main(["merge", "--src", src, "--dst", str(tmp_path / "b"), "--quads-from-masks"])
    lines.main(["merge", "--src", src, "--dst", str(tmp_path / "c"), "--quads-from-masks", "--max-gap", "1.1"])
    assert [len(read_uniform_split(str(tmp_path / k))[0].polygons) for k in "abc"] == [2, 1, 2]


def test_parse_ids():
    assert lines.parse_ids("801-803,900") == {801, 802, 803, 900}
    assert lines.parse_ids("") == set()
    assert lines.name_id("img_801") == 801 and lines.name_id("IMG_0030") == 30 and lines.name_id("x") is None
