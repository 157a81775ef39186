# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Point-pair ground truth on hand-made polygons: exact pairs where the answer is known by hand, otherwise
properties that must hold (ends kept, reading order, area kept by the reduction, counts)."""
import math

import numpy as np
import pytest
from shapely.geometry import Polygon

from training.atrr.data import pointpairs as pp


def shoelace(points):
    p = np.asarray(points, np.float64)
    return 0.5 * abs(np.dot(p[:, 0], np.roll(p[:, 1], -1)) - np.dot(np.roll(p[:, 0], -1), p[:, 1]))


def kept_fraction(reduced_pairs, original_polygon):
    """Share of the original area still covered by the reduced polygon (shapely, independent of pp)."""
    a, b = Polygon(pp.pairs_to_polygon(reduced_pairs)), Polygon(original_polygon)
    return a.intersection(b).area / b.area


def band_polygon(centre, normal, half_height):
    """2m-point polygon: m top points along a centre line, then m bottom points back."""
    top = centre - normal * half_height
    bottom = centre + normal * half_height
    return np.concatenate([top, bottom[::-1]], axis=0)


def arc_polygon(m=10, radius=100.0, half_height=15.0, span_degrees=150.0):
    # upper half of a circle, read left to right: angles from 90 + span/2 down to 90 - span/2
    t = np.radians(np.linspace(90 + span_degrees / 2, 90 - span_degrees / 2, m))
    centre = np.stack([200 + radius * np.cos(t), 200 - radius * np.sin(t)], axis=1)
    outward = np.stack([np.cos(t), -np.sin(t)], axis=1)
    return band_polygon(centre, -outward, half_height)


def test_rectangle_gives_its_two_end_pairs():
    pairs = pp.ground_truth_pairs([[0, 0], [100, 0], [100, 20], [0, 20]])
    np.testing.assert_array_equal(pairs, [[0, 0, 0, 20], [100, 0, 100, 20]])
    assert pairs.dtype == np.float32


def test_quad_pairs_follow_tl_tr_br_bl():
    quad = [[10, 12], [90, 2], [95, 30], [12, 40]]  # TL, TR, BR, BL (ICDAR 2015 / TD500 order)
    np.testing.assert_array_equal(pp.polygon_to_pairs(quad), [[10, 12, 12, 40], [90, 2, 95, 30]])


def test_counter_clockwise_input_gives_the_same_pairs():
    cw = [[0, 0], [100, 0], [100, 20], [0, 20]]
    ccw = [[0, 0], [0, 20], [100, 20], [100, 0]]
    np.testing.assert_array_equal(pp.polygon_to_pairs(ccw), pp.polygon_to_pairs(cw))


def test_straight_line_with_many_points_reduces_to_two():
    x = np.linspace(0, 300, 7)
    poly = np.concatenate([np.stack([x, np.zeros(7)], 1), np.stack([x[::-1], np.full(7, 30)], 1)])
    pairs = pp.ground_truth_pairs(poly)
    np.testing.assert_array_equal(pairs, [[0, 0, 0, 30], [300, 0, 300, 30]])


def test_arc_keeps_more_than_two_but_fewer_than_input():
    poly = arc_polygon(m=10)
    pairs = pp.ground_truth_pairs(poly)
    assert 2 < len(pairs) < 10
    np.testing.assert_allclose(pairs[0], pp.polygon_to_pairs(poly)[0])   # the ends define the instance
    np.testing.assert_allclose(pairs[-1], pp.polygon_to_pairs(poly)[-1])
    assert kept_fraction(pairs, poly) > 0.93
    assert shoelace(pp.pairs_to_polygon(pairs)) / shoelace(poly) > 0.93
    assert np.all(np.diff(pairs[:, 0]) > 0), "top points must run along the reading direction (left to right)"


def test_s_shape():
    x = np.linspace(0, 400, 16)
    y = 100 + 40 * np.sin(x / 400 * 2 * math.pi)
    dy = 40 * 2 * math.pi / 400 * np.cos(x / 400 * 2 * math.pi)
    normal = np.stack([-dy, np.ones_like(dy)], 1) / np.sqrt(1 + dy ** 2)[:, None]
    poly = band_polygon(np.stack([x, y], 1), normal, 12)
    pairs = pp.ground_truth_pairs(poly)
    assert 2 < len(pairs) < 16
    assert kept_fraction(pairs, poly) > 0.93
    assert np.all(np.diff(pairs[:, 0]) > 0)
    # both bends survive: the top boundary still rises and falls
    assert pairs[:, 1].min() < 70 and pairs[:, 1].max() > 110


def test_vertical_text_reading_downwards():
    # a text line read top to bottom, its 'top' boundary on the right (a line turned 90 degrees clockwise)
    y = np.linspace(0, 200, 5)
    poly = np.concatenate([np.stack([np.full(5, 40), y], 1), np.stack([np.full(5, 10), y[::-1]], 1)])
    pairs = pp.ground_truth_pairs(poly)
    np.testing.assert_array_equal(pairs, [[40, 0, 10, 0], [40, 200, 10, 200]])


def test_ctw1500_style_14_points():
    top = [(0, 40), (50, 20), (100, 10), (150, 8), (200, 10), (250, 20), (300, 40)]
    bottom = [(300, 80), (250, 60), (200, 50), (150, 48), (100, 50), (50, 60), (0, 80)]
    poly = np.float32(top + bottom)
    raw = pp.polygon_to_pairs(poly)
    assert raw.shape == (7, 4)
    np.testing.assert_array_equal(raw[0], [0, 40, 0, 80])
    np.testing.assert_array_equal(raw[3], [150, 8, 150, 48])
    pairs = pp.ground_truth_pairs(poly)
    assert 2 < len(pairs) <= 7
    np.testing.assert_array_equal(pairs[0], raw[0])
    np.testing.assert_array_equal(pairs[-1], raw[-1])
    assert kept_fraction(pairs, poly) > 0.93


def test_odd_point_count_is_resampled_without_changing_the_shape():
    poly = [[0, 0], [50, 0], [100, 0], [100, 20], [0, 20]]  # an extra point on the top edge
    raw = pp.polygon_to_pairs(poly)
    assert raw.shape == (3, 4)
    np.testing.assert_allclose(raw, [[0, 0, 0, 20], [50, 0, 50, 20], [100, 0, 100, 20]])
    np.testing.assert_array_equal(pp.ground_truth_pairs(poly), [[0, 0, 0, 20], [100, 0, 100, 20]])


def test_vertex_angles_by_hand():
    square = [[0, 0], [10, 0], [10, 10], [0, 10]]
    np.testing.assert_allclose(pp.vertex_angles(square), [math.pi / 2] * 4)
    with_midpoint = [[0, 0], [5, 0], [10, 0], [10, 10], [0, 10]]
    assert pp.vertex_angles(with_midpoint)[1] == pytest.approx(math.pi)


def test_keep_ratio_controls_the_reduction():
    poly = arc_polygon(m=10)
    assert len(pp.ground_truth_pairs(poly, keep_ratio=0.9999)) == 10  # nothing can go
    assert len(pp.ground_truth_pairs(poly, keep_ratio=0.0)) == 2      # everything but the ends goes


def test_rejects_too_few_points():
    with pytest.raises(ValueError):
        pp.polygon_to_pairs([[0, 0], [1, 0], [1, 1]])
