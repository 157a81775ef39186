// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Polygon area / intersection / IoU (Boost.Geometry behind cv::adaptivetext). Every expected value is
// worked by hand in the comment next to it.
#include <boost/test/unit_test.hpp>

#include <opencv2/adaptivetext/evaluation.hpp>

#include <limits>

using cv::Point2f;
using namespace cv::adaptivetext;

namespace {

typedef std::vector<Point2f> Poly;

/** Axis-aligned rectangle [x0, x1] x [y0, y1], clockwise in image coordinates (y down). */
Poly rect(float x0, float y0, float x1, float y1)
{
    return Poly{Point2f(x0, y0), Point2f(x1, y0), Point2f(x1, y1), Point2f(x0, y1)};
}

/** The L-shape: the 4x4 square minus its top-right 3x3 notch [1,4]x[1,4] (y down), area 16 - 9 = 7. */
Poly lShape()
{
    return Poly{Point2f(0, 0), Point2f(4, 0), Point2f(4, 1), Point2f(1, 1), Point2f(1, 4), Point2f(0, 4)};
}

const double kEps = 1e-9;

}  // namespace

BOOST_AUTO_TEST_SUITE(polygon_geometry)

BOOST_AUTO_TEST_CASE(squares_overlapping_by_half)
{
    // [0,2]x[0,2] and [1,3]x[0,2]: each area 4, intersection [1,2]x[0,2] = 2, union 4 + 4 - 2 = 6.
    const Poly a = rect(0, 0, 2, 2), b = rect(1, 0, 3, 2);
    BOOST_CHECK_SMALL(polygonArea(a) - 4.0, kEps);
    BOOST_CHECK_SMALL(polygonIntersectionArea(a, b) - 2.0, kEps);
    BOOST_CHECK_SMALL(polygonIoU(a, b) - 1.0 / 3.0, kEps);
    BOOST_CHECK_SMALL(polygonIoU(b, a) - 1.0 / 3.0, kEps);
}

BOOST_AUTO_TEST_CASE(disjoint_and_contained)
{
    // Disjoint: no intersection. Contained: [1,2]x[1,2] (area 1) in [0,4]x[0,4] (16): IoU 1/16.
    BOOST_CHECK_SMALL(polygonIoU(rect(0, 0, 1, 1), rect(5, 5, 6, 6)), kEps);
    BOOST_CHECK_SMALL(polygonIoU(rect(1, 1, 2, 2), rect(0, 0, 4, 4)) - 1.0 / 16.0, kEps);
}

BOOST_AUTO_TEST_CASE(apart_touching_and_barely_overlapping)
{
    // polygonIoU returns 0 at once when the vertices' bounding boxes share no area; the boxes may still overlap
    // when the polygons do not, and a sliver of overlap must still count.
    const Poly square = rect(0, 0, 2, 2);
    BOOST_CHECK_EQUAL(polygonIoU(square, rect(2, 0, 4, 2)), 0.0);   // touching along x = 2
    BOOST_CHECK_EQUAL(polygonIoU(rect(0, 2, 2, 4), square), 0.0);   // touching along y = 2
    BOOST_CHECK_EQUAL(polygonIoU(square, rect(-3, -3, -1, -1)), 0.0);
    // Triangles x + y <= 4 and x + y >= 5 (inside [1,4]^2): boxes overlap, polygons do not.
    const Poly lower{Point2f(0, 0), Point2f(4, 0), Point2f(0, 4)};
    const Poly upper{Point2f(4, 1), Point2f(4, 4), Point2f(1, 4)};
    BOOST_CHECK_SMALL(polygonIoU(lower, upper), kEps);
    // [0,2]^2 and [1.5,4]x[0,2]: intersection 0.5 x 2 = 1, union 4 + 5 - 1 = 8.
    BOOST_CHECK_SMALL(polygonIoU(square, rect(1.5f, 0, 4, 2)) - 1.0 / 8.0, kEps);
    // [0,2]^2 and [1.75,4]x[1.75,4]: a 0.25 x 0.25 corner, 0.0625, union 4 + 5.0625 - 0.0625 = 9.
    BOOST_CHECK_SMALL(polygonIoU(square, rect(1.75f, 1.75f, 4, 4)) - 0.0625 / 9.0, kEps);
}

BOOST_AUTO_TEST_CASE(rotated_square)
{
    // The diamond (1,0),(2,1),(1,2),(0,1) has diagonals 2 and 2: area 2*2/2 = 2, and lies inside
    // [0,2]x[0,2] (area 4): intersection 2, union 4, IoU 1/2.
    const Poly diamond{Point2f(1, 0), Point2f(2, 1), Point2f(1, 2), Point2f(0, 1)};
    BOOST_CHECK_SMALL(polygonArea(diamond) - 2.0, kEps);
    BOOST_CHECK_SMALL(polygonIoU(diamond, rect(0, 0, 2, 2)) - 0.5, kEps);
}

BOOST_AUTO_TEST_CASE(concave_l_shape)
{
    const Poly l = lShape();
    BOOST_CHECK_SMALL(polygonArea(l) - 7.0, kEps);
    // The square [1,3]x[1,3] sits in the notch: no intersection. (Its convex hull would overlap it by
    // 4 - 0.5 = 3.5: the hull edge x + y = 5 cuts off only the corner triangle at (3,3).)
    BOOST_CHECK_SMALL(polygonIntersectionArea(l, rect(1, 1, 3, 3)), kEps);
    // With [0,2]x[0,2]: the L covers [0,2]x[0,1] (2) and [0,1]x[1,2] (1) = 3; union 7 + 4 - 3 = 8.
    BOOST_CHECK_SMALL(polygonIntersectionArea(l, rect(0, 0, 2, 2)) - 3.0, kEps);
    BOOST_CHECK_SMALL(polygonIoU(l, rect(0, 0, 2, 2)) - 3.0 / 8.0, kEps);
}

BOOST_AUTO_TEST_CASE(opposite_orientation_and_closed_ring)
{
    // Reversing the vertex order, or repeating the first vertex at the end, describes the same region.
    Poly l = lShape();
    Poly reversed(l.rbegin(), l.rend());
    Poly closed = l;
    closed.push_back(l.front());
    BOOST_CHECK_SMALL(polygonArea(reversed) - 7.0, kEps);
    BOOST_CHECK_SMALL(polygonArea(closed) - 7.0, kEps);
    BOOST_CHECK_SMALL(polygonIoU(l, reversed) - 1.0, kEps);
    BOOST_CHECK_SMALL(polygonIoU(reversed, rect(0, 0, 2, 2)) - 3.0 / 8.0, kEps);
}

BOOST_AUTO_TEST_CASE(repeated_vertices)
{
    // Integer rounding can repeat a vertex; the square [0,2]^2 keeps its area 4.
    const Poly p{Point2f(0, 0), Point2f(2, 0), Point2f(2, 0), Point2f(2, 2), Point2f(0, 2)};
    BOOST_CHECK_SMALL(polygonArea(p) - 4.0, kEps);
}

BOOST_AUTO_TEST_CASE(self_intersecting_uses_convex_hull)
{
    // The figure-eight (0,0),(2,2),(2,0),(0,2) crosses itself at (1,1). It cannot be repaired by
    // re-orienting, so its convex hull, the square [0,2]^2 (area 4), is used.
    const Poly bowtie{Point2f(0, 0), Point2f(2, 2), Point2f(2, 0), Point2f(0, 2)};
    BOOST_CHECK_SMALL(polygonArea(bowtie) - 4.0, kEps);
    BOOST_CHECK_SMALL(polygonIoU(bowtie, rect(0, 0, 2, 2)) - 1.0, kEps);
    // Against [1,3]x[0,2]: intersection [1,2]x[0,2] = 2, union 6.
    BOOST_CHECK_SMALL(polygonIoU(bowtie, rect(1, 0, 3, 2)) - 1.0 / 3.0, kEps);
}

BOOST_AUTO_TEST_CASE(degenerate_inputs)
{
    const Poly square = rect(0, 0, 2, 2);
    const Poly empty, twoPoints{Point2f(0, 0), Point2f(2, 2)};
    const Poly collinear{Point2f(0, 0), Point2f(1, 1), Point2f(2, 2)};
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const Poly withNan{Point2f(0, 0), Point2f(2, 0), Point2f(nan, 2), Point2f(0, 2)};
    for (const Poly& p : {empty, twoPoints, collinear, withNan})
    {
        BOOST_CHECK_EQUAL(polygonArea(p), 0.0);
        BOOST_CHECK_EQUAL(polygonIntersectionArea(p, square), 0.0);
        BOOST_CHECK_EQUAL(polygonIoU(p, square), 0.0);
        BOOST_CHECK_EQUAL(polygonIoU(square, p), 0.0);
        // Two degenerate polygons have no union: IoU 0, not NaN.
        BOOST_CHECK_EQUAL(polygonIoU(p, p), 0.0);
    }
}

BOOST_AUTO_TEST_SUITE_END()
