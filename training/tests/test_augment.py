# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Augmentation and the training Dataset: polygons stay on the pixels they describe, the crop never cuts a
care instance, randomness comes only from the seed, samples have the documented shapes."""
import os

import cv2
import numpy as np
import pytest

from training.atrr.data import augment
from training.atrr.data.dataset import STRIDE, TextDataset, collate, split_train_val
from training.atrr.data.readers import TextRecord, read_uniform_split

DATA = os.path.join(os.path.dirname(__file__), "data")
GEOMETRY_ONLY = augment.Augmenter(rotate_prob=1.0, crop_prob=1.0, jitter_prob=0.0, blur_prob=0.0)


def polygon_mask(shape, polygons):
    mask = np.zeros(shape[:2], np.uint8)
    for p in polygons:
        cv2.fillPoly(mask, [np.round(np.asarray(p) * 8).astype(np.int32)], 1, shift=3)  # sub-pixel accurate
    return mask


def scene(rng, n=4, size=(300, 400)):
    """Blank image with n filled, non-overlapping quadrilaterals drawn in white; returns image, polygons."""
    h, w = size
    image = np.zeros((h, w, 3), np.uint8)
    polygons = []
    for i in range(n):
        x0 = 20 + i * (w - 40) / n
        y0 = float(rng.uniform(20, h - 80))
        p = np.float32([[x0, y0], [x0 + 60, y0 + 8], [x0 + 58, y0 + 40], [x0 + 2, y0 + 34]])
        polygons.append(p)
    image[polygon_mask(image.shape, polygons) > 0] = 255
    return image, polygons


@pytest.mark.parametrize("seed", range(6))
def test_polygons_follow_the_pixels(seed):
    rng = np.random.default_rng(seed)
    image, polygons = scene(rng)
    out, out_polys, out_ignore = GEOMETRY_ONLY(image, polygons, [False] * len(polygons), np.random.default_rng(seed))
    assert out_polys, "the crop keeps at least one care instance"
    drawn = out[..., 0] > 127
    expected = polygon_mask(out.shape, out_polys) > 0
    iou = np.logical_and(drawn, expected).sum() / np.logical_or(drawn, expected).sum()
    assert iou > 0.9


@pytest.mark.parametrize("seed", range(20))
def test_crop_never_cuts_a_care_instance(seed):
    rng = np.random.default_rng(100 + seed)
    h, w = 200, 300
    polygons, ignore = [], []
    for _ in range(8):
        x, y = rng.uniform(0, w - 50), rng.uniform(0, h - 20)
        polygons.append(np.float32([[x, y], [x + 50, y], [x + 50, y + 20], [x, y + 20]]))
        ignore.append(bool(rng.random() < 0.3))
    img = np.zeros((h, w, 3), np.uint8)
    out, polys, ig = augment.random_crop(img, polygons, ignore, np.random.default_rng(seed), min_fraction=0.3)
    oh, ow = out.shape[:2]
    for p, flag in zip(polys, ig):
        if not flag:
            assert p[:, 0].min() >= 0 and p[:, 1].min() >= 0 and p[:, 0].max() <= ow and p[:, 1].max() <= oh
            # a kept care instance is a translated copy: same size as drawn
            assert p[:, 0].ptp() == pytest.approx(50, abs=1e-4) and p[:, 1].ptp() == pytest.approx(20, abs=1e-4)
    if not all(ignore):
        assert not all(ig), "a crop keeps some care text when the image has any"


def test_crop_fraction_range_sets_the_scale_text_is_seen_at():
    # small words spread over a wide image: every crop of fraction 0.35-0.55 is possible
    img = np.zeros((400, 1000, 3), np.uint8)
    polygons = [np.float32([[x, y], [x + 30, y], [x + 30, y + 10], [x, y + 10]])
                for x in range(20, 960, 80) for y in range(20, 380, 60)]
    ignore = [False] * len(polygons)
    widths = []
    for seed in range(40):
        out, _, _ = augment.random_crop(img, polygons, ignore, np.random.default_rng(seed), min_fraction=0.35,
                                        max_fraction=0.55)
        widths.append(out.shape[1])
        assert 0.35 * 1000 <= out.shape[1] <= 0.55 * 1000 + 1 and 0.35 * 400 <= out.shape[0] <= 0.55 * 400 + 1
    assert max(widths) - min(widths) > 50  # still random within the range
    # max_fraction=1.0 is the default: passing it changes no crop
    a = augment.random_crop(img, polygons, ignore, np.random.default_rng(7), min_fraction=0.4)[0].shape
    b = augment.random_crop(img, polygons, ignore, np.random.default_rng(7), min_fraction=0.4, max_fraction=1.0)[0].shape
    assert a == b


def test_rotation_matrix_keeps_the_whole_image():
    m, (nw, nh) = augment.rotation_matrix(200, 100, 90)
    corners = augment.transform_polygons([np.float32([[0, 0], [200, 0], [200, 100], [0, 100]])], m)[0]
    assert (nw, nh) == (100, 200)
    np.testing.assert_allclose(corners.min(axis=0), [0, 0], atol=1e-4)
    np.testing.assert_allclose(corners.max(axis=0), [100, 200], atol=1e-4)


def test_same_generator_seed_same_result():
    image, polygons = scene(np.random.default_rng(0))
    image[..., 1] = 90  # something for the colour jitter to change
    aug = augment.Augmenter(rotate_prob=1.0, crop_prob=1.0, jitter_prob=1.0, blur_prob=1.0)
    a = aug(image, polygons, [False] * 4, np.random.default_rng(7))
    b = aug(image, polygons, [False] * 4, np.random.default_rng(7))
    c = aug(image, polygons, [False] * 4, np.random.default_rng(8))
    np.testing.assert_array_equal(a[0], b[0])
    for p, q in zip(a[1], b[1]):
        np.testing.assert_array_equal(p, q)
    assert a[0].shape != c[0].shape or not np.array_equal(a[0], c[0])


def test_colour_jitter_and_blur_keep_shape_and_type():
    image = np.random.default_rng(1).integers(0, 256, (40, 50, 3), dtype=np.uint8)
    rng = np.random.default_rng(2)
    for out in (augment.colour_jitter(image, rng), augment.random_blur(image, rng)):
        assert out.shape == image.shape and out.dtype == np.uint8
        assert not np.array_equal(out, image)


def uniform_records():
    return read_uniform_split(os.path.join(DATA, "uniform"))


def test_dataset_sample_layout():
    ds = TextDataset(uniform_records(), size=128, augmenter=augment.Augmenter(), seed=3)
    sample = ds[0]
    h, w = sample["image"].shape[:2]
    assert sample["image"].dtype == np.uint8 and sample["image"].shape[2] == 3
    assert h % STRIDE == 0 and w % STRIDE == 0 and max(h, w) == 128
    assert len(sample["polygons"]) == len(sample["pairs"]) == len(sample["ignore"])
    assert sample["ignore"].dtype == bool
    for pairs, ignored in zip(sample["pairs"], sample["ignore"]):
        assert pairs.dtype == np.float32 and pairs.shape[1] == 4
        assert (pairs.shape[0] == 0) if ignored else (pairs.shape[0] >= 2)
    np.testing.assert_array_equal(ds[0]["image"], sample["image"])  # reproducible per index
    ds.set_epoch(1)
    assert not np.array_equal(ds[0]["image"], sample["image"]) or ds[0]["image"].shape != sample["image"].shape


def test_dataset_without_augmentation_scales_polygons():
    ds = TextDataset(uniform_records(), size=240)  # 120x60 image -> 240x128 (60*2 = 120, rounded to 128)
    sample = ds[0]
    assert sample["image"].shape[:2] == (128, 240)
    np.testing.assert_allclose(sample["polygons"][0], [[20, 10 * 128 / 60], [120, 10 * 128 / 60],
                                                       [120, 30 * 128 / 60], [20, 30 * 128 / 60]], rtol=1e-5)
    np.testing.assert_allclose(sample["pairs"][0], [[20, 10 * 128 / 60, 20, 30 * 128 / 60],
                                                    [120, 10 * 128 / 60, 120, 30 * 128 / 60]], rtol=1e-5)
    assert sample["ignore"].tolist() == [False, True, False, False, False]
    assert collate([sample, sample]) == [sample, sample]


def test_mixing_ratio():
    real, synthetic = uniform_records(), [TextRecord(os.path.join(DATA, "uniform", "images", "sample_1.png"))]
    ds = TextDataset([(real, 0.25), (synthetic, 0.75)], size=64, length=400)
    picks = [len(ds[i]["polygons"]) == 0 for i in range(len(ds))]  # the synthetic stand-in has no polygons
    assert 0.65 < np.mean(picks) < 0.85


def test_split_train_val():
    records = [TextRecord("img_%d.jpg" % i) for i in range(50)]
    train, val = split_train_val(records, 0.2, seed=1)
    assert len(val) == 10 and len(train) == 40
    assert {r.image_path for r in train}.isdisjoint(r.image_path for r in val)
    again_train, again_val = split_train_val(records, 0.2, seed=1)
    assert [r.image_path for r in again_val] == [r.image_path for r in val]
    _, other_val = split_train_val(records, 0.2, seed=2)
    assert [r.image_path for r in other_val] != [r.image_path for r in val]


def test_canonical_quad_starts_at_the_rightward_edge():
    # a tall clockwise rectangle given from its top-right corner: the first edge points down
    tall = np.float32([[10, 0], [10, 50], [0, 50], [0, 0]])
    out = augment.canonical_quad(tall)
    np.testing.assert_array_equal(out, np.float32([[0, 0], [10, 0], [10, 50], [0, 50]]))
    # already canonical (first edge 30 degrees below the x axis) stays as it is
    tilted = np.float32([[0, 0], [8.66, 5], [6.16, 9.33], [-2.5, 4.33]])
    np.testing.assert_array_equal(augment.canonical_quad(tilted), tilted)


@pytest.mark.parametrize("seed", range(4))
def test_quarter_turn_moves_quads_with_the_pixels_and_restarts_them(seed):
    rng = np.random.default_rng(200 + seed)
    h, w = 120, 200
    image = np.zeros((h, w, 3), np.uint8)
    quad = np.float32([[30, 40], [150, 40], [150, 70], [30, 70]])  # a horizontal line, TL first
    image[40:70, 30:150] = 255
    out, polys = augment.random_rotate90(image, [quad], rng)
    assert out.shape[:2] == (w, h)
    drawn = out[..., 0] > 127
    expected = polygon_mask(out.shape, polys) > 0
    assert np.logical_and(drawn, expected).sum() / np.logical_or(drawn, expected).sum() > 0.95
    # now vertical; canonical order starts with the short top edge going right (MSRA-TD500's convention)
    p = polys[0]
    assert p[1, 0] - p[0, 0] == pytest.approx(30) and p[1, 1] == pytest.approx(p[0, 1])
    assert p[0, 1] == pytest.approx(p[:, 1].min()) and p[0, 0] == pytest.approx(p[:, 0].min())


def test_quarter_turn_off_by_default_keeps_the_samples_of_older_configs():
    assert augment.Augmenter().rotate90_prob == 0.0
    image, polygons = scene(np.random.default_rng(5))
    curved = [np.vstack([p, p[:1] + 0.5]) for p in polygons]  # 5-point polygons: never turned
    always = augment.Augmenter(rotate90_prob=1.0, rotate_prob=0, crop_prob=0, jitter_prob=0, blur_prob=0,
                               scale_range=(1.0, 1.0))
    out, _, _ = always(image, curved, [False] * len(curved), np.random.default_rng(1))
    assert out.shape == image.shape
    out, _, _ = always(image, polygons, [False] * len(polygons), np.random.default_rng(1))
    assert out.shape[:2] == image.shape[1::-1]


def test_long_axis_quad_runs_the_first_edge_along_the_line_at_every_angle():
    # MSRA-TD500 order of a line 62 degrees below the x axis (IMG_1692-like): first edge the short one
    steep = np.float32([[436, 72], [488, 45], [763, 553], [712, 580]])
    out = augment.long_axis_quad(steep)
    # restarted at (488, 45): the long side going down-right to (763, 553) comes first
    np.testing.assert_array_equal(out, np.float32([[488, 45], [763, 553], [712, 580], [436, 72]]))
    # a horizontal line in TD500 order stays as it is
    flat = np.float32([[0, 0], [100, 0], [100, 20], [0, 20]])
    np.testing.assert_array_equal(augment.long_axis_quad(flat), flat)
    # a vertical line reads downwards: first edge is a long side pointing down (clockwise: the right side)
    tall = np.float32([[0, 0], [10, 0], [10, 80], [0, 80]])
    np.testing.assert_array_equal(augment.long_axis_quad(tall), np.float32([[10, 0], [10, 80], [0, 80], [0, 0]]))
    # a line rising at 60 degrees reads upwards-right: its first edge points up-right
    rising = augment.long_axis_quad(np.float32([[0, 100], [10, 106], [70, 2], [60, -4]]))
    first = rising[1] - rising[0]
    assert first[0] > 0 and first[1] < 0 and np.linalg.norm(first) > 100
    # the same quad given counter-clockwise gets the same result
    np.testing.assert_array_equal(augment.long_axis_quad(steep[::-1].copy()), out)


def test_long_axis_quads_off_by_default_and_applied_to_quads_only_when_on():
    assert augment.Augmenter().long_axis_quads is False
    image = np.zeros((100, 120, 3), np.uint8)
    steep = np.float32([[40, 10], [52, 5], [82, 80], [70, 85]])
    curved = np.float32([[5, 5], [30, 8], [55, 5], [55, 15], [30, 18], [5, 15]])
    plain = dict(rotate_prob=0, crop_prob=0, jitter_prob=0, blur_prob=0, scale_range=(1.0, 1.0))
    _, off, _ = augment.Augmenter(**plain)(image, [steep, curved], [False, False], np.random.default_rng(3))
    _, on, _ = augment.Augmenter(long_axis_quads=True, **plain)(image, [steep, curved], [False, False],
                                                                 np.random.default_rng(3))
    np.testing.assert_allclose(off[0], steep)
    np.testing.assert_allclose(on[0], np.float32([[52, 5], [82, 80], [70, 85], [40, 10]]))
    np.testing.assert_allclose(on[1], curved)


def test_long_axis_min_aspect_keeps_squat_quads_in_their_labelled_order():
    assert augment.Augmenter().long_axis_min_aspect == 1.0
    image = np.zeros((100, 120, 3), np.uint8)
    # a single tall glyph (12 x 20 px, aspect 1.67) and a steep line (aspect about 6)
    glyph = np.float32([[10, 10], [22, 10], [22, 30], [10, 30]])
    steep = np.float32([[40, 10], [52, 5], [82, 80], [70, 85]])
    assert abs(augment.quad_aspect(glyph) - 20.0 / 12.0) < 1e-5
    plain = dict(rotate_prob=0, crop_prob=0, jitter_prob=0, blur_prob=0, scale_range=(1.0, 1.0))
    _, every, _ = augment.Augmenter(long_axis_quads=True, **plain)(image, [glyph, steep], [False, False],
                                                                    np.random.default_rng(3))
    _, lines, _ = augment.Augmenter(long_axis_quads=True, long_axis_min_aspect=2.0, **plain)(
        image, [glyph, steep], [False, False], np.random.default_rng(3))
    # the glyph's right side comes first when every quad is restarted, its top edge when only lines are
    np.testing.assert_allclose(every[0], np.float32([[22, 10], [22, 30], [10, 30], [10, 10]]))
    np.testing.assert_allclose(lines[0], glyph)
    np.testing.assert_allclose(lines[1], np.float32([[52, 5], [82, 80], [70, 85], [40, 10]]))


@pytest.mark.parametrize("seed", range(4))
def test_zoom_out_keeps_the_pixels_under_their_polygons_and_fills_with_the_mean(seed):
    rng = np.random.default_rng(300 + seed)
    image, polygons = scene(rng)
    out, polys = augment.random_zoom_out(image, polygons, rng, max_factor=2.0)
    h, w = image.shape[:2]
    assert h <= out.shape[0] <= 2 * h and w <= out.shape[1] <= 2 * w
    drawn = out[..., 0] > 127
    expected = polygon_mask(out.shape, polys) > 0
    assert np.logical_and(drawn, expected).sum() / np.logical_or(drawn, expected).sum() > 0.95
    # outside the pasted image: the image's mean colour (worked from the drawn area's share of white)
    shift = polys[0][0] - polygons[0][0]
    x0, y0 = int(round(shift[0])), int(round(shift[1]))
    assert np.array_equal(out[y0:y0 + h, x0:x0 + w], image)
    fill = np.round(255.0 * (image[..., 0] > 127).mean())
    border = np.ones(out.shape[:2], bool)
    border[y0:y0 + h, x0:x0 + w] = False
    if border.any():
        assert np.all(out[border] == fill)


def test_zoom_out_off_by_default_and_replaces_the_crop_when_drawn():
    assert augment.Augmenter().zoom_out_prob == 0.0
    image, polygons = scene(np.random.default_rng(7))
    off = dict(rotate_prob=0, jitter_prob=0, blur_prob=0, scale_range=(1.0, 1.0))
    zoom = augment.Augmenter(crop_prob=1.0, zoom_out_prob=1.0, zoom_out_max=1.5, **off)
    out, polys, _ = zoom(image, polygons, [False] * len(polygons), np.random.default_rng(2))
    assert out.shape[0] >= image.shape[0] and out.shape[1] >= image.shape[1]
    assert len(polys) == len(polygons)
    # probability 0 draws no random number: the generator is where an augmenter without the option leaves it
    rng_a, rng_b = np.random.default_rng(3), np.random.default_rng(3)
    augment.Augmenter(crop_prob=1.0, **off)(image, polygons, [False] * len(polygons), rng_a)
    rng_b.random(4)  # the four on/off decisions
    augment.random_scale(image, polygons, rng_b, (1.0, 1.0))
    augment.random_crop(image, polygons, [False] * len(polygons), rng_b, 0.4, max_fraction=1.0)
    assert rng_a.random() == rng_b.random()
