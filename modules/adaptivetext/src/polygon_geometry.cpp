// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Polygon area / intersection / IoU on Boost.Geometry (used by the polygon NMS and the evaluator).
// Boost stays private to this file: the public header only speaks OpenCV types.
#include "precomp.hpp"
#include "opencv2/adaptivetext/evaluation.hpp"

// Boost 1.74's geometry pulls in a header of its own that it has deprecated; silence that note.
#define BOOST_ALLOW_DEPRECATED_HEADERS
#include <boost/geometry/algorithms/append.hpp>
#include <boost/geometry/algorithms/area.hpp>
#include <boost/geometry/algorithms/convex_hull.hpp>
#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/algorithms/intersection.hpp>
#include <boost/geometry/algorithms/is_valid.hpp>
#include <boost/geometry/algorithms/remove_spikes.hpp>
#include <boost/geometry/algorithms/unique.hpp>
#include <boost/geometry/core/exception.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/strategies/strategies.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>

namespace cv {
namespace adaptivetext {

namespace {

namespace bg = boost::geometry;
// Doubles, not floats: intersections of nearly parallel edges need the precision.
typedef bg::model::d2::point_xy<double> BgPoint;
typedef bg::model::polygon<BgPoint> BgPolygon;  // clockwise, closed (Boost defaults)
typedef bg::model::multi_polygon<BgPolygon> BgMultiPolygon;

/** A polygon ready for Boost's set operations: valid, or empty when the input is degenerate. */
BgPolygon toValidPolygon(const std::vector<Point2f>& poly)
{
    BgPolygon out;
    if (poly.size() < 3)
        return out;
    for (const Point2f& p : poly)
    {
        // NaN or infinite vertices cannot describe a region; treat the polygon as degenerate.
        if (!std::isfinite(p.x) || !std::isfinite(p.y))
            return BgPolygon();
        bg::append(out.outer(), BgPoint(p.x, p.y));
    }
    // Repeated vertices (e.g. integer rounding of a thin polygon) make Boost report the ring invalid.
    bg::unique(out);
    // correct() closes the ring and flips it to Boost's orientation, so either input order works.
    bg::correct(out);
    bg::remove_spikes(out);
    if (!bg::is_valid(out))
    {
        // Self-intersecting rings (figure-eights, folded point pairs) have no single well-defined
        // area; Boost 1.74 has no make_valid, so use the convex hull: a documented upper bound.
        BgPolygon hull;
        bg::convex_hull(out, hull);
        bg::correct(hull);
        out = hull;
    }
    // A ring with fewer than 3 distinct vertices (4 with the closing one) or no area is degenerate.
    if (out.outer().size() < 4 || !(bg::area(out) > 0.0))
        return BgPolygon();
    return out;
}

double intersectionArea(const BgPolygon& a, const BgPolygon& b)
{
    if (a.outer().empty() || b.outer().empty())
        return 0.0;
    BgMultiPolygon inter;
    try
    {
        bg::intersection(a, b, inter);
    }
    catch (const bg::exception&)
    {
        // Boost's overlay can still reject nearly degenerate valid input; convex hulls are robust there.
        BgPolygon ha, hb;
        bg::convex_hull(a, ha);
        bg::convex_hull(b, hb);
        inter.clear();
        bg::intersection(ha, hb, inter);
    }
    return std::max(0.0, static_cast<double>(bg::area(inter)));
}

/** The axis-aligned bounds of a vertex list; false when it is empty or a vertex is NaN or infinite. */
bool finiteBounds(const std::vector<Point2f>& poly, Point2f& lo, Point2f& hi)
{
    if (poly.empty())
        return false;
    lo = hi = poly[0];
    for (const Point2f& p : poly)
    {
        if (!std::isfinite(p.x) || !std::isfinite(p.y))
            return false;
        lo = Point2f(std::min(lo.x, p.x), std::min(lo.y, p.y));
        hi = Point2f(std::max(hi.x, p.x), std::max(hi.y, p.y));
    }
    return true;
}

/** True when the bounds of two finite vertex lists share no area: then so do any polygons made from those
 *  vertices (toValidPolygon keeps them or their hull), and the IoU is 0 without Boost's overlay. The NMS and the
 *  verifier's near-duplicate check compare every pair of a frame's candidates, and most pairs are apart. Anything
 *  else (overlapping bounds, degenerate input) goes the full way. */
bool boundsApart(const std::vector<Point2f>& a, const std::vector<Point2f>& b)
{
    Point2f loA, hiA, loB, hiB;
    if (!finiteBounds(a, loA, hiA) || !finiteBounds(b, loB, hiB))
        return false;
    return hiA.x <= loB.x || hiB.x <= loA.x || hiA.y <= loB.y || hiB.y <= loA.y;
}

}  // namespace

double polygonArea(const std::vector<Point2f>& poly)
{
    CV_TRACE_FUNCTION();
    const BgPolygon p = toValidPolygon(poly);
    return p.outer().empty() ? 0.0 : static_cast<double>(bg::area(p));
}

double polygonIntersectionArea(const std::vector<Point2f>& a, const std::vector<Point2f>& b)
{
    CV_TRACE_FUNCTION();
    return intersectionArea(toValidPolygon(a), toValidPolygon(b));
}

double polygonIoU(const std::vector<Point2f>& a, const std::vector<Point2f>& b)
{
    CV_TRACE_FUNCTION();
    if (boundsApart(a, b))
        return 0.0;
    const BgPolygon pa = toValidPolygon(a), pb = toValidPolygon(b);
    if (pa.outer().empty() || pb.outer().empty())
        return 0.0;
    const double inter = intersectionArea(pa, pb);
    const double uni = bg::area(pa) + bg::area(pb) - inter;
    if (!(uni > 0.0))
        return 0.0;
    // Rounding can push the ratio a hair outside [0, 1]; callers compare it with thresholds.
    return std::min(1.0, std::max(0.0, inter / uni));
}

}  // namespace adaptivetext
}  // namespace cv
