// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Does one cv::dnn::Net reused across input shapes give what a fresh Net gives for each shape, with our
// graph (the tiny complete detector)? OpenCV 4.6 got this wrong for a DB-style model with Resize layers
// (doc/detector.md). Also checks the graph's raw outputs against the NumPy reference, and that the detector,
// which keeps one Net per input size, gives the same result for a size before and after other sizes.
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>

#include <boost/test/unit_test.hpp>

namespace {

using namespace adaptivetext_test;

const std::vector<cv::String> kOutputs = { "rois", "rpn_scores", "text_scores", "box_deltas", "pairs", "num_pairs" };

cv::dnn::Net loadTinyNet(float decoderThreshold)
{
    cv::dnn::Net net = cv::adaptivetext::readModel(dataPath("tiny_detector.onnx"));
    int decoders = 0;
    for (const cv::String& name : net.getLayerNames())
    {
        cv::Ptr<cv::dnn::Layer> layer = net.getLayer(name);
        if (auto* d = dynamic_cast<cv::adaptivetext::PointPairDecoderLayer*>(layer.get()))
        {
            d->setScoreThreshold(decoderThreshold);
            ++decoders;
        }
    }
    BOOST_REQUIRE_EQUAL(decoders, 1);
    return net;
}

std::vector<cv::Mat> forward(cv::dnn::Net& net, const cv::Mat& blob)
{
    net.setInput(blob, "image");
    std::vector<cv::Mat> outs;
    net.forward(outs, kOutputs);
    for (cv::Mat& m : outs)
        m = m.clone();
    return outs;
}

cv::Mat randomBlob(const cv::Size& size, int seed)
{
    cv::RNG rng(seed);
    cv::Mat img(size, CV_8UC3);
    rng.fill(img, cv::RNG::UNIFORM, 0, 256);
    return cv::dnn::blobFromImage(img);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(net_reuse)

BOOST_AUTO_TEST_CASE(graph_outputs_match_numpy_reference)
{
    // The generator ran the decoder with the detector's threshold 0.5, not the model's 0.9.
    cv::dnn::Net net = loadTinyNet(0.5f);
    const cv::Mat npy = readNpy(dataPath("tiny_detector.image.npy"));
    cv::Mat img;
    cv::Mat(48, 64, CV_32FC3, const_cast<float*>(npy.ptr<float>())).convertTo(img, CV_8U);
    const std::vector<cv::Mat> outs = forward(net, cv::dnn::blobFromImage(img));
    for (size_t i = 0; i < kOutputs.size(); ++i)
    {
        const cv::Mat ref = readNpy(dataPath("tiny_detector.out_" + kOutputs[i] + ".npy"));
        checkClose(outs[i], ref, kOutputs[i]);
    }
}

BOOST_AUTO_TEST_CASE(one_net_across_shapes_equals_a_fresh_net_per_shape)
{
    // Decoder threshold 0: every proposal runs the LSTM, so every output carries data.
    const std::vector<cv::Size> sizes = { { 64, 48 }, { 96, 64 }, { 48, 80 }, { 64, 48 }, { 160, 128 }, { 16, 16 },
                                          { 96, 64 } };
    cv::dnn::Net reused = loadTinyNet(0.f);
    for (size_t s = 0; s < sizes.size(); ++s)
    {
        const cv::Mat blob = randomBlob(sizes[s], (int)s % 3);
        cv::dnn::Net fresh = loadTinyNet(0.f);
        const std::vector<cv::Mat> a = forward(reused, blob), b = forward(fresh, blob);
        for (size_t i = 0; i < kOutputs.size(); ++i)
            checkClose(a[i], b[i], cv::format("size %dx%d, output %s (reused net vs fresh net)", sizes[s].width,
                                              sizes[s].height, kOutputs[i].c_str()), 1e-5);
    }
}

BOOST_AUTO_TEST_CASE(detector_result_for_a_size_does_not_depend_on_earlier_sizes)
{
    // More sizes than the detector keeps Nets for, so some are evicted and reloaded.
    const std::vector<cv::Size> sizes = { { 64, 48 }, { 96, 64 }, { 48, 80 }, { 160, 128 }, { 32, 32 }, { 64, 48 } };
    auto det = cv::AdaptiveTextDetector::create(dataPath("tiny_detector.onnx"), cv::Size(), 0.f, 1.f);
    cv::RNG rng(7);
    cv::Mat img(96, 128, CV_8UC3);
    rng.fill(img, cv::RNG::UNIFORM, 0, 256);
    for (size_t s = 0; s < sizes.size(); ++s)
    {
        det->setInputSize(sizes[s]);
        auto fresh = cv::AdaptiveTextDetector::create(dataPath("tiny_detector.onnx"), sizes[s], 0.f, 1.f);
        std::vector<std::vector<cv::Point> > a, b;
        std::vector<float> sa, sb;
        det->detect(img, a, sa);
        fresh->detect(img, b, sb);
        BOOST_CHECK_MESSAGE(!b.empty(), "size " << sizes[s] << ": no detections, the comparison would be vacuous");
        BOOST_CHECK_MESSAGE(a == b && sa == sb, "size " << sizes[s] << ": detector result differs from a fresh one");
    }
}

BOOST_AUTO_TEST_SUITE_END()
