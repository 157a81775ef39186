// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Evaluator protocols (icdar15, deteval, ctw1500, e2e) and readers on hand-made cases. All boxes are
// axis-aligned rectangles of height 10, so every area, IoU, sigma and tau below is worked by hand from
// their x ranges: a rectangle [x0,x1] has area 10 * (x1 - x0).
#include <boost/test/unit_test.hpp>

#include <opencv2/adaptivetext/evaluation.hpp>

#include "test_utils.hpp"

using cv::Point2f;
using namespace cv::adaptivetext;

namespace {

typedef std::vector<Point2f> Poly;

/** [x0,x1] x [0,10], clockwise in image coordinates. */
Poly box(float x0, float x1)
{
    return Poly{Point2f(x0, 0), Point2f(x1, 0), Point2f(x1, 10), Point2f(x0, 10)};
}

ImageAnnotations gtImage(const std::vector<Poly>& care, const std::vector<Poly>& dontCare = {})
{
    ImageAnnotations gt;
    gt.name = "img";
    for (const Poly& p : care)
        gt.instances.push_back(TextAnnotation{p, "CARE", false});
    for (const Poly& p : dontCare)
        gt.instances.push_back(TextAnnotation{p, "###", true});
    return gt;
}

ImageDetections predImage(const std::vector<Poly>& polys, std::vector<float> scores = {})
{
    ImageDetections pred;
    pred.name = "img";
    pred.polygons = polys;
    if (scores.empty())
        scores.assign(polys.size(), 1.0f);
    pred.scores = scores;
    return pred;
}

EvaluationResult evaluateOne(const ImageAnnotations& gt, const ImageDetections& pred, const std::string& protocol)
{
    return evaluateDetections({gt}, {pred}, protocol);
}

void checkResult(const EvaluationResult& r, double matchedGt, double matchedDet, int gtCare, int det)
{
    const double eps = 1e-9;
    BOOST_CHECK_SMALL(r.matchedGt - matchedGt, eps);
    BOOST_CHECK_SMALL(r.matchedDet - matchedDet, eps);
    BOOST_CHECK_EQUAL(r.gtCare, gtCare);
    BOOST_CHECK_EQUAL(r.det, det);
    const double p = det ? matchedDet / det : 0.0, rc = gtCare ? matchedGt / gtCare : 0.0;
    BOOST_CHECK_SMALL(r.precision - p, eps);
    BOOST_CHECK_SMALL(r.recall - rc, eps);
    BOOST_CHECK_SMALL(r.hmean - (p + rc > 0 ? 2 * p * rc / (p + rc) : 0.0), eps);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(evaluation)

BOOST_AUTO_TEST_CASE(perfect_match_all_protocols)
{
    const ImageAnnotations gt = gtImage({box(0, 10), box(20, 30)});
    const ImageDetections pred = predImage({box(20, 30), box(0, 10)});
    for (const char* protocol : {"icdar15", "deteval", "ctw1500"})
    {
        BOOST_TEST_CONTEXT(protocol)
        {
            const EvaluationResult r = evaluateOne(gt, pred, protocol);
            checkResult(r, 2, 2, 2, 2);
            BOOST_CHECK_EQUAL(r.precision, 1.0);
            BOOST_CHECK_EQUAL(r.hmean, 1.0);
            BOOST_CHECK_EQUAL(r.protocol, protocol);
        }
    }
}

BOOST_AUTO_TEST_CASE(icdar15_iou_threshold_is_strict)
{
    // Detections inside gt [0,10]: IoU = width / 10. 5.1 -> 0.51 matches, 5 -> exactly 0.5 and 4.9 -> 0.49
    // do not (the rule is IoU > 0.5).
    const ImageAnnotations gt = gtImage({box(0, 10)});
    checkResult(evaluateOne(gt, predImage({box(0, 5.1f)}), "icdar15"), 1, 1, 1, 1);
    checkResult(evaluateOne(gt, predImage({box(0, 5)}), "icdar15"), 0, 0, 1, 1);
    checkResult(evaluateOne(gt, predImage({box(0, 4.9f)}), "icdar15"), 0, 0, 1, 1);
    // Shifted instead of shrunk: [3,13] overlaps 7, union 13: IoU 0.538 matches; [3.4,13.4]: 6.6 / 13.4
    // = 0.4925 does not.
    checkResult(evaluateOne(gt, predImage({box(3, 13)}), "icdar15"), 1, 1, 1, 1);
    checkResult(evaluateOne(gt, predImage({box(3.4f, 13.4f)}), "icdar15"), 0, 0, 1, 1);
}

BOOST_AUTO_TEST_CASE(icdar15_dont_care_dropping)
{
    // Care gt [0,10], don't-care gt [20,40]. Detections: [0,10] matches; [22,32] lies fully inside the
    // don't-care region -> dropped; [34,44] has 6 of 10 inside (60 % > 50 %) -> dropped; [35,45] has
    // exactly 50 % inside -> kept, a false positive. Kept 2, matched 1: P = 1/2, R = 1/1.
    const ImageAnnotations gt = gtImage({box(0, 10)}, {box(20, 40)});
    const ImageDetections pred = predImage({box(0, 10), box(22, 32), box(34, 44), box(35, 45)});
    const EvaluationResult r = evaluateOne(gt, pred, "icdar15");
    checkResult(r, 1, 1, 1, 2);
    BOOST_CHECK_EQUAL(r.detDontCare, 2);
    BOOST_CHECK_EQUAL(r.gtDontCare, 1);
    // A detection matching only the don't-care gt is neither a hit nor a false positive: P = R = 0 / 0.
    const EvaluationResult dc = evaluateOne(gtImage({}, {box(20, 40)}), predImage({box(20, 40)}), "icdar15");
    checkResult(dc, 0, 0, 0, 0);
    BOOST_CHECK_EQUAL(dc.detDontCare, 1);
}

BOOST_AUTO_TEST_CASE(icdar15_one_to_one_in_file_order)
{
    // Gts G1 = [0,10], G2 = [4,14]; detections Da = [2,12] (IoU 8/12 = 0.667 with both) listed before
    // Db = [-1,9] (IoU with G1 9/11 = 0.818, with G2 5/15 = 0.333). The script's greedy order gives G1
    // the first qualifying detection, Da; G2's only candidate Da is then taken: 1 match, not 2.
    const ImageAnnotations gt = gtImage({box(0, 10), box(4, 14)});
    checkResult(evaluateOne(gt, predImage({box(2, 12), box(-1, 9)}), "icdar15"), 1, 1, 2, 2);
    // Two detections on one gt: only one counts. One detection on two identical gts: one match.
    checkResult(evaluateOne(gtImage({box(0, 10)}), predImage({box(0, 10), box(0, 9)}), "icdar15"), 1, 1, 1, 2);
    checkResult(evaluateOne(gtImage({box(0, 10), box(0, 10)}), predImage({box(0, 10)}), "icdar15"), 1, 1, 2, 1);
}

BOOST_AUTO_TEST_CASE(deteval_one_to_one_thresholds)
{
    // Gt [0,20] (area 200). Detection [0,15]: sigma = 150/200 = 0.75 > tr = 0.7, tau = 1 > tp = 0.6: match.
    // [0,14]: sigma = 0.70, not > 0.7; with a single detection no split/merge rule applies: no match.
    const ImageAnnotations gt = gtImage({box(0, 20)});
    checkResult(evaluateOne(gt, predImage({box(0, 15)}), "deteval"), 1, 1, 1, 1);
    checkResult(evaluateOne(gt, predImage({box(0, 14)}), "deteval"), 0, 0, 1, 1);
    // Too large: [0,40] covers the gt (sigma 1) but tau = 200/400 = 0.5 < 0.6: no match.
    checkResult(evaluateOne(gt, predImage({box(0, 40)}), "deteval"), 0, 0, 1, 1);
}

BOOST_AUTO_TEST_CASE(deteval_one_to_many_split)
{
    // Gt [0,20] split into [0,10] and [10,20]: sigma 0.5 each (no one-to-one), tau 1 each >= 0.6, sum of
    // sigma 1.0 >= 0.7: a split. Recall credit 0.8, precision credit 2 x 0.8 = 1.6 over 2 detections.
    // A third detection [50,60] elsewhere is a plain false positive: P = 1.6 / 3, R = 0.8 / 1.
    const ImageAnnotations gt = gtImage({box(0, 20)});
    checkResult(evaluateOne(gt, predImage({box(0, 10), box(10, 20), box(50, 60)}), "deteval"), 0.8, 1.6, 1, 3);
    // Split that covers too little: [0,6] and [14,20] give sigma 0.3 + 0.3 = 0.6 < 0.7: nothing matches.
    checkResult(evaluateOne(gt, predImage({box(0, 6), box(14, 20)}), "deteval"), 0, 0, 1, 2);
}

BOOST_AUTO_TEST_CASE(deteval_many_to_one_merge)
{
    // Gts [0,10] and [10,20] merged by one detection [0,20]: sigma 1 for each, tau 0.5 each (< 0.6, so no
    // one-to-one), sum of tau 1.0 >= 0.6: a merge. Recall credit 2 x 0.8 = 1.6 over 2 gts, precision
    // credit 0.8 over 1 detection: P = R = 0.8.
    const ImageAnnotations gt = gtImage({box(0, 10), box(10, 20)});
    const EvaluationResult r = evaluateOne(gt, predImage({box(0, 20)}), "deteval");
    checkResult(r, 1.6, 0.8, 2, 1);
    BOOST_CHECK_SMALL(r.hmean - 0.8, 1e-9);
    // icdar15 on the same case: IoU 100/200 = 0.5 is not > 0.5 for either gt: nothing matches.
    checkResult(evaluateOne(gt, predImage({box(0, 20)}), "icdar15"), 0, 0, 2, 1);
}

BOOST_AUTO_TEST_CASE(deteval_drops_dont_care)
{
    // Same rule as icdar15: [22,32] is inside the don't-care [20,40] and is not counted; the split of
    // care gt [0,20] still scores 0.8 / 1.6 over the 2 kept detections.
    const ImageAnnotations gt = gtImage({box(0, 20)}, {box(20, 40)});
    const EvaluationResult r = evaluateOne(gt, predImage({box(0, 10), box(10, 20), box(22, 32)}), "deteval");
    checkResult(r, 0.8, 1.6, 1, 2);
    BOOST_CHECK_EQUAL(r.detDontCare, 1);
}

BOOST_AUTO_TEST_CASE(ctw1500_second_hit_is_false_positive)
{
    // Gt [0,10]; detections [0,10] (score 0.9) and [0,9] (score 0.8, IoU 0.9). The better-scored one
    // takes the gt; the other's best gt is taken: a false positive. P = 1/2, R = 1.
    const ImageAnnotations gt = gtImage({box(0, 10)});
    checkResult(evaluateOne(gt, predImage({box(0, 10), box(0, 9)}, {0.9f, 0.8f}), "ctw1500"), 1, 1, 1, 2);
}

BOOST_AUTO_TEST_CASE(ctw1500_best_gt_differs_from_icdar15)
{
    // Gts G1 = [0,10], G2 = [4,14]. Da = [1,11] (score 0.9): IoU G1 9/11 = 0.818, G2 7/13 = 0.538.
    // Db = [1.5,11.5] (score 0.5): IoU G1 8.5/11.5 = 0.739, G2 7.5/12.5 = 0.6.
    // ctw1500: Da -> G1; Db's best gt is G1, already taken -> false positive: 1 match.
    // icdar15: G1 takes the first qualifying detection Da, G2 then takes Db (0.6 > 0.5): 2 matches.
    const ImageAnnotations gt = gtImage({box(0, 10), box(4, 14)});
    const ImageDetections pred = predImage({box(1, 11), box(1.5f, 11.5f)}, {0.9f, 0.5f});
    checkResult(evaluateOne(gt, pred, "ctw1500"), 1, 1, 2, 2);
    checkResult(evaluateOne(gt, pred, "icdar15"), 2, 2, 2, 2);
}

BOOST_AUTO_TEST_CASE(whole_set_sums_and_missing_predictions)
{
    // Image a: 1 gt, matched. Image b: 3 gts, no prediction entry at all (= no detections).
    // Whole set: matched 1 of 4 gts, 1 of 1 detection: P = 1, R = 0.25, H = 2 * 0.25 / 1.25 = 0.4.
    ImageAnnotations a = gtImage({box(0, 10)}), b = gtImage({box(0, 10), box(20, 30), box(40, 50)});
    a.name = "a";
    b.name = "b";
    ImageDetections pa = predImage({box(0, 10)});
    pa.name = "a";
    const EvaluationResult r = evaluateDetections({a, b}, {pa}, "icdar15");
    checkResult(r, 1, 1, 4, 1);
    BOOST_CHECK_SMALL(r.hmean - 0.4, 1e-9);
    BOOST_REQUIRE_EQUAL(r.images.size(), 2u);
    BOOST_CHECK(r.images[0].hasPrediction);
    BOOST_CHECK(!r.images[1].hasPrediction);
    BOOST_CHECK_EQUAL(r.images[1].gtCare, 3);
}

BOOST_AUTO_TEST_CASE(bad_arguments_throw)
{
    const ImageAnnotations gt = gtImage({box(0, 10)});
    BOOST_CHECK_THROW(evaluateOne(gt, predImage({box(0, 10)}), "voc"), cv::Exception);
    ImageDetections orphan = predImage({box(0, 10)});
    orphan.name = "other";
    BOOST_CHECK_THROW(evaluateOne(gt, orphan, "icdar15"), cv::Exception);
    ImageDetections noScores = predImage({box(0, 10)});
    noScores.scores.clear();
    BOOST_CHECK_THROW(evaluateOne(gt, noScores, "icdar15"), cv::Exception);
}

BOOST_AUTO_TEST_CASE(parse_ground_truth_rules)
{
    // BOM, CRLF, a blank line, commas in a transcription, a numeric transcription (odd count of leading
    // numbers: 9, so the ninth is text), a don't-care line and a 5-point polygon.
    const std::string text = "\xEF\xBB\xBF" "1,2,3,4,5,6,7,8,Hello, world\r\n"
                             "\r\n"
                             "0,0,10,0,10,10,0,10,2012\r\n"
                             "0,0,10,0,10,10,0,10,###\n"
                             "0,0,4,0,6,3,4,6,0,6,CARE\n";
    const ImageAnnotations gt = parseGroundTruth(text, "x");
    BOOST_CHECK_EQUAL(gt.name, "x");
    BOOST_REQUIRE_EQUAL(gt.instances.size(), 4u);
    BOOST_CHECK_EQUAL(gt.instances[0].polygon.size(), 4u);
    BOOST_CHECK_EQUAL(gt.instances[0].polygon[0], Point2f(1, 2));
    BOOST_CHECK_EQUAL(gt.instances[0].polygon[3], Point2f(7, 8));
    BOOST_CHECK_EQUAL(gt.instances[0].transcription, "Hello, world");
    BOOST_CHECK(!gt.instances[0].dontCare);
    BOOST_CHECK_EQUAL(gt.instances[1].polygon.size(), 4u);
    BOOST_CHECK_EQUAL(gt.instances[1].transcription, "2012");
    BOOST_CHECK(gt.instances[2].dontCare);
    BOOST_CHECK_EQUAL(gt.instances[3].polygon.size(), 5u);
    BOOST_CHECK_EQUAL(gt.instances[3].polygon[2], Point2f(6, 3));
    // Fewer than 3 points before the transcription cannot be a region.
    BOOST_CHECK_THROW(parseGroundTruth("1,2,3,4,word\n", "x"), cv::Exception);
    // "nan" is a word here, not a coordinate: only 2 numbers remain.
    BOOST_CHECK_THROW(parseGroundTruth("1,2,nan,4,5,6,7,8,t\n", "x"), cv::Exception);
}

BOOST_AUTO_TEST_CASE(parse_detections_rules)
{
    const ImageDetections det = parseDetections("0,0,10,0,10,10,0,10,0.75\n\n1,1,5,1,5,5,1,5\n", "y");
    BOOST_REQUIRE_EQUAL(det.polygons.size(), 2u);
    BOOST_CHECK_EQUAL(det.polygons[0].size(), 4u);
    BOOST_CHECK_EQUAL(det.scores[0], 0.75f);
    BOOST_CHECK_EQUAL(det.polygons[1][2], Point2f(5, 5));
    BOOST_CHECK_EQUAL(det.scores[1], 1.0f);  // even count: no score given
    BOOST_CHECK_THROW(parseDetections("0,0,10,0,10,10,0,10,high\n", "y"), cv::Exception);
    BOOST_CHECK_THROW(parseDetections("0,0,10,0,0.5\n", "y"), cv::Exception);
}

BOOST_AUTO_TEST_CASE(parse_detections_with_text)
{
    // The samples app's --ocr lines: integer coordinates, a score with a decimal point, then the text, which may
    // be numeric, hold commas, or be empty.
    const ImageDetections det = parseDetections("0,0,10,0,10,10,0,10,0.9431,high coffee\n"
                                                "0,0,10,0,10,10,0,10,0.5000,2026\n"
                                                "0,0,10,0,10,10,0,10,0.2500,Hello, world\n"
                                                "0,0,10,0,10,10,0,10,0.1250,\n"
                                                "0,0,10,0,10,10,0,10,0.75\n", "t");
    BOOST_REQUIRE_EQUAL(det.polygons.size(), 5u);
    BOOST_REQUIRE_EQUAL(det.texts.size(), 5u);
    BOOST_CHECK_EQUAL(det.texts[0], "high coffee");
    BOOST_CHECK_CLOSE(det.scores[0], 0.9431f, 1e-4);
    BOOST_CHECK_EQUAL(det.polygons[1].size(), 4u);
    BOOST_CHECK_EQUAL(det.texts[1], "2026");
    BOOST_CHECK_EQUAL(det.scores[1], 0.5f);
    BOOST_CHECK_EQUAL(det.texts[2], "Hello, world");
    BOOST_CHECK_EQUAL(det.texts[3], "");
    BOOST_CHECK_EQUAL(det.scores[3], 0.125f);
    BOOST_CHECK_EQUAL(det.texts[4], "");
}

BOOST_AUTO_TEST_CASE(end_to_end_counts_matched_and_read_words)
{
    // gt: "Hello" [0,10], "CAFE-42" [20,30], "x" [40,50], don't care [60,70]
    ImageAnnotations gt = gtImage({box(0, 10), box(20, 30), box(40, 50)}, {box(60, 70)});
    gt.instances[0].transcription = "Hello";
    gt.instances[1].transcription = "CAFE-42";
    gt.instances[2].transcription = "x";
    // detections: "hello!" on Hello (case and punctuation ignored: counts), "cafe 42" on CAFE-42 (counts),
    // "y" on x (paired but misread: uses both up), a second "x" on x (the gt is taken: unmatched), one inside
    // the don't-care region (dropped), one on nothing
    ImageDetections pred = predImage({box(0, 10), box(20, 30), box(40, 50), box(41, 50), box(60, 70), box(80, 90)});
    pred.texts = {"hello!", "cafe 42", "y", "x", "z", "w"};
    const EvaluationResult r = evaluateOne(gt, pred, "e2e");
    checkResult(r, 2, 2, 3, 5);
    BOOST_CHECK_EQUAL(r.detDontCare, 1);
    BOOST_CHECK_EQUAL(r.protocol, "e2e");
    // the same detections without texts pair as icdar15 does but read nothing
    pred.texts.clear();
    checkResult(evaluateOne(gt, pred, "e2e"), 0, 0, 3, 5);
    checkResult(evaluateOne(gt, pred, "icdar15"), 3, 3, 3, 5);
    // non-ASCII text is compared as it is
    ImageAnnotations zh = gtImage({box(0, 10)});
    zh.instances[0].transcription = "北京";
    ImageDetections zhPred = predImage({box(0, 10)});
    zhPred.texts = {" 北京 "};
    checkResult(evaluateOne(zh, zhPred, "e2e"), 1, 1, 1, 1);
    // texts, when given, are one per polygon
    zhPred.texts = {"a", "b"};
    BOOST_CHECK_THROW(evaluateOne(zh, zhPred, "e2e"), cv::Exception);
}

BOOST_AUTO_TEST_CASE(directories_end_to_end)
{
    // test/data/eval_cases/split: img_1 (BOM, CRLF; care [0,10]^2, don't-care [20,40]x[0,10], care
    // [0,10]x[20,30] with the numeric transcription "2012"), img_2 (one care box, no prediction file) and
    // img_3 (an image without a gt file = no text). pred/: img_1 matches both care boxes, puts one box
    // inside the don't-care region (dropped) and one on background; img_3.jpg.txt holds one box (a false
    // positive). icdar15: matched 2, care gts 2 + 1 = 3, kept detections 3 + 1 = 4:
    // P = 2/4, R = 2/3, H = 2 * (1/2) * (2/3) / (7/6) = 4/7.
    const std::string dir = adaptivetext_test::dataPath("eval_cases");
    const std::vector<ImageAnnotations> gt = readGroundTruthDir(dir + "/split");
    BOOST_REQUIRE_EQUAL(gt.size(), 3u);
    BOOST_CHECK_EQUAL(gt[0].name, "img_1");
    BOOST_CHECK_EQUAL(gt[0].instances.size(), 3u);
    BOOST_CHECK_EQUAL(gt[0].instances[0].transcription, "Hello, world");
    BOOST_CHECK_EQUAL(gt[2].name, "img_3");
    BOOST_CHECK(gt[2].instances.empty());
    // The gt folder itself works too (then img_3, known only from images/, is absent).
    BOOST_CHECK_EQUAL(readGroundTruthDir(dir + "/split/gt").size(), 2u);

    const std::vector<ImageDetections> pred = readDetectionsDir(dir + "/pred");
    BOOST_REQUIRE_EQUAL(pred.size(), 2u);
    BOOST_CHECK_EQUAL(pred[1].name, "img_3");
    const EvaluationResult r = evaluateDetections(gt, pred, "icdar15");
    checkResult(r, 2, 2, 3, 4);
    BOOST_CHECK_SMALL(r.hmean - 4.0 / 7.0, 1e-9);
    BOOST_CHECK_EQUAL(r.detDontCare, 1);
    BOOST_CHECK(!r.images[1].hasPrediction);

    // A prediction file for an image the ground truth does not know is an error, not silently ignored.
    BOOST_CHECK_THROW(evaluateDetections(gt, readDetectionsDir(dir + "/pred_orphan"), "icdar15"), cv::Exception);
    BOOST_CHECK_THROW(readGroundTruthDir(dir + "/no_such_folder"), cv::Exception);
}

BOOST_AUTO_TEST_SUITE_END()
