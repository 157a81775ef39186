// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The trained model in data/models/ against the shipped sample's ground truth (data/samples/curved_text.txt,
// written by the synthetic generator that rendered the image, so independent of the model). It guards the
// product as a user meets it: a model file that is replaced by a worse one, truncated, or exported with a
// broken contract finds less of this text and fails here, although the layer tests still pass.
#include <opencv2/adaptivetext.hpp>
#include <opencv2/adaptivetext/evaluation.hpp>
#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/imgcodecs.hpp>

#include <boost/test/unit_test.hpp>

using namespace cv;
using namespace cv::adaptivetext;

namespace {

const std::string kSamples = std::string(ADAPTIVETEXT_SOURCE_DIR) + "/data/samples";
const std::string kModel = std::string(ADAPTIVETEXT_SOURCE_DIR) + "/data/models/adaptivetext_default.onnx";
const size_t kArc = 2;  // the ground truth's third instance: "high coffee digital" on a half-circle arc

}  // namespace

BOOST_AUTO_TEST_SUITE(shipped_model)

BOOST_AUTO_TEST_CASE(default_model_finds_the_samples_text_including_the_arc)
{
    BOOST_REQUIRE_MESSAGE(utils::fs::exists(kModel), "the shipped model is missing: " << kModel);
    const Mat image = imread(kSamples + "/curved_text.jpg");
    BOOST_REQUIRE(!image.empty());
    const std::vector<ImageAnnotations> gt = readGroundTruthDir(kSamples);
    BOOST_REQUIRE_EQUAL(gt.size(), 1u);
    BOOST_REQUIRE_EQUAL(gt[0].instances.size(), 5u);

    std::vector<std::vector<Point> > polygons;
    ImageDetections pred;
    pred.name = gt[0].name;
    AdaptiveTextDetector::create(kModel)->detect(image, polygons, pred.scores);  // default size policy
    for (const std::vector<Point>& p : polygons)
        pred.polygons.push_back(std::vector<Point2f>(p.begin(), p.end()));
    const EvaluationResult r = evaluateDetections(gt, {pred}, "icdar15");
    BOOST_TEST_MESSAGE("sample: " << pred.polygons.size() << " detections, P " << r.precision << " R " << r.recall);
    BOOST_CHECK_GE(r.recall, 0.6);     // at least 3 of the 5 lines at IoU > 0.5
    BOOST_CHECK_GE(r.precision, 0.6);  // and not buried in false positives

    // The arc must come back as a polygon that follows it: the best rotated rectangle around it reaches only
    // IoU 0.45 (cv2.minAreaRect of the ground truth, worked with shapely), so a box would fail here.
    double bestArcIoU = 0;
    size_t arcVertices = 0;
    for (const std::vector<Point2f>& p : pred.polygons)
    {
        const double iou = polygonIoU(p, gt[0].instances[kArc].polygon);
        if (iou > bestArcIoU)
        {
            bestArcIoU = iou;
            arcVertices = p.size();
        }
    }
    BOOST_CHECK_GT(bestArcIoU, 0.5);
    BOOST_CHECK_GE(arcVertices, 8u);
}

BOOST_AUTO_TEST_SUITE_END()
