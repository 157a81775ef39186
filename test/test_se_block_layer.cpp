// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// adaptivetext.SEBlock (doc/model_format.md §3.1) against PyTorch references from tools/testdata/gen_se_block.py,
// one hand-worked case, and the ways a node or its input can be wrong.
#include "test_utils.hpp"

#include <opencv2/adaptivetext/layers.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>

namespace {

using namespace adaptivetext_test;

/** Runs test/data/<name>.onnx on its stored X and compares with its stored Y. */
void checkCase(const std::string& name)
{
    cv::adaptivetext::registerLayers();
    const cv::Mat x = readNpy(dataPath(name + ".X.npy"));
    const cv::Mat ref = readNpy(dataPath(name + ".Y.npy"));
    const std::vector<cv::Mat> out = runModel(name, { "X" }, { x }, { "Y" });
    checkClose(out[0], ref, name);
}

/** Loads test/data/<name>.onnx and runs it on zeros of `shape`; returns the error message. */
std::string errorOfModel(const std::string& name, const std::vector<int>& shape)
{
    return adaptivetext_test::errorOfModel(name, { "X" }, { shape }, { "Y" });
}

cv::dnn::LayerParams seParams(const std::vector<cv::Mat>& blobs)
{
    cv::dnn::LayerParams lp = layerParams("se", "SEBlock");
    lp.blobs = blobs;
    return lp;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(se_block_layer)

BOOST_AUTO_TEST_CASE(matches_pytorch_over_a_sweep_of_shapes)
{
    for (const char* name : { "se_block_c16_r4", "se_block_c32_r16", "se_block_c64_r16", "se_block_c12_r2" })
        checkCase(name);
}

BOOST_AUTO_TEST_CASE(works_on_a_1x1_map_with_batch_3)
{
    checkCase("se_block_c8_r8_1x1");
}

BOOST_AUTO_TEST_CASE(one_net_with_dynamic_shapes_runs_two_sizes)
{
    cv::adaptivetext::registerLayers();
    cv::dnn::Net net = cv::dnn::readNetFromONNX(dataPath("se_block_dynamic.onnx"));
    for (int i = 0; i < 2; ++i)
    {
        const cv::Mat x = readNpy(dataPath(cv::format("se_block_dynamic.X%d.npy", i)));
        const cv::Mat ref = readNpy(dataPath(cv::format("se_block_dynamic.Y%d.npy", i)));
        net.setInput(x, "X");
        const cv::Mat out = net.forward("Y");
        checkClose(out, ref, cv::format("dynamic size %d", i));
    }
}

// Worked by hand: channel 0 is all 2, channel 1 alternates +1/-1, so s = (2, 0); W1 = [1 1] gives z = 2;
// W2 = (ln(3)/2, 5) gives gates sigmoid(ln 3) = 0.75 and sigmoid(10) for channel 1.
BOOST_AUTO_TEST_CASE(hand_worked_gates)
{
    const cv::Mat w1 = (cv::Mat_<float>(1, 2) << 1.f, 1.f);
    const cv::Mat w2 = (cv::Mat_<float>(2, 1) << (float)(std::log(3.0) / 2), 5.f);
    cv::dnn::LayerParams lp = seParams({ w1, w2 });
    cv::Ptr<cv::dnn::Layer> layer = cv::adaptivetext::SEBlockLayer::create(lp);

    const int shape[] = { 1, 2, 2, 2 };
    cv::Mat x(4, shape, CV_32F);
    const float values[] = { 2, 2, 2, 2, 1, -1, -1, 1 };
    std::copy(values, values + 8, x.ptr<float>());
    const std::vector<cv::Mat> outputs = forwardLayer(layer, { x });

    const float* y = outputs[0].ptr<float>();
    const double g1 = 1.0 / (1.0 + std::exp(-10.0));
    for (int i = 0; i < 4; ++i)
    {
        BOOST_CHECK_CLOSE(y[i], 1.5, 1e-4);
        BOOST_CHECK_CLOSE(y[4 + i], values[4 + i] * g1, 1e-4);
    }
}

BOOST_AUTO_TEST_CASE(shapes_tolerate_import_time_zeros)
{
    cv::dnn::LayerParams lp = seParams({ cv::Mat::ones(2, 8, CV_32F), cv::Mat::ones(8, 2, CV_32F) });
    cv::Ptr<cv::dnn::Layer> layer = cv::adaptivetext::SEBlockLayer::create(lp);
    std::vector<cv::dnn::MatShape> outs, internals;
    // The importer passes requiredOutputs = 0 and 0 for dynamic dims; the output keeps the input shape.
    layer->getMemoryShapes({ cv::dnn::MatShape{ 0, 8, 0, 0 } }, 0, outs, internals);
    BOOST_REQUIRE_EQUAL(outs.size(), 1u);
    BOOST_CHECK(outs[0] == (cv::dnn::MatShape{ 0, 8, 0, 0 }));
    layer->getMemoryShapes({ cv::dnn::MatShape{ 2, 8, 5, 3 } }, 1, outs, internals);
    BOOST_CHECK(outs[0] == (cv::dnn::MatShape{ 2, 8, 5, 3 }));
    BOOST_CHECK(layer->supportBackend(cv::dnn::DNN_BACKEND_OPENCV));
    BOOST_CHECK(!layer->supportBackend(cv::dnn::DNN_BACKEND_CUDA));
}

BOOST_AUTO_TEST_CASE(fp16_input_goes_through_the_fp32_path)
{
    // What the engine hands a layer under DNN_TARGET_OPENCL_FP16: UMats of depth CV_16S holding halves.
    const cv::Mat x = readNpy(dataPath("se_block_c16_r4.X.npy"));
    const cv::Mat ref = readNpy(dataPath("se_block_c16_r4.Y.npy"));
    cv::dnn::LayerParams lp = seParams({ readNpy(dataPath("se_block_c16_r4.W1.npy")),
                                         readNpy(dataPath("se_block_c16_r4.W2.npy")) });
    cv::Ptr<cv::dnn::Layer> layer = cv::adaptivetext::SEBlockLayer::create(lp);
    layer->preferableTarget = cv::dnn::DNN_TARGET_OPENCL_FP16;

    cv::Mat xHalf, yHalf(x.dims, x.size.p, CV_16S), y;
    cv::convertFp16(x, xHalf);
    std::vector<cv::UMat> inputs = { xHalf.getUMat(cv::ACCESS_READ) }, outputs = { yHalf.getUMat(cv::ACCESS_RW) },
                          internals;
    layer->forward(inputs, outputs, internals);
    cv::convertFp16(outputs[0].getMat(cv::ACCESS_READ), y);
    checkClose(y, ref, "fp16", 1e-2);  // half precision
}

BOOST_AUTO_TEST_CASE(refuses_a_node_of_contract_version_2)
{
    const std::string msg = errorOfModel("se_block_bad_version2", { 1, 8, 4, 4 });
    CHECK_HAS(msg, "op contract version 2");
}

BOOST_AUTO_TEST_CASE(refuses_a_node_without_version)
{
    const std::string msg = errorOfModel("se_block_bad_no_version", { 1, 8, 4, 4 });
    CHECK_HAS(msg, "no 'version' attribute");
}

BOOST_AUTO_TEST_CASE(refuses_a_wrong_number_of_weights)
{
    CHECK_HAS(errorOfModel("se_block_bad_one_blob", { 1, 8, 4, 4 }), "exactly two weight initializers");
    cv::dnn::LayerParams lp = seParams({ cv::Mat::ones(2, 8, CV_32F), cv::Mat::ones(8, 2, CV_32F),
                                         cv::Mat::ones(8, 2, CV_32F) });
    CHECK_HAS(errorOf([&] { cv::adaptivetext::SEBlockLayer::create(lp); }), "exactly two weight initializers");
}

BOOST_AUTO_TEST_CASE(refuses_weights_whose_shapes_do_not_fit)
{
    cv::dnn::LayerParams rows = seParams({ cv::Mat::ones(2, 8, CV_32F), cv::Mat::ones(6, 2, CV_32F) });
    CHECK_HAS(errorOf([&] { cv::adaptivetext::SEBlockLayer::create(rows); }), "W2 must have C rows");
    cv::dnn::LayerParams cols = seParams({ cv::Mat::ones(2, 8, CV_32F), cv::Mat::ones(8, 3, CV_32F) });
    CHECK_HAS(errorOf([&] { cv::adaptivetext::SEBlockLayer::create(cols); }), "W2 must have C/r columns");
}

BOOST_AUTO_TEST_CASE(refuses_an_input_whose_channels_differ_from_the_weights)
{
    CHECK_HAS(errorOfModel("se_block_bad_channels", { 1, 10, 4, 4 }), "channel count C differs");
}

BOOST_AUTO_TEST_CASE(refuses_an_input_that_is_not_4d)
{
    CHECK_HAS(errorOfModel("se_block_bad_rank", { 1, 8, 4 }), "must be 4-D");
}

BOOST_AUTO_TEST_SUITE_END()
