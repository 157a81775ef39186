// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// cv::adaptivetext::rectifyText and AdaptiveTextDetector::detectAndRectify: the 4-point case against
// warpPerspective, text bent on an arc with known point pairs against its straight rendering, vertical text,
// polygon formats and the errors for bad polygons.
#include "arc_text.hpp"
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>
#include <opencv2/imgproc.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>

namespace {

using namespace adaptivetext_test;
using cv::adaptivetext::rectifyText;

cv::Mat randomImage(cv::Size size, int type)
{
    cv::Mat img(size, type);
    cv::RNG rng(12);
    rng.fill(img, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(img, img, cv::Size(5, 5), 1.5);  // some structure for bilinear sampling to interpolate
    return img;
}

/** The rectified arc and the straight rendering resized to the strip's size. */
std::pair<cv::Mat, cv::Mat> rectifiedAndStraight(const ArcText& arc)
{
    cv::Mat strip, straight;
    rectifyText(arc.image, arc.polygon, strip, arc.straight.rows);
    cv::resize(arc.straight, straight, strip.size(), 0, 0, cv::INTER_AREA);
    return std::make_pair(strip, straight);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rectify)

BOOST_AUTO_TEST_CASE(four_points_are_exactly_get_perspective_transform_and_warp_perspective)
{
    for (int type : { CV_8UC1, CV_8UC3, CV_8UC4, CV_32FC1 })
    {
        const cv::Mat img = randomImage(cv::Size(160, 120), type);
        // A rotated, perspective quad: top left-to-right, then bottom right-to-left.
        const std::vector<cv::Point2f> quad = { { 20.5f, 30.f }, { 130.f, 10.25f }, { 140.f, 60.f }, { 25.f, 85.f } };
        cv::Mat strip;
        rectifyText(img, quad, strip);
        // mean pair length = (|q0 q3| + |q1 q2|) / 2; width = centre-line length (one segment) at scale 1
        const double pair = 0.5 * (cv::norm(quad[0] - quad[3]) + cv::norm(quad[1] - quad[2]));
        const double centre = cv::norm(0.5f * (quad[1] + quad[2]) - 0.5f * (quad[0] + quad[3]));
        const int h = cvRound(pair);
        const cv::Size size(cvRound(centre * (h - 1) / pair) + 1, h);
        BOOST_REQUIRE_EQUAL(strip.size(), size);
        const cv::Point2f dst[4] = { { 0.f, 0.f }, { size.width - 1.f, 0.f }, { size.width - 1.f, size.height - 1.f },
                                     { 0.f, size.height - 1.f } };
        cv::Mat ref;
        cv::warpPerspective(img, ref, cv::getPerspectiveTransform(quad.data(), dst), size, cv::INTER_LINEAR,
                            cv::BORDER_REPLICATE);
        BOOST_CHECK_EQUAL(strip.type(), type);
        BOOST_CHECK_EQUAL(cv::norm(strip, ref, cv::NORM_INF), 0.0);

        // With a height, both directions scale by height / mean pair length.
        rectifyText(img, quad, strip, 32);
        BOOST_CHECK_EQUAL(strip.size(), cv::Size(cvRound(centre * 31 / pair) + 1, 32));
    }
}

BOOST_AUTO_TEST_CASE(polygon_formats)
{
    const cv::Mat img = randomImage(cv::Size(100, 80), CV_8UC3);
    const std::vector<cv::Point> ints = { { 10, 10 }, { 50, 5 }, { 90, 20 }, { 88, 50 }, { 50, 40 }, { 12, 40 } };
    cv::Mat ref, strip;
    rectifyText(img, ints, ref);
    const std::vector<cv::Point2f> floats(ints.begin(), ints.end());
    rectifyText(img, floats, strip);
    BOOST_CHECK_EQUAL(cv::norm(strip, ref, cv::NORM_INF), 0.0);
    cv::Mat nx2;  // N x 2, float64
    cv::Mat(ints).reshape(1).convertTo(nx2, CV_64F);
    BOOST_REQUIRE_EQUAL(nx2.size(), cv::Size(2, 6));
    rectifyText(img, nx2, strip);
    BOOST_CHECK_EQUAL(cv::norm(strip, ref, cv::NORM_INF), 0.0);
}

BOOST_AUTO_TEST_CASE(arc_text_matches_its_straight_rendering)
{
    // NCC threshold 0.9. What it has to separate (values printed below): a correct unwarp only resamples twice
    // (bend with remap, unwarp with warpPerspective, each bilinear) and replaces the arc by 16 chords, whose
    // sagitta R (1 - cos(dtheta / 2)) is 0.6 px here (R = 193 px, 5 text heights): measured 0.95. Being off by
    // one pixel, less than a stroke width (3 px), costs more than 0.1 (the straight text's NCC with itself
    // shifted by 1 px: 0.78), and the plain bounding-box crop of the arc scores about 0. So 0.9 fails an unwarp
    // that is a pixel off, yet leaves room for interpolation differences between OpenCV builds.
    const cv::Mat straight = renderStraight("Curved text reads straight", 40);
    const double span = 0.8 * CV_PI;
    const ArcText arc = bendOnArc(straight, (straight.cols - 1) / span, span, 17);
    const std::pair<cv::Mat, cv::Mat> r = rectifiedAndStraight(arc);
    BOOST_REQUIRE_EQUAL(r.first.rows, straight.rows);
    BOOST_CHECK_LE(std::abs(r.first.cols - straight.cols), 2);  // chords are shorter than the arc, by < 0.2%
    const double rectified = ncc(r.first, r.second);

    cv::Mat shifted, crop;
    cv::warpAffine(r.second, shifted, cv::Matx23d(1, 0, 1, 0, 1, 0), r.second.size(), cv::INTER_LINEAR,
                   cv::BORDER_REPLICATE);
    cv::resize(arc.image(cv::boundingRect(arc.polygon)), crop, r.second.size(), 0, 0, cv::INTER_AREA);
    const double oneOff = ncc(shifted, r.second), boxCrop = ncc(crop, r.second);
    BOOST_TEST_MESSAGE("NCC with the straight rendering: rectified " << rectified << ", straight shifted by 1 px "
                       << oneOff << ", bounding-box crop " << boxCrop);
    BOOST_CHECK_GT(rectified, 0.9);
    BOOST_CHECK_LT(oneOff, 0.9);
    BOOST_CHECK_LT(boxCrop, 0.5);

    // Fewer pairs, coarser chords (sagitta 9 px with 5 pairs): the strip follows the chords, not the arc.
    const std::pair<cv::Mat, cv::Mat> coarse = rectifiedAndStraight(bendOnArc(straight, (straight.cols - 1) / span, span, 5));
    BOOST_TEST_MESSAGE("NCC with 5 pairs: " << ncc(coarse.first, coarse.second));
    BOOST_CHECK_LT(ncc(coarse.first, coarse.second), rectified);
}

BOOST_AUTO_TEST_CASE(vertical_text_comes_as_an_upright_column)
{
    // Text reading downwards: a horizontal rendering turned 90 degrees clockwise. Its top boundary (the
    // rendering's first row) is the right edge, read from top to bottom.
    const cv::Mat straight = renderStraight("VERTICAL", 30);
    cv::Mat image;
    cv::rotate(straight, image, cv::ROTATE_90_CLOCKWISE);
    cv::copyMakeBorder(image, image, 5, 5, 5, 5, cv::BORDER_CONSTANT, cv::Scalar(255));
    const float l = 5.f, r = 5.f + straight.rows - 1, t = 5.f, b = 5.f + straight.cols - 1;
    const std::vector<cv::Point2f> column = { { r, t }, { r, (t + b) / 2 }, { r, b }, { l, b }, { l, (t + b) / 2 }, { l, t } };
    BOOST_CHECK(cv::adaptivetext::isVerticalText(column));
    cv::Mat strip;
    rectifyText(image, column, strip);
    // Upright column: as wide as the text is high, as tall as it is long, the image's own orientation.
    BOOST_REQUIRE_GT(strip.rows, strip.cols);
    cv::Mat ref;
    cv::resize(image(cv::Rect(5, 5, straight.rows, straight.cols)), ref, strip.size(), 0, 0, cv::INTER_AREA);
    BOOST_TEST_MESSAGE("NCC of the column with the image: " << ncc(strip, ref));
    BOOST_CHECK_GT(ncc(strip, ref), 0.9);
    // height sets the column's width for vertical text.
    rectifyText(image, column, strip, 20);
    BOOST_CHECK_EQUAL(strip.cols, 20);

    // The same line reading upwards, or sideways, stays a horizontal strip.
    const std::vector<cv::Point2f> upwards = { { l, b }, { l, t }, { r, t }, { r, b } };
    BOOST_CHECK(!cv::adaptivetext::isVerticalText(upwards));
    rectifyText(image, upwards, strip);
    BOOST_CHECK_GT(strip.cols, strip.rows);
}

BOOST_AUTO_TEST_CASE(bad_polygons_raise_errors_that_say_which)
{
    const cv::Mat img(50, 60, CV_8UC3, cv::Scalar::all(128));
    cv::Mat strip;
    auto check = [&](const std::vector<cv::Point2f>& poly, const std::string& part) {
        CHECK_HAS(errorOf([&] { rectifyText(img, poly, strip); }, cv::Error::StsBadArg), part);
    };
    check({}, "has 0 points; at least 4");
    check({ { 1, 1 }, { 10, 1 }, { 10, 10 } }, "has 3 points; at least 4");
    check({ { 1, 1 }, { 10, 1 }, { 20, 1 }, { 20, 10 }, { 10, 10 } }, "odd number of points (5)");
    check({ { 1, 1 }, { 60, 1 }, { 59, 10 }, { 1, 10 } }, "point 1 of the polygon, (60, 1), is outside the 60 x 50 image");
    check({ { 1, 1 }, { 10, -0.5f }, { 10, 10 }, { 1, 10 } }, "point 1 of the polygon, (10, -0.5), is outside");
    check({ { 1, 1 }, { 10, 1 }, { 10, NAN }, { 1, 10 } }, "point 2 of the polygon is not finite");
    check({ { 1, 1 }, { 10, 1 }, { 20, 1 }, { 30, 1 } }, "zero area");
    check({ { 5, 5 }, { 5, 5 }, { 5, 5 }, { 5, 5 } }, "zero area");
    CHECK_HAS(errorOf([&] { rectifyText(cv::Mat(), std::vector<cv::Point2f>{ { 1, 1 }, { 9, 1 }, { 9, 9 }, { 1, 9 } }, strip); }),
              "the image is empty");
    CHECK_HAS(errorOf([&] { rectifyText(img, std::vector<cv::Point2f>{ { 1, 1 }, { 9, 1 }, { 9, 9 }, { 1, 9 } }, strip, -1); }),
              "height is -1; it must be 0 (the mean pair length) or >= 2");
    // Three columns of an N x 3 array are not points.
    CHECK_HAS(errorOf([&] { rectifyText(img, cv::Mat::zeros(4, 3, CV_32F), strip); }), "vector of points or an N x 2 array");
}

BOOST_AUTO_TEST_CASE(degenerate_quads_inside_a_valid_polygon)
{
    // Two top points coincide (a triangle between pairs 1 and 2): no perspective maps it; the strip is still
    // produced, every pixel from inside the image.
    const cv::Mat img = randomImage(cv::Size(100, 80), CV_8UC1);
    const std::vector<cv::Point2f> poly = { { 10, 10 }, { 50, 10 }, { 50, 10 }, { 90, 10 },
                                            { 90, 40 }, { 60, 40 }, { 40, 40 }, { 10, 40 } };
    cv::Mat strip;
    rectifyText(img, poly, strip);
    BOOST_CHECK_EQUAL(strip.rows, 31);  // mean pair length (30 + 31.6 + 31.6 + 30) / 4
    BOOST_CHECK(cv::checkRange(strip));
}

BOOST_AUTO_TEST_CASE(detect_and_rectify_gives_one_strip_per_polygon)
{
    cv::Mat img = readNpy(dataPath("tiny_detector.image.npy"));
    cv::Mat frame;
    cv::Mat(48, 64, CV_32FC3, img.ptr<float>()).convertTo(frame, CV_8U);
    cv::Ptr<cv::AdaptiveTextDetector> det =
        cv::AdaptiveTextDetector::create(dataPath("tiny_detector.onnx"), cv::Size(64, 48), 0.5f, 0.3f);
    std::vector<std::vector<cv::Point> > polygons, plain;
    std::vector<float> scores, plainScores;
    std::vector<cv::Mat> strips;
    det->detectAndRectify(frame, polygons, scores, strips);
    det->detect(frame, plain, plainScores);
    BOOST_REQUIRE(!polygons.empty());
    BOOST_CHECK(polygons == plain);
    BOOST_CHECK(scores == plainScores);
    BOOST_REQUIRE_EQUAL(strips.size(), polygons.size());
    for (size_t i = 0; i < polygons.size(); ++i)
    {
        cv::Mat ref;
        try
        {
            rectifyText(frame, polygons[i], ref);
        }
        catch (const cv::Exception&)
        {
            BOOST_CHECK(strips[i].empty());  // unrectifiable polygons get an empty strip
            continue;
        }
        BOOST_REQUIRE_EQUAL(strips[i].size(), ref.size());
        BOOST_CHECK_EQUAL(cv::norm(strips[i], ref, cv::NORM_INF), 0.0);
    }
    det->detectAndRectify(frame, polygons, scores, strips, 16);
    for (const cv::Mat& s : strips)
        BOOST_CHECK(s.empty() || s.rows == 16 || s.cols == 16);
}

BOOST_AUTO_TEST_SUITE_END()
