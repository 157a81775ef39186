// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The candidate verifier (AdaptiveTextDetector::setVerifier, doc/detector.md "Verifier"): its crops, shape inputs
// and scores against the training code in PyTorch (tools/testdata/gen_verifier.py), its settings and errors, and
// the detector's use of it (the same as rescoring its candidates by hand, then the threshold and the NMS).
#include "candidate_verifier.hpp"
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>
#include <opencv2/imgcodecs.hpp>

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace cv;
namespace ad = cv::adaptivetext::detail;
using namespace adaptivetext_test;

namespace {

const std::string kRoot = ADAPTIVETEXT_SOURCE_DIR;
const std::string kImage = kRoot + "/data/samples/curved_text.jpg";
const std::string kVerifier = kRoot + "/data/models/adaptivetext_verifier.onnx";

// The reference case's candidates: 8 vertices each, in frame pixels.
ad::TextPolygons referenceCandidates()
{
    const Mat polys = readNpy(dataPath("verifier_case.polygons.npy"));
    const Mat scores = readNpy(dataPath("verifier_case.scores.npy"));
    ad::TextPolygons c;
    for (int i = 0; i < polys.size[0]; ++i)
    {
        const float* p = polys.ptr<float>(i);
        std::vector<Point2f> poly;
        for (int k = 0; k < polys.size[1]; ++k)
            poly.emplace_back(p[2 * k], p[2 * k + 1]);
        c.polygons.push_back(poly);
        c.scores.push_back(scores.ptr<float>()[i]);
    }
    return c;
}

Mat column(const std::vector<float>& v)
{
    return Mat(v, true).reshape(1, (int)v.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(verifier)

BOOST_AUTO_TEST_CASE(crops_and_shapes_are_the_training_code_s)
{
    const Mat frame = imread(kImage);
    BOOST_REQUIRE(!frame.empty());
    const ad::TextPolygons c = referenceCandidates();
    // Candidate 0 lies flat and wide; candidate 3 is 12 x 3 pixels at -40 degrees (the padding dominates).
    for (int k : { 0, 3 })
    {
        Mat crop;
        ad::verifierCrop(frame, c.polygons[k]).convertTo(crop, CV_32F);
        const Mat ref = readNpy(dataPath(format("verifier_case.crop%d.npy", k)));
        BOOST_REQUIRE_EQUAL(crop.total() * crop.channels(), ref.total());
        // Bilinear warps of the same rectangle: the vertices differ only by float rounding.
        BOOST_CHECK_LE(maxAbsDiff(crop.reshape(1, 1), ref.reshape(1, 1)), 2.0);
    }
    const Mat shapes = readNpy(dataPath("verifier_case.shapes.npy"));
    for (size_t i = 0; i < c.polygons.size(); ++i)
    {
        const Vec2f s = ad::verifierShape(c.polygons[i], frame.size());
        BOOST_CHECK_CLOSE_FRACTION(s[0] + 10.f, shapes.at<float>((int)i, 0) + 10.f, 1e-5);
        BOOST_CHECK_CLOSE_FRACTION(s[1] + 10.f, shapes.at<float>((int)i, 1) + 10.f, 1e-5);
    }
}

BOOST_AUTO_TEST_CASE(shipped_verifier_scores_as_the_pytorch_network)
{
    const Mat frame = imread(kImage);
    ad::CandidateVerifier verifier(kVerifier);
    const ad::TextPolygons c = referenceCandidates();
    const Mat expected = readNpy(dataPath("verifier_case.expected.npy")).reshape(1, (int)c.scores.size());
    // Candidates 0-5 are straight; 6 is an arc, gated: it keeps its own score.
    checkClose(column(verifier.rescore(frame, c)), expected, "new scores, 7 candidates", 2e-3);
    BOOST_CHECK_LT(ad::fillRatio(c.polygons[6]), ad::VERIFIER_MIN_FILL);
    BOOST_CHECK_GT(ad::fillRatio(c.polygons[0]), 0.99f);  // a rectangle fills its own rectangle
    // One Net, run at other batch sizes in turn (1, then 2), gives each candidate the same score.
    for (size_t first : { (size_t)4, (size_t)1 })
    {
        ad::TextPolygons part;
        for (size_t i = first; i < std::min(first + (first == 4 ? 1 : 2), c.polygons.size()); ++i)
        {
            part.polygons.push_back(c.polygons[i]);
            part.scores.push_back(c.scores[i]);
        }
        const std::vector<float> got = verifier.rescore(frame, part);
        BOOST_REQUIRE_EQUAL(got.size(), part.scores.size());
        for (size_t i = 0; i < got.size(); ++i)
            BOOST_CHECK_SMALL(got[i] - expected.at<float>((int)(first + i)), 2e-3f);
    }
    // Gray and BGRA frames are read as the BGR image they show.
    Mat gray, bgra, grayBgr;
    cvtColor(frame, gray, COLOR_BGR2GRAY);
    cvtColor(gray, grayBgr, COLOR_GRAY2BGR);
    cvtColor(frame, bgra, COLOR_BGR2BGRA);
    checkClose(column(verifier.rescore(gray, c)), column(verifier.rescore(grayBgr, c)), "gray frame", 1e-6);
    checkClose(column(verifier.rescore(bgra, c)), expected, "BGRA frame", 2e-3);
    BOOST_CHECK(verifier.rescore(frame, ad::TextPolygons()).empty());
}

BOOST_AUTO_TEST_CASE(the_shipped_line_model_starts_with_it_and_it_goes_by_name)
{
    // The shipped line model, by name, as the default or by its path, starts with the shipped verifier; the word
    // model and any other model start without one.
    for (const String& name : { String("lines"), String(""), AdaptiveTextDetector::findModel("lines") })
    {
        const String path = AdaptiveTextDetector::create(name)->getVerifier();
        BOOST_CHECK_MESSAGE(path.size() >= 26 && path.substr(path.size() - 26) == "adaptivetext_verifier.onnx",
                            "'" << name << "' starts with verifier '" << path << "'");
    }
    Ptr<AdaptiveTextDetector> lines = AdaptiveTextDetector::create("lines");
    BOOST_CHECK_CLOSE(lines->getVerifierCandidateScore(), 0.2045f, 1e-4);
    lines->setVerifier("");
    BOOST_CHECK(lines->getVerifier().empty());
    lines->setVerifier("verifier");
    const String path = lines->getVerifier();
    BOOST_CHECK(path.size() >= 26 && path.substr(path.size() - 26) == "adaptivetext_verifier.onnx");
    lines->setVerifier("", 0.3f);
    BOOST_CHECK(lines->getVerifier().empty());
    BOOST_CHECK_CLOSE(lines->getVerifierCandidateScore(), 0.3f, 1e-4);
    lines->setVerifier(kVerifier, 0.25f);  // by path
    BOOST_CHECK(lines->getVerifier() == kVerifier);
    BOOST_CHECK(AdaptiveTextDetector::create("words")->getVerifier().empty());
}

BOOST_AUTO_TEST_CASE(bad_verifiers_and_settings_fail_and_change_nothing)
{
    Ptr<AdaptiveTextDetector> d = AdaptiveTextDetector::create("lines");
    d->setVerifier("verifier");
    const String before = d->getVerifier();
    // The line model is ONNX but not a verifier: it fails when probed, in setVerifier, not in detect().
    std::string msg = errorOf([&] { d->setVerifier(AdaptiveTextDetector::findModel("lines")); }, Error::StsBadArg);
    BOOST_CHECK_MESSAGE(msg.find("is not an adaptivetext verifier") != std::string::npos, msg);
    const std::string corrupt = "verifier_corrupt.onnx";
    {
        std::ofstream f(corrupt, std::ios::binary);
        f << "not a protobuf at all";
    }
    msg = errorOf([&] { d->setVerifier(corrupt); }, Error::StsParseError);
    BOOST_CHECK_MESSAGE(msg.find("cannot read the verifier") != std::string::npos, msg);
    std::remove(corrupt.c_str());
    errorOf([&] { d->setVerifier("no/such/verifier.onnx"); }, Error::StsParseError);
    errorOf([&] { d->setVerifier("verifier", std::numeric_limits<float>::quiet_NaN()); }, Error::StsOutOfRange);
    errorOf([&] { d->setVerifier("verifier", 1.5f); }, Error::StsOutOfRange);
    BOOST_CHECK(d->getVerifier() == before);
    BOOST_CHECK_CLOSE(d->getVerifierCandidateScore(), 0.2045f, 1e-4);
}

BOOST_AUTO_TEST_CASE(near_duplicates_never_reach_the_verifier_by_hand)
{
    // Rectangles 20 px thick. C (10..110) is the highest; A (0..100) overlaps it by 90 x 20: IoU 1800 / 2200 = 0.818,
    // dropped; B (0..60) overlaps C by 50 x 20: 1000 / 2200 = 0.455, kept (A, dropped, is not compared); D is
    // apart; E is D again with the same score: the earlier of a tie stays.
    auto rect = [](float x0, float y0, float x1, float y1) {
        return std::vector<Point2f>{ Point2f(x0, y0), Point2f(x1, y0), Point2f(x1, y1), Point2f(x0, y1) };
    };
    ad::TextPolygons c;
    c.polygons = { rect(0, 0, 100, 20), rect(0, 0, 60, 20), rect(10, 0, 110, 20), rect(0, 50, 100, 70),
                   rect(0, 50, 100, 70) };
    c.scores = { 0.9f, 0.85f, 0.95f, 0.3f, 0.3f };
    const ad::TextPolygons kept = ad::distinctCandidates(c, ad::VERIFIER_DEDUP_IOU);
    BOOST_REQUIRE_EQUAL(kept.scores.size(), 3u);
    BOOST_CHECK(kept.polygons[0] == c.polygons[1] && kept.polygons[1] == c.polygons[2] &&
                kept.polygons[2] == c.polygons[3]);  // the original order
    BOOST_CHECK_EQUAL(kept.scores[0], 0.85f);
    BOOST_CHECK_EQUAL(kept.scores[1], 0.95f);
    BOOST_CHECK_EQUAL(kept.scores[2], 0.3f);
    // At IoU 0.9 A stays (0.818 < 0.9); at 0.4 B goes too (0.455 >= 0.4).
    BOOST_CHECK_EQUAL(ad::distinctCandidates(c, 0.9f).scores.size(), 4u);
    BOOST_CHECK_EQUAL(ad::distinctCandidates(c, 0.4f).scores.size(), 2u);
    BOOST_CHECK(ad::distinctCandidates(ad::TextPolygons(), 0.8f).polygons.empty());
}

BOOST_AUTO_TEST_CASE(detect_is_distinct_candidates_rescored_then_threshold_then_nms)
{
    const Mat frame = imread(kImage);
    const float threshold = 0.7f, floor = 0.2045f, nms = 0.1f;
    Ptr<AdaptiveTextDetector> withVerifier = AdaptiveTextDetector::create("lines", Size(), threshold, nms);
    withVerifier->setVerifier("verifier", floor);
    // One pass, so that the hand run below sees the candidates the detector rescores (the merge of two passes is
    // tested in test_two_scale.cpp), at long side 640: there this frame's detections with the near-duplicates
    // dropped differ from those without (checked below), so the test sees whether the detector drops them.
    const int side = 640;
    withVerifier->setInputSizePolicy(AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, side);
    withVerifier->setSmallTextPass(0, 32.f);
    std::vector<std::vector<Point> > polys;
    std::vector<float> scores;
    withVerifier->detect(frame, polys, scores);
    // By hand: the candidates (no verifier, threshold = the floor, no NMS), near-duplicates dropped, rescored,
    // thresholded, suppressed.
    Ptr<AdaptiveTextDetector> plain = AdaptiveTextDetector::create("lines", Size(), floor, 1.f);
    plain->setVerifier("");
    plain->setInputSizePolicy(AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, side);
    plain->setSmallTextPass(0, 32.f);
    std::vector<std::vector<Point> > candPolys;
    std::vector<float> candScores;
    plain->detect(frame, candPolys, candScores);
    BOOST_REQUIRE_GT(candPolys.size(), polys.size());  // the verifier sees more than it keeps
    ad::TextPolygons all;
    for (size_t i = 0; i < candPolys.size(); ++i)
    {
        all.polygons.push_back(std::vector<Point2f>(candPolys[i].begin(), candPolys[i].end()));
        all.scores.push_back(candScores[i]);
    }
    ad::CandidateVerifier verifier(kVerifier);
    auto byHand = [&](float duplicateIoU) {
        const ad::TextPolygons cands = ad::distinctCandidates(all, duplicateIoU);
        const std::vector<float> rescored = verifier.rescore(frame, cands);
        ad::TextPolygons kept;
        for (size_t i = 0; i < rescored.size(); ++i)
        {
            // The hand run rescores the integer rounding of the detector's float vertices: a candidate this close
            // to the threshold could fall on either side, and the comparison would say nothing.
            BOOST_REQUIRE_MESSAGE(std::abs(rescored[i] - threshold) > 0.01f, "candidate " << i << " is borderline");
            if (rescored[i] >= threshold)
            {
                kept.polygons.push_back(cands.polygons[i]);
                kept.scores.push_back(rescored[i]);
            }
        }
        return ad::suppressOverlaps(kept, nms);
    };
    auto same = [](const ad::TextPolygons& a, const ad::TextPolygons& b) {
        if (a.polygons.size() != b.polygons.size())
            return false;
        for (size_t i = 0; i < a.polygons.size(); ++i)
            if (a.polygons[i] != b.polygons[i])
                return false;
        return true;
    };
    // The integer rounding also moves a pair's IoU by up to about 0.01, and this frame has pairs near 0.8: the hand
    // run brackets the detector's duplicate IoU, and both must give the same detections.
    const ad::TextPolygons expected = byHand(ad::VERIFIER_DEDUP_IOU - 0.02f);
    BOOST_REQUIRE(same(byHand(ad::VERIFIER_DEDUP_IOU + 0.02f), expected));
    BOOST_REQUIRE(!same(byHand(1.01f), expected));  // without the dedup (no IoU reaches 1.01) they differ
    BOOST_REQUIRE_EQUAL(polys.size(), expected.polygons.size());
    for (size_t i = 0; i < polys.size(); ++i)
    {
        // The detector rescored float vertices, the hand run their integer rounding: scores agree closely.
        BOOST_CHECK_SMALL(scores[i] - expected.scores[i], 0.02f);
        BOOST_CHECK_GE(scores[i], threshold);
        BOOST_CHECK(polys[i] == std::vector<Point>(expected.polygons[i].begin(), expected.polygons[i].end()));
    }
}

BOOST_AUTO_TEST_SUITE_END()
