// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// cv::AdaptiveTextDetector never crashes on bad input: wrong frames and wrong model files each give a
// cv::Exception whose message says what is wrong; odd but valid frames (1x1, 20000x20000) just work.
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>

namespace {

using namespace adaptivetext_test;

std::string errorOf(const std::function<void()>& f)
{
    try
    {
        f();
    }
    catch (const cv::Exception& e)
    {
        return e.what();
    }
    BOOST_ERROR("no cv::Exception was thrown");
    return std::string();
}

#define CHECK_HAS(text, part) \
    BOOST_CHECK_MESSAGE((text).find(part) != std::string::npos, "expected \"" << (part) << "\" in: " << (text))

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
    det->setInputSize(cv::Size());  // keep aspect, long side 960: upscaled, still fine
    BOOST_CHECK_NO_THROW(det->detect(pixel, polys));
    checkInside(polys, pixel.size());
}

BOOST_AUTO_TEST_CASE(huge_frame_is_downscaled_first)
{
    // 20000x20000 (400 MB as gray; the detector resizes before converting channels, so it never holds a
    // full-size BGR copy) under the default policy: it runs at 960x960 and returns in-frame polygons.
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
    std::ifstream src(dataPath("tiny_detector.onnx"), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(src)), std::istreambuf_iterator<char>());
    BOOST_REQUIRE_GT(bytes.size(), 100u);
    const std::string path = cv::tempfile(".onnx");
    {
        std::ofstream dst(path, std::ios::binary);
        dst.write(bytes.data(), (std::streamsize)(bytes.size() / 2));
    }
    const std::string msg = createError(path);
    std::remove(path.c_str());
    CHECK_HAS(msg, path);
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
              "at least the network stride");
}

BOOST_AUTO_TEST_SUITE_END()
