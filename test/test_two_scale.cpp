// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Two-scale detection (AdaptiveTextDetector::setSmallTextPass): the merge keeps thick polygons from the first
// pass and thin ones from the second, measured on the minimum-area rectangle (hand-made polygons); and the
// detector's two passes give exactly the union of two one-pass runs split that way (the shipped model on the
// shipped sample, every polygon kept by NMS 1, so no suppression hides a difference).
#include "postprocess.hpp"

#include <opencv2/adaptivetext.hpp>
#include <opencv2/imgcodecs.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace cv;
namespace ad = cv::adaptivetext::detail;

namespace {

const std::string kRoot = ADAPTIVETEXT_SOURCE_DIR;

std::vector<Point2f> rect(float cx, float cy, float w, float h, float degrees)
{
    Point2f p[4];
    RotatedRect(Point2f(cx, cy), Size2f(w, h), degrees).points(p);
    return std::vector<Point2f>(p, p + 4);
}

float thickness(const std::vector<Point>& poly)
{
    const Size2f s = minAreaRect(poly).size;
    return std::min(s.width, s.height);
}

// Polygons with their scores, sorted, so that two runs compare as sets.
std::vector<std::pair<std::vector<Point>, float> > asSet(const std::vector<std::vector<Point> >& polys,
                                                          const std::vector<float>& scores)
{
    std::vector<std::pair<std::vector<Point>, float> > out;
    for (size_t i = 0; i < polys.size(); ++i)
        out.emplace_back(polys[i], scores[i]);
    std::sort(out.begin(), out.end(), [](const std::pair<std::vector<Point>, float>& a,
                                         const std::pair<std::vector<Point>, float>& b) {
        if (a.second != b.second)
            return a.second > b.second;
        return std::lexicographical_compare(a.first.begin(), a.first.end(), b.first.begin(), b.first.end(),
                                            [](const Point& u, const Point& v) {
                                                return u.x != v.x ? u.x < v.x : u.y < v.y;
                                            });
    });
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(two_scale)

BOOST_AUTO_TEST_CASE(merge_takes_thick_polygons_from_the_first_pass_and_thin_ones_from_the_second)
{
    ad::TextPolygons first, second;
    // first pass: 40 px thick (kept), 10 px thick (dropped), a 45-degree line 10 px thick whose upright
    // bounding box is 77 px high (dropped: the thickness is the rotated rectangle's, not the box's)
    first.polygons = { rect(100, 100, 200, 40, 0), rect(100, 200, 200, 10, 0), rect(300, 300, 100, 10, 45) };
    first.scores = { 0.9f, 0.8f, 0.85f };
    // second pass: 12 px (kept), 50 px (dropped), 19.5 px (kept, just under the split of 20)
    second.polygons = { rect(100, 200, 200, 12, 0), rect(100, 100, 200, 50, 0), rect(50, 400, 80, 19.5f, 10) };
    second.scores = { 0.7f, 0.95f, 0.6f };
    const ad::TextPolygons merged = ad::mergeScales(first, second, 20.f);
    BOOST_REQUIRE_EQUAL(merged.polygons.size(), 3u);
    BOOST_CHECK_EQUAL(merged.scores[0], 0.9f);
    BOOST_CHECK_EQUAL(merged.scores[1], 0.7f);
    BOOST_CHECK_EQUAL(merged.scores[2], 0.6f);
    BOOST_CHECK(merged.polygons[0] == first.polygons[0]);
    BOOST_CHECK(merged.polygons[1] == second.polygons[0]);
    BOOST_CHECK(merged.polygons[2] == second.polygons[2]);
}

BOOST_AUTO_TEST_CASE(shipped_defaults)
{
    Ptr<AdaptiveTextDetector> lines = AdaptiveTextDetector::create("");
    BOOST_CHECK_EQUAL(lines->getSideLength(), 512);
    BOOST_CHECK_EQUAL(lines->getSmallTextSideLength(), 672);
    BOOST_CHECK_EQUAL(lines->getSmallTextSplitHeight(), 32.f);
    Ptr<AdaptiveTextDetector> words = AdaptiveTextDetector::create("words");
    BOOST_CHECK_EQUAL(words->getSideLength(), 512);
    BOOST_CHECK_EQUAL(words->getSmallTextSideLength(), 1120);
    BOOST_CHECK_EQUAL(words->getSmallTextSplitHeight(), 32.f);
    BOOST_CHECK_EQUAL(words->getScoreThreshold(), 0.85f);
}

BOOST_AUTO_TEST_CASE(two_passes_are_the_union_of_two_single_passes)
{
    const Mat sample = imread(kRoot + "/data/samples/curved_text.jpg");
    BOOST_REQUIRE(!sample.empty());
    // 640x480, smaller than the second pass's input, so that each pass resizes the frame itself, as one pass does
    // (larger frames are shrunk once for both: the next test)
    Mat image;
    resize(sample, image, Size(640, 480), 0, 0, INTER_AREA);
    const int firstSide = 480, secondSide = 704;
    Ptr<AdaptiveTextDetector> det = AdaptiveTextDetector::create("", Size(), 0.7f, 1.f);  // NMS 1: keep all
    det->setVerifier("");  // the passes and their merge alone (the verifier: test_verifier.cpp)
    det->setInputSizePolicy(AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, firstSide);

    std::vector<std::vector<Point> > polys[2], both;
    std::vector<float> scores[2], bothScores;
    det->setSmallTextPass(0, 24.f);
    det->detect(image, polys[0], scores[0]);
    det->setInputSizePolicy(AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, secondSide);
    det->detect(image, polys[1], scores[1]);
    det->setInputSizePolicy(AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, firstSide);

    // The detector measures float polygons, this test their integer vertices: pick a split (in frame pixels)
    // that no polygon lies within 1.5 px of, and that takes polygons from both passes.
    float frameSplit = -1.f;
    for (float candidate = 10.f; candidate < 80.f && frameSplit < 0; candidate += 0.5f)
    {
        bool clear = true, thickFirst = false, thinSecond = false;
        for (int pass = 0; pass < 2; ++pass)
            for (const std::vector<Point>& p : polys[pass])
            {
                clear = clear && std::abs(thickness(p) - candidate) > 1.5f;
                thickFirst = thickFirst || (pass == 0 && thickness(p) >= candidate);
                thinSecond = thinSecond || (pass == 1 && thickness(p) < candidate);
            }
        if (clear && thickFirst && thinSecond)
            frameSplit = candidate;
    }
    BOOST_REQUIRE_MESSAGE(frameSplit > 0, "no split on this image takes polygons from both passes");
    // the frame is 640 px wide, landscape: the first pass's input is 480/640 of it
    det->setSmallTextPass(secondSide, frameSplit * firstSide / (float)image.cols);
    det->detect(image, both, bothScores);

    std::vector<std::vector<Point> > expected;
    std::vector<float> expectedScores;
    for (int pass = 0; pass < 2; ++pass)
    {
        for (size_t i = 0; i < polys[pass].size(); ++i)
        {
            if ((thickness(polys[pass][i]) < frameSplit) == (pass == 1))
            {
                expected.push_back(polys[pass][i]);
                expectedScores.push_back(scores[pass][i]);
            }
        }
    }
    BOOST_TEST_MESSAGE("one pass 480: " << polys[0].size() << ", 704: " << polys[1].size() << ", two passes: "
                                        << both.size() << " (split " << frameSplit << " frame px)");
    BOOST_CHECK(asSet(both, bothScores) == asSet(expected, expectedScores));

    // a second pass at the first pass's own side, taking every polygon, changes nothing
    det->setSmallTextPass(firstSide, (float)AdaptiveTextDetector::MAX_INPUT_SIDE);
    det->detect(image, both, bothScores);
    BOOST_CHECK(asSet(both, bothScores) == asSet(polys[0], scores[0]));
}

BOOST_AUTO_TEST_CASE(a_frame_larger_than_both_inputs_is_shrunk_once_for_both)
{
    // 800x600 under passes at 512 and 672: the detector resizes it once to 672x512 and takes 512x384 from that
    // copy. Detecting on that copy itself must give the same polygons, scaled by 800/672, and the same scores.
    const Mat frame = imread(kRoot + "/data/samples/curved_text.jpg");
    BOOST_REQUIRE_EQUAL(frame.cols, 800);
    Mat copy;
    resize(frame, copy, Size(672, 512), 0, 0, INTER_AREA);
    Ptr<AdaptiveTextDetector> det = AdaptiveTextDetector::create("", Size(), 0.7f, 1.f);
    det->setVerifier("");  // the passes and their merge alone (the verifier: test_verifier.cpp)
    det->setInputSizePolicy(AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, 512);
    det->setSmallTextPass(672, 32.f);
    std::vector<std::vector<Point> > onFrame, onCopy;
    std::vector<float> frameScores, copyScores;
    det->detect(frame, onFrame, frameScores);
    det->detect(copy, onCopy, copyScores);
    BOOST_REQUIRE_GT(onFrame.size(), 0u);
    BOOST_REQUIRE_EQUAL(onFrame.size(), onCopy.size());
    const double sx = 800.0 / 672, sy = 600.0 / 512;
    for (size_t i = 0; i < onFrame.size(); ++i)  // both in descending score order, ties in the same order
    {
        BOOST_CHECK_EQUAL(frameScores[i], copyScores[i]);
        BOOST_REQUIRE_EQUAL(onFrame[i].size(), onCopy[i].size());
        for (size_t v = 0; v < onFrame[i].size(); ++v)
        {
            BOOST_CHECK_LE(std::abs(onFrame[i][v].x - onCopy[i][v].x * sx), 2.0);
            BOOST_CHECK_LE(std::abs(onFrame[i][v].y - onCopy[i][v].y * sy), 2.0);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
