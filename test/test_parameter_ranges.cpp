// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Every setter of cv::AdaptiveTextDetector (and of the decoder layer), and every setting of create(), refuses
// a value outside the range detector.hpp documents: StsOutOfRange for numbers (NaN included), StsBadArg for
// enums, with the parameter's name in the message; a refused value leaves the previous setting in place, and
// the bounds themselves are accepted.
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>

#include <boost/test/unit_test.hpp>

#include <limits>

namespace {

using namespace adaptivetext_test;
using Detector = cv::AdaptiveTextDetector;

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

cv::Ptr<Detector> tinyDetector()
{
    return Detector::create(dataPath("tiny_detector.onnx"), cv::Size(64, 48));
}

std::string createError(const cv::Size& size, float score, float nms, int backend, int target, int code)
{
    return errorOf([&] { Detector::create(dataPath("tiny_detector.onnx"), size, score, nms, backend, target); },
                   code);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parameter_ranges)

BOOST_AUTO_TEST_CASE(score_threshold)
{
    auto det = tinyDetector();
    det->setScoreThreshold(0.25f);
    for (float bad : { -0.01f, 1.01f, -kInf, kInf, kNaN })
    {
        BOOST_TEST_CONTEXT("scoreThreshold " << bad)
        {
            const std::string msg = errorOf([&] { det->setScoreThreshold(bad); }, cv::Error::StsOutOfRange);
            CHECK_HAS(msg, "setScoreThreshold");
            CHECK_HAS(msg, "scoreThreshold");
            CHECK_HAS(msg, "[0, 1]");
            BOOST_CHECK_EQUAL(det->getScoreThreshold(), 0.25f);  // unchanged
        }
    }
    for (float good : { 0.f, 1.f })
    {
        BOOST_CHECK_NO_THROW(det->setScoreThreshold(good));
        BOOST_CHECK_EQUAL(det->getScoreThreshold(), good);
    }
}

BOOST_AUTO_TEST_CASE(nms_threshold)
{
    auto det = tinyDetector();
    det->setNMSThreshold(0.4f);
    for (float bad : { -1e-6f, 2.f, kNaN, -kInf })
    {
        BOOST_TEST_CONTEXT("nmsThreshold " << bad)
        {
            CHECK_HAS(errorOf([&] { det->setNMSThreshold(bad); }, cv::Error::StsOutOfRange), "nmsThreshold");
            BOOST_CHECK_EQUAL(det->getNMSThreshold(), 0.4f);
        }
    }
    BOOST_CHECK_NO_THROW(det->setNMSThreshold(0.f));
    BOOST_CHECK_NO_THROW(det->setNMSThreshold(1.f));
    BOOST_CHECK_EQUAL(det->getNMSThreshold(), 1.f);
}

BOOST_AUTO_TEST_CASE(fixed_input_size)
{
    auto det = tinyDetector();
    const int maxSide = Detector::MAX_INPUT_SIDE;
    const cv::Size bad[] = { cv::Size(-5, 48), cv::Size(64, -5), cv::Size(0, 48), cv::Size(64, 0),
                             cv::Size(maxSide + 1, 48), cv::Size(64, maxSide + 1), cv::Size(INT_MIN, INT_MAX) };
    for (const cv::Size& size : bad)
    {
        BOOST_TEST_CONTEXT("inputSize " << size.width << "x" << size.height)
        {
            const std::string msg = errorOf([&] { det->setInputSize(size); }, cv::Error::StsOutOfRange);
            CHECK_HAS(msg, "inputSize.");
            CHECK_HAS(msg, "[1, 4096]");
            BOOST_CHECK(det->getInputSize() == cv::Size(64, 48));
        }
    }
    BOOST_CHECK_NO_THROW(det->setInputSize(cv::Size(1, maxSide)));  // both bounds: 1 rounds up to 16
    BOOST_CHECK(det->getInputSize() == cv::Size(16, maxSide));
}

BOOST_AUTO_TEST_CASE(side_length_and_policy)
{
    auto det = tinyDetector();
    det->setInputSizePolicy(Detector::INPUT_SIZE_LONG_SIDE, 320);
    for (int bad : { -5, 0, 15, Detector::MAX_INPUT_SIDE + 1, INT_MAX })
    {
        BOOST_TEST_CONTEXT("sideLength " << bad)
        {
            const std::string msg = errorOf([&] { det->setInputSizePolicy(Detector::INPUT_SIZE_SHORT_SIDE, bad); },
                                            cv::Error::StsOutOfRange);
            CHECK_HAS(msg, "sideLength = " + std::to_string(bad));
            CHECK_HAS(msg, "[16, 4096]");
            BOOST_CHECK_EQUAL(det->getSideLength(), 320);
            BOOST_CHECK_EQUAL(det->getInputSizePolicy(), (int)Detector::INPUT_SIZE_LONG_SIDE);
        }
    }
    for (int policy : { (int)Detector::INPUT_SIZE_FIXED, -1, 3 })
    {
        BOOST_TEST_CONTEXT("policy " << policy)
        {
            CHECK_HAS(errorOf([&] { det->setInputSizePolicy(policy, 320); }, cv::Error::StsBadArg), "policy");
            BOOST_CHECK_EQUAL(det->getInputSizePolicy(), (int)Detector::INPUT_SIZE_LONG_SIDE);
        }
    }
    BOOST_CHECK_NO_THROW(det->setInputSizePolicy(Detector::INPUT_SIZE_SHORT_SIDE, Detector::MIN_SIDE_LENGTH));
    BOOST_CHECK_EQUAL(det->getSideLength(), 16);
    BOOST_CHECK_NO_THROW(det->setInputSizePolicy(Detector::INPUT_SIZE_LONG_SIDE, Detector::MAX_INPUT_SIDE));
    BOOST_CHECK_EQUAL(det->getSideLength(), 4096);
}

BOOST_AUTO_TEST_CASE(small_text_pass)
{
    auto det = tinyDetector();
    det->setSmallTextPass(320, 12.f);
    for (int bad : { -1, 15, Detector::MAX_INPUT_SIDE + 1, INT_MIN })
    {
        BOOST_TEST_CONTEXT("sideLength " << bad)
        {
            const std::string msg = errorOf([&] { det->setSmallTextPass(bad, 12.f); }, cv::Error::StsOutOfRange);
            CHECK_HAS(msg, "setSmallTextPass");
            CHECK_HAS(msg, "sideLength = " + std::to_string(bad));
            BOOST_CHECK_EQUAL(det->getSmallTextSideLength(), 320);
        }
    }
    for (float bad : { 0.f, -1.f, 4097.f, kNaN, kInf })
    {
        BOOST_TEST_CONTEXT("splitHeight " << bad)
        {
            const std::string msg = errorOf([&] { det->setSmallTextPass(320, bad); }, cv::Error::StsOutOfRange);
            CHECK_HAS(msg, "splitHeight");
            CHECK_HAS(msg, "(0, 4096]");
            BOOST_CHECK_EQUAL(det->getSmallTextSplitHeight(), 12.f);
        }
    }
    BOOST_CHECK_NO_THROW(det->setSmallTextPass(0, 4096.f));  // off; the bounds are accepted
    BOOST_CHECK_EQUAL(det->getSmallTextSideLength(), 0);
    BOOST_CHECK_NO_THROW(det->setSmallTextPass(Detector::MIN_SIDE_LENGTH + 1, 1e-3f));  // rounds to 16
    BOOST_CHECK_EQUAL(det->getSmallTextSideLength(), 16);
}

BOOST_AUTO_TEST_CASE(backend_and_target)
{
    auto det = tinyDetector();
    for (int bad : { -1, (int)cv::dnn::DNN_BACKEND_TIMVX + 1, 1000000 })  // 1000000: the internal NGRAPH value
        CHECK_HAS(errorOf([&] { det->setPreferableBackend(bad); }, cv::Error::StsBadArg), "backendId");
    for (int bad : { -1, (int)cv::dnn::DNN_TARGET_NPU + 1, 1000 })
        CHECK_HAS(errorOf([&] { det->setPreferableTarget(bad); }, cv::Error::StsBadArg), "targetId");
    BOOST_CHECK_NO_THROW(det->setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV));
    BOOST_CHECK_NO_THROW(det->setPreferableTarget(cv::dnn::DNN_TARGET_CPU));
    // Still usable after the refusals.
    std::vector<std::vector<cv::Point> > polys;
    BOOST_CHECK_NO_THROW(det->detect(cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(90)), polys));
}

BOOST_AUTO_TEST_CASE(create_checks_every_setting)
{
    const cv::Size ok(64, 48);
    CHECK_HAS(createError(cv::Size(-5, 48), 0.5f, 0.3f, 0, 0, cv::Error::StsOutOfRange), "inputSize.width = -5");
    CHECK_HAS(createError(cv::Size(64, 5000), 0.5f, 0.3f, 0, 0, cv::Error::StsOutOfRange), "inputSize.height = 5000");
    CHECK_HAS(createError(ok, kNaN, 0.3f, 0, 0, cv::Error::StsOutOfRange), "scoreThreshold = nan");
    CHECK_HAS(createError(ok, 0.5f, -0.3f, 0, 0, cv::Error::StsOutOfRange), "nmsThreshold = -0.3");
    CHECK_HAS(createError(ok, 0.5f, 0.3f, 99, 0, cv::Error::StsBadArg), "backendId = 99");
    CHECK_HAS(createError(ok, 0.5f, 0.3f, 0, -2, cv::Error::StsBadArg), "targetId = -2");
}

BOOST_AUTO_TEST_CASE(settings_are_checked_before_the_model_is_loaded)
{
    // A bad setting with a model path that does not exist: the setting's error, not the missing file's.
    const std::string msg = errorOf([] { Detector::create("/nonexistent/model.onnx", cv::Size(), 1.5f); },
                                    cv::Error::StsOutOfRange);
    CHECK_HAS(msg, "scoreThreshold = 1.5");
}

BOOST_AUTO_TEST_CASE(decoder_layer_score_threshold)
{
    cv::dnn::Net net = cv::adaptivetext::readModel(dataPath("tiny_detector.onnx"));
    cv::Ptr<cv::adaptivetext::PointPairDecoderLayer> decoder;
    for (const cv::String& name : net.getLayerNames())
        if (!decoder)
            decoder = net.getLayer(name).dynamicCast<cv::adaptivetext::PointPairDecoderLayer>();
    BOOST_REQUIRE(decoder);
    decoder->setScoreThreshold(0.5f);
    for (float bad : { -0.5f, 1.5f, kNaN })
    {
        CHECK_HAS(errorOf([&] { decoder->setScoreThreshold(bad); }, cv::Error::StsOutOfRange), "scoreThreshold");
        BOOST_CHECK_EQUAL(decoder->getScoreThreshold(), 0.5f);
    }
    BOOST_CHECK_NO_THROW(decoder->setScoreThreshold(0.f));
    BOOST_CHECK_NO_THROW(decoder->setScoreThreshold(1.f));
}

BOOST_AUTO_TEST_SUITE_END()
