// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// cv::AdaptiveTextDetector never crashes on bad input: wrong frames and wrong model files each give a
// cv::Exception whose message says what is wrong; odd but valid frames (1x1, 20000x20000) just work.
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>

#ifdef __linux__
#include <sys/resource.h>
#endif

namespace {

using namespace adaptivetext_test;

cv::Ptr<cv::AdaptiveTextDetector> tinyDetector()
{
    return cv::AdaptiveTextDetector::create(dataPath("tiny_detector.onnx"), cv::Size(64, 48));
}

std::string detectError(const cv::Mat& frame)
{
    auto det = tinyDetector();
    return errorOf([&] {
        std::vector<std::vector<cv::Point> > polys;
        det->detect(frame, polys);
    });
}

std::string createError(const std::string& model)
{
    return errorOf([&] { cv::AdaptiveTextDetector::create(model); });
}

void checkInside(const std::vector<std::vector<cv::Point> >& polys, const cv::Size& size)
{
    for (const std::vector<cv::Point>& p : polys)
        for (const cv::Point& v : p)
            BOOST_CHECK(v.x >= 0 && v.y >= 0 && v.x < size.width && v.y < size.height);
}

// Peak resident memory of this process so far, in MB; -1 where getrusage does not report it.
double peakRssMb()
{
#ifdef __linux__
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) == 0)
        return usage.ru_maxrss / 1024.0;  // kilobytes on Linux
#endif
    return -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(detector_bad_input)

BOOST_AUTO_TEST_CASE(empty_frame)
{
    CHECK_HAS(detectError(cv::Mat()), "frame is empty");
}

BOOST_AUTO_TEST_CASE(frames_that_are_not_8_bit)
{
    CHECK_HAS(detectError(cv::Mat(48, 64, CV_16UC3, cv::Scalar::all(1000))), "must be 8-bit");
    CHECK_HAS(detectError(cv::Mat(48, 64, CV_32FC3, cv::Scalar::all(0.5))), "must be 8-bit");
}

BOOST_AUTO_TEST_CASE(two_channel_frame)
{
    CHECK_HAS(detectError(cv::Mat(48, 64, CV_8UC2, cv::Scalar::all(7))), "1 (gray), 3 (BGR) or 4 (BGRA) channels");
}

BOOST_AUTO_TEST_CASE(one_pixel_frame_works_with_every_policy)
{
    auto det = tinyDetector();
    const cv::Mat pixel(1, 1, CV_8UC3, cv::Scalar(200, 10, 90));
    std::vector<std::vector<cv::Point> > polys;
    BOOST_CHECK_NO_THROW(det->detect(pixel, polys));
    checkInside(polys, pixel.size());
    det->setInputSize(cv::Size());  // keep aspect, the model's long side (512): upscaled, still fine
    BOOST_CHECK_NO_THROW(det->detect(pixel, polys));
    checkInside(polys, pixel.size());
}

BOOST_AUTO_TEST_CASE(huge_frame_is_downscaled_first)
{
    // 20000x20000 (400 MB as gray; the detector resizes before converting channels, so it never holds a
    // full-size BGR copy) under the default policy: it runs at 640x640 and returns in-frame polygons.
    auto det = cv::AdaptiveTextDetector::create(dataPath("tiny_detector.onnx"));
    cv::Mat huge(20000, 20000, CV_8UC1);
    cv::randu(huge, 0, 256);
    std::vector<std::vector<cv::Point> > polys;
    std::vector<float> scores;
    BOOST_CHECK_NO_THROW(det->detect(huge, polys, scores));
    checkInside(polys, huge.size());
    BOOST_CHECK_EQUAL(polys.size(), scores.size());
}

BOOST_AUTO_TEST_CASE(nonexistent_model_path)
{
    const std::string msg = createError("/nonexistent/dir/model.onnx");
    CHECK_HAS(msg, "/nonexistent/dir/model.onnx");
    CHECK_HAS(msg, "does not exist");
}

BOOST_AUTO_TEST_CASE(truncated_model)
{
    std::vector<uchar> bytes = readBytes(dataPath("tiny_detector.onnx"));
    BOOST_REQUIRE_GT(bytes.size(), 100u);
    bytes.resize(bytes.size() / 2);
    const TempFile file(bytes);
    const std::string msg = createError(file.path);
    CHECK_HAS(msg, file.path);
    CHECK_HAS(msg, "ONNX");
}

BOOST_AUTO_TEST_CASE(foreign_onnx_model_without_our_ops)
{
    CHECK_HAS(createError(dataPath("tiny_detector_foreign.onnx")), "not an adaptivetext model");
}

BOOST_AUTO_TEST_CASE(model_missing_an_output)
{
    const std::string msg = createError(dataPath("tiny_detector_missing_output.onnx"));
    CHECK_HAS(msg, "not an adaptivetext model");
    CHECK_HAS(msg, "num_pairs");
}

BOOST_AUTO_TEST_CASE(bad_sizes_and_policies_at_create_and_set)
{
    CHECK_HAS(errorOf([] { cv::AdaptiveTextDetector::create(dataPath("tiny_detector.onnx"), cv::Size(0, 48)); }),
              "width must be positive");
    auto det = tinyDetector();
    CHECK_HAS(errorOf([&] { det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_FIXED, 64); }),
              "INPUT_SIZE_SHORT_SIDE or INPUT_SIZE_LONG_SIDE");
    CHECK_HAS(errorOf([&] { det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE, 8); }),
              "sideLength = 8 is out of range: it must be in [16, 4096]");
}

BOOST_AUTO_TEST_CASE(side_lengths_and_fixed_sizes_are_bounded)
{
    auto det = tinyDetector();
    CHECK_HAS(errorOf([&] { det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_LONG_SIDE, 1000000); }),
              "it must be in [16, 4096]");
    CHECK_HAS(errorOf([&] { det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE, 4097); }),
              "it must be in [16, 4096]");
    CHECK_HAS(errorOf([&] { det->setInputSize(cv::Size(16, 5000)); }), "longer than the largest network input");
    // The limits themselves are accepted.
    BOOST_CHECK_NO_THROW(det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE, 4096));
    BOOST_CHECK_EQUAL(det->getSideLength(), 4096);
    BOOST_CHECK_NO_THROW(det->setInputSize(cv::Size(4096, 16)));
}

BOOST_AUTO_TEST_CASE(short_side_policy_on_a_strip_is_capped)
{
    // doc/fuzzing.md, finding 3: short side 1 scaled to 256 made the long side 4095 * 256 = 1048320, a
    // 1048320x256 input and a 3.2 GB blob. With the long side capped at 4096 the input is 4096x16 (0.8 MB).
    auto det = tinyDetector();
    det->setInputSizePolicy(cv::AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE, 256);
    const cv::Mat strip(1, 4095, CV_8UC1, cv::Scalar(128));
    const double rssBefore = peakRssMb();
    std::vector<std::vector<cv::Point> > polys;
    std::vector<float> scores;
    BOOST_CHECK_NO_THROW(det->detect(strip, polys, scores));
    checkInside(polys, strip.size());
    BOOST_CHECK_EQUAL(polys.size(), scores.size());
    // The uncapped blob alone would raise the peak by over 3000 MB.
    if (rssBefore >= 0)
        BOOST_CHECK_LT(peakRssMb() - rssBefore, 1000.0);
    // The same strip standing upright.
    BOOST_CHECK_NO_THROW(det->detect(strip.t(), polys, scores));
    checkInside(polys, cv::Size(1, 4095));
}

BOOST_AUTO_TEST_CASE(model_with_non_finite_outputs_gives_no_polygon_outside_the_frame)
{
    // doc/fuzzing.md, finding 2: tiny_detector.onnx with rpn_w set to about -3.3e38 and one w_hh weight
    // changed (the fuzzer's reproducer, copied). Its outputs overflow to inf/NaN, which once gave vertices
    // at INT_MIN. The frame and input size are those of the fuzzer's run.
    const std::string model = dataPath("tiny_detector_nan_outputs.onnx");
    cv::Mat frame(40, 56, CV_8UC3);
    cv::RNG rng(20190616);
    rng.fill(frame, cv::RNG::UNIFORM, 0, 256);

    // Precondition: the network really produces non-finite values, so the test exercises the drop.
    cv::dnn::Net net = cv::adaptivetext::readModel(model);
    cv::Mat blob = cv::dnn::blobFromImage(frame, 1.0, cv::Size(48, 32), cv::Scalar(), false, false, CV_32F);
    net.setInput(blob, "image");
    std::vector<cv::Mat> outs;
    const std::vector<cv::String> names = { "text_scores", "pairs", "num_pairs" };
    net.forward(outs, names);
    int nonFinite = 0;
    for (const cv::Mat& m : outs)
        for (size_t i = 0; i < m.total(); ++i)
            nonFinite += std::isfinite(m.ptr<float>()[i]) ? 0 : 1;
    BOOST_REQUIRE_GT(nonFinite, 0);

    auto det = cv::AdaptiveTextDetector::create(model, cv::Size(48, 32));
    for (float threshold : { 0.5f, 0.0f })  // 0: every decoded RoI with a finite score passes the score test
    {
        det->setScoreThreshold(threshold);
        std::vector<std::vector<cv::Point> > polys;
        std::vector<float> scores;
        BOOST_CHECK_NO_THROW(det->detect(frame, polys, scores));
        BOOST_CHECK_EQUAL(polys.size(), scores.size());
        checkInside(polys, frame.size());
        for (size_t i = 0; i < scores.size(); ++i)
        {
            BOOST_CHECK(std::isfinite(scores[i]));
            BOOST_CHECK(polys[i].size() >= 4 && polys[i].size() % 2 == 0);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
