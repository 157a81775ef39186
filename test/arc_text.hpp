// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Text bent along a circular arc with exactly known point pairs, for the rectification and reading tests.
// The straight rendering is bent by an exact inverse polar map (remap), so the arc image and its point pairs
// are consistent to floating-point precision; whatever the rectified strip loses is rectifyText's doing.
#ifndef ADAPTIVETEXT_TEST_ARC_TEXT_HPP
#define ADAPTIVETEXT_TEST_ARC_TEXT_HPP

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace adaptivetext_test {

struct ArcText
{
    cv::Mat straight;                    // the text, straight: black on white, 8UC1, h rows
    cv::Mat image;                       // the same text bent along the arc, 8UC1
    std::vector<cv::Point2f> polygon;    // point pairs in the detector's vertex order
};

/** Black Hershey text on white, `height` rows, with a margin of height/4 left and right. */
inline cv::Mat renderStraight(const std::string& text, int height)
{
    const int font = cv::FONT_HERSHEY_DUPLEX;
    int base = 0;
    const cv::Size unit = cv::getTextSize(text, font, 1.0, 1, &base);
    const double scale = 0.6 * height / unit.height;  // cap height 60% of the strip
    const int thickness = std::max(1, (int)std::lround(scale * 1.2));
    const cv::Size size = cv::getTextSize(text, font, scale, thickness, &base);
    cv::Mat strip(height, size.width + height / 2, CV_8UC1, cv::Scalar(255));
    cv::putText(strip, text, cv::Point(height / 4, (height + size.height) / 2), font, scale, cv::Scalar(0),
                thickness, cv::LINE_AA);
    return strip;
}

/** Bends `straight` onto an arc over the top of a circle (text reading clockwise, its top outwards):
 *  strip column x goes to the angle -pi/2 + span * (x / (w-1) - 1/2), strip row y to the radius
 *  rOuter - y, with the middle row on radius `midRadius`. `pairs` point pairs sample the arc evenly. */
inline ArcText bendOnArc(const cv::Mat& straight, double midRadius, double span, int pairs)
{
    ArcText arc;
    arc.straight = straight;
    const int w = straight.cols, h = straight.rows;
    const double rOuter = midRadius + (h - 1) / 2.0, rInner = rOuter - (h - 1);
    const double theta0 = -CV_PI / 2 - span / 2;
    CV_Assert(span > 0 && span <= CV_PI && rInner > 0);
    // The image holds the whole annulus sector with a 10-pixel margin; its ends are its lowest points.
    const double halfWidth = rOuter * std::sin(span / 2);
    const cv::Point2d centre(halfWidth + 10, rOuter + 10);
    const int cols = (int)std::ceil(2 * halfWidth + 20);
    const int rows = (int)std::ceil(centre.y - rInner * std::cos(span / 2) + 10);
    cv::Mat mapX(rows, cols, CV_32F), mapY(rows, cols, CV_32F);
    for (int v = 0; v < rows; ++v)
        for (int u = 0; u < cols; ++u)
        {
            const double dx = u - centre.x, dy = v - centre.y;
            double theta = std::atan2(dy, dx);
            if (theta > CV_PI / 2)
                theta -= 2 * CV_PI;  // keep the sector around -pi/2 continuous
            mapX.at<float>(v, u) = (float)((theta - theta0) / span * (w - 1));
            mapY.at<float>(v, u) = (float)(rOuter - std::sqrt(dx * dx + dy * dy));
        }
    cv::remap(straight, arc.image, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
    std::vector<cv::Point2f> top, bottom;
    for (int i = 0; i < pairs; ++i)
    {
        const double theta = theta0 + span * i / (pairs - 1);
        const cv::Point2d dir(std::cos(theta), std::sin(theta));
        top.push_back(cv::Point2f(centre + rOuter * dir));
        bottom.push_back(cv::Point2f(centre + rInner * dir));
    }
    arc.polygon = top;
    arc.polygon.insert(arc.polygon.end(), bottom.rbegin(), bottom.rend());
    return arc;
}

/** Normalised cross-correlation (zero-mean) of two images of one size. */
inline double ncc(const cv::Mat& a, const cv::Mat& b)
{
    CV_Assert(a.size() == b.size() && a.type() == b.type());
    cv::Mat r;
    cv::matchTemplate(a, b, r, cv::TM_CCOEFF_NORMED);
    return r.at<float>(0, 0);
}

/** Levenshtein distance over bytes (the test strings are ASCII). */
inline int editDistance(const std::string& a, const std::string& b)
{
    std::vector<int> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = (int)j;
    for (size_t i = 1; i <= a.size(); ++i)
    {
        int diagonal = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= b.size(); ++j)
        {
            const int next = std::min({ row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0) });
            diagonal = row[j];
            row[j] = next;
        }
    }
    return row[b.size()];
}

/** Lower case, runs of blanks as one space, no surrounding blanks. */
inline std::string normaliseText(const std::string& s)
{
    std::string out;
    for (char c : s)
    {
        const bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
        if (blank)
        {
            if (!out.empty() && out.back() != ' ')
                out += ' ';
        }
        else
            out += (char)std::tolower((unsigned char)c);
    }
    if (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

/** Character accuracy: 1 - edit distance / length of the truth, at least 0, on normalised texts. */
inline double characterAccuracy(const std::string& read, const std::string& truth)
{
    const std::string r = normaliseText(read), t = normaliseText(truth);
    return std::max(0.0, 1.0 - (double)editDistance(r, t) / std::max<size_t>(1, t.size()));
}

}  // namespace adaptivetext_test

#endif  // ADAPTIVETEXT_TEST_ARC_TEXT_HPP
