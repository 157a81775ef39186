// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Text rectification: a polygon made of point pairs becomes a straight strip, one perspective transform per
// pair-to-pair quad (doc/detector.md, "Rectification", says why not a thin-plate spline).
#include "precomp.hpp"
#include "opencv2/adaptivetext/rectify.hpp"
#include "opencv2/adaptivetext/detector.hpp"

namespace cv {
namespace adaptivetext {

namespace {

/** The polygon as 2n float points, checked; with checkBounds every point must also lie inside imageSize. */
std::vector<Point2f> validPolygon(InputArray polygon, Size imageSize, bool checkBounds)
{
    Mat m = polygon.getMat();
    if (!m.isContinuous())
        m = m.clone();  // e.g. a NumPy slice: checkVector and reshape need one block
    const int count = m.empty() ? 0 : m.checkVector(2);
    if (count < 0)
        CV_Error(Error::StsBadArg, "rectifyText: the polygon must be a vector of points or an N x 2 array");
    if (count < 4)
        CV_Error(Error::StsBadArg, format("rectifyText: the polygon has %d points; at least 4 (2 point pairs) "
                                          "are needed", count));
    if (count % 2 != 0)
        CV_Error(Error::StsBadArg, format("rectifyText: the polygon has an odd number of points (%d); it must be "
                                          "point pairs: n top points, then n bottom points back", count));
    Mat points;
    m.reshape(2, count).convertTo(points, CV_32FC2);
    std::vector<Point2f> poly(points.begin<Point2f>(), points.end<Point2f>());
    for (int i = 0; i < count; ++i)
    {
        const Point2f& p = poly[i];
        if (!std::isfinite(p.x) || !std::isfinite(p.y))
            CV_Error(Error::StsBadArg, format("rectifyText: point %d of the polygon is not finite", i));
        // The detector clips its vertices to [0, cols-1] x [0, rows-1]; a point beyond that is a caller's
        // mistake (wrong image, unscaled coordinates), not something to replicate borders for.
        if (checkBounds && (p.x < 0 || p.y < 0 || p.x > imageSize.width - 1 || p.y > imageSize.height - 1))
            CV_Error(Error::StsBadArg, format("rectifyText: point %d of the polygon, (%g, %g), is outside the "
                                              "%d x %d image", i, p.x, p.y, imageSize.width, imageSize.height));
    }
    if (std::abs(contourArea(poly)) < 1e-3)
        CV_Error(Error::StsBadArg, "rectifyText: the polygon has zero area");
    return poly;
}

struct PairGeometry
{
    std::vector<Point2f> top, bottom;   // pair i = (top[i], bottom[i])
    std::vector<double> along;          // centre-line length from pair 0 to pair i
    double meanPairLength = 0;
    bool vertical = false;
};

PairGeometry pairGeometry(const std::vector<Point2f>& poly)
{
    PairGeometry g;
    const int n = (int)poly.size() / 2;
    double pairSum = 0;
    for (int i = 0; i < n; ++i)
    {
        g.top.push_back(poly[i]);
        g.bottom.push_back(poly[2 * n - 1 - i]);
        pairSum += norm(g.top[i] - g.bottom[i]);
        const Point2f centre = 0.5f * (g.top[i] + g.bottom[i]);
        g.along.push_back(i == 0 ? 0.0 : g.along.back() + norm(centre - 0.5f * (g.top[i - 1] + g.bottom[i - 1])));
    }
    g.meanPairLength = pairSum / n;
    if (g.meanPairLength < 1e-3)
        CV_Error(Error::StsBadArg, "rectifyText: the polygon's point pairs have zero length (top and bottom "
                                   "boundaries coincide)");
    if (g.along.back() < 1e-3)
        CV_Error(Error::StsBadArg, "rectifyText: the polygon's centre line has zero length (all pairs share "
                                   "one midpoint)");
    const Point2f chord = 0.5f * (g.top[n - 1] + g.bottom[n - 1]) - 0.5f * (g.top[0] + g.bottom[0]);
    g.vertical = chord.y > std::abs(chord.x);
    return g;
}

/** The perspective map of quad src onto quad dst; the least-squares affine map where no perspective exists.
 *  A quad whose top (or bottom) points coincide is a triangle: no perspective maps it, but the affine map of
 *  the four correspondences still spreads it over its tile. */
Mat quadTransform(const Point2f src[4], const Point2f dst[4])
{
    Mat m = getPerspectiveTransform(src, dst);
    if (checkRange(m) && std::abs(determinant(m)) > 1e-12)
        return m;
    Mat A = Mat::zeros(8, 6, CV_64F), B(8, 1, CV_64F), sol;
    for (int k = 0; k < 4; ++k)
    {
        const double row[3] = { src[k].x, src[k].y, 1.0 };
        for (int j = 0; j < 3; ++j)
        {
            A.at<double>(2 * k, j) = row[j];
            A.at<double>(2 * k + 1, 3 + j) = row[j];
        }
        B.at<double>(2 * k) = dst[k].x;
        B.at<double>(2 * k + 1) = dst[k].y;
    }
    solve(A, B, sol, DECOMP_SVD);
    m = Mat::eye(3, 3, CV_64F);
    sol.reshape(1, 2).copyTo(m.rowRange(0, 2));
    return m;
}

}  // namespace

bool isVerticalText(InputArray polygon)
{
    return pairGeometry(validPolygon(polygon, Size(), false)).vertical;
}

void rectifyText(InputArray _image, InputArray polygon, OutputArray _strip, int height)
{
    CV_TRACE_FUNCTION();
    if (_image.empty())
        CV_Error(Error::StsBadArg, "rectifyText: the image is empty");
    if (height < 0 || height == 1)
        CV_Error(Error::StsBadArg, format("rectifyText: height is %d; it must be 0 (the mean pair length) or >= 2",
                                          height));
    const Mat image = _image.getMat();
    const PairGeometry g = pairGeometry(validPolygon(polygon, image.size(), true));
    const int n = (int)g.top.size();

    // Strip size in the text's own frame: h across the text, w along it. Pair ends land on rows 0 and h-1,
    // so h-1 pixel steps span the mean pair length and the centre line gets the same scale.
    const int h = height > 0 ? height : std::max(2, cvRound(g.meanPairLength));
    const double scale = (h - 1) / g.meanPairLength;
    const int w = std::max(2, cvRound(g.along.back() * scale) + 1);
    // warpPerspective's remap tables hold coordinates in shorts.
    CV_CheckLT(std::max(w, h), (int)SHRT_MAX, "rectifyText: the strip would be too large");

    // x_i in [0, w-1]: pair i's column.
    std::vector<float> x(n);
    for (int i = 0; i < n; ++i)
        x[i] = (float)(g.along[i] / g.along.back() * (w - 1));
    _strip.create(g.vertical ? Size(h, w) : Size(w, h), image.type());
    Mat strip = _strip.getMat();

    // Four points: one perspective, the plane of a box seen at an angle. More pairs: a curve sampled by
    // cross sections, along which the text is spread evenly (the detector and the generator place pair
    // points linearly), but a perspective map of a pair-to-pair quad foreshortens towards its shorter side:
    // on an arc of radius 5 text heights it moves the middle row by 5% of the height. Cutting every quad
    // into kBands stacked bands at even steps along its pairs makes that error kBands^2 times smaller.
    const int kBands = n == 2 ? 1 : 4;
    std::vector<int> rowBegin(kBands + 1);
    for (int b = 0; b <= kBands; ++b)
        rowBegin[b] = b == kBands ? h : (int)std::ceil((double)b * (h - 1) / kBands);

    for (int i = 0; i + 1 < n; ++i)
    {
        // Columns owned by this quad: [begin, end); the last quad takes the last one.
        const int begin = (int)std::ceil(x[i]);
        const int end = i + 2 == n ? w : (int)std::ceil(x[i + 1]);
        if (end <= begin)
            continue;  // two pairs less than a pixel apart along the text
        for (int b = 0; b < kBands; ++b)
        {
            if (rowBegin[b + 1] <= rowBegin[b])
                continue;
            const float f0 = (float)b / kBands, f1 = (float)(b + 1) / kBands;
            const float y0 = f0 * (h - 1), y1 = f1 * (h - 1);
            const Point2f src[4] = { g.top[i] + f0 * (g.bottom[i] - g.top[i]),
                                     g.top[i + 1] + f0 * (g.bottom[i + 1] - g.top[i + 1]),
                                     g.top[i + 1] + f1 * (g.bottom[i + 1] - g.top[i + 1]),
                                     g.top[i] + f1 * (g.bottom[i] - g.top[i]) };
            Point2f dst[4] = { Point2f(x[i], y0), Point2f(x[i + 1], y0), Point2f(x[i + 1], y1), Point2f(x[i], y1) };
            Rect tile(begin, rowBegin[b], end - begin, rowBegin[b + 1] - rowBegin[b]);
            if (g.vertical)
            {
                // A vertical line is laid out as a column directly, the strip turned 90 degrees clockwise: strip
                // (x, y) lands on column (h-1-y, x); this keeps one code path for both.
                for (Point2f& p : dst)
                    p = Point2f(h - 1 - p.y, p.x);
                tile = Rect(h - tile.y - tile.height, tile.x, tile.height, tile.width);
            }
            // Each tile is warped on its own, so shift dst to the tile's origin; for a 4-point polygon the shift
            // is 0 and this is exactly the plain getPerspectiveTransform + warpPerspective.
            for (Point2f& p : dst)
                p -= Point2f((float)tile.x, (float)tile.y);
            Mat part = strip(tile);
            warpPerspective(image, part, quadTransform(src, dst), tile.size(), INTER_LINEAR, BORDER_REPLICATE);
        }
    }
}

}  // namespace adaptivetext

void AdaptiveTextDetector::detectAndRectify(InputArray frame, std::vector<std::vector<Point> >& detections,
                                            std::vector<float>& confidences, OutputArrayOfArrays strips,
                                            int height) const
{
    CV_TRACE_FUNCTION();
    CV_CheckGE(height, 0, "detectAndRectify: height must be >= 0 (0 = each polygon's mean pair length)");
    detect(frame, detections, confidences);
    const Mat image = frame.getMat();
    std::vector<Mat> out(detections.size());
    for (size_t i = 0; i < detections.size(); ++i)
    {
        // Clipping to the frame can flatten a polygon at the border to zero area; one such detection must
        // not cost the caller the strips of all the others.
        try
        {
            adaptivetext::rectifyText(image, detections[i], out[i], height);
        }
        catch (const cv::Exception&)
        {
            out[i].release();
        }
    }
    if (strips.needed())
    {
        strips.create((int)out.size(), 1, 0, -1, true);
        for (size_t i = 0; i < out.size(); ++i)
        {
            strips.create(out[i].size(), out[i].type(), (int)i, true);
            out[i].copyTo(strips.getMat((int)i));
        }
    }
}

}  // namespace cv
