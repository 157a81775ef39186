// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// adaptivetext.PointPairDecoder (doc/model_format.md, section 3.4). Reference outputs come from the NumPy
// LSTM in tools/testdata/gen_point_pair_decoder.py (itself checked against torch.nn.LSTM); the models are
// loaded with cv::dnn::readNet (K dynamic, weights as initializers). Hand-worked cases build the layer
// directly from LayerParams.
#include "test_utils.hpp"

#include <opencv2/adaptivetext/layers.hpp>

#include <boost/test/unit_test.hpp>

namespace {

using namespace adaptivetext_test;
using cv::adaptivetext::PointPairDecoderLayer;

const char* const kInputs[] = { "features", "text_scores", "rois" };

std::string base(const std::string& name) { return "point_pair_decoder_" + name; }

cv::Mat load(const std::string& name, const std::string& what)
{
    return readNpy(dataPath(base(name) + "." + what + ".npy"));
}

std::vector<cv::Mat> caseInputs(const std::string& name)
{
    return { load(name, "features"), load(name, "text_scores"), load(name, "rois") };
}

cv::dnn::Net loadCase(const std::string& name)
{
    cv::adaptivetext::registerLayers();
    cv::dnn::Net net = cv::dnn::readNet(dataPath(base(name) + ".onnx"));
    BOOST_REQUIRE(!net.empty());
    return net;
}

/** {pairs, num_pairs} of a loaded net on the case's stored inputs. */
std::vector<cv::Mat> forwardNet(cv::dnn::Net& net, const std::string& name)
{
    const std::vector<cv::Mat> in = caseInputs(name);
    for (size_t i = 0; i < in.size(); ++i)
        net.setInput(in[i], kInputs[i]);
    std::vector<cv::Mat> out;
    net.forward(out, std::vector<cv::String>{ "pairs", "num_pairs" });
    BOOST_REQUIRE_EQUAL(out.size(), 2u);
    return out;
}

/** num_pairs must match exactly (discrete), pairs within 1e-4 of the reference scale. */
void checkOutputs(const std::vector<cv::Mat>& out, const cv::Mat& refPairs, const cv::Mat& refNum)
{
    BOOST_REQUIRE_EQUAL(out[0].dims, 3);
    BOOST_CHECK_EQUAL(out[0].size[0], refPairs.size[0]);
    BOOST_CHECK_EQUAL(out[0].size[1], refPairs.size[1]);
    BOOST_CHECK_EQUAL(out[0].size[2], 4);
    BOOST_CHECK_EQUAL(maxAbsDiff(out[1], refNum), 0.0);
    checkClose(out[0], refPairs, "pairs");
}

void checkCase(const std::string& name)
{
    BOOST_TEST_CONTEXT("case " << name)
    {
        cv::dnn::Net net = loadCase(name);
        checkOutputs(forwardNet(net, name), load(name, "pairs"), load(name, "num_pairs"));
    }
}

/** Hd = 1, D = 2, all LSTM weights zero: h_t then depends on B only, which makes hand-worked values. */
cv::dnn::LayerParams handParams(const float b[4], const float bOut[5], int maxSteps, int minSteps)
{
    cv::dnn::LayerParams lp = layerParams("decoder", "PointPairDecoder");
    lp.set("max_steps", maxSteps);
    lp.set("min_steps", minSteps);
    lp.set("score_threshold", 0.5f);
    cv::Mat wOut = blob({ 5, 1 });
    wOut.at<float>(0, 0) = 1.f;  // u_top = h
    lp.blobs = { blob({ 4, 2 }), blob({ 4, 1 }), cv::Mat(1, 4, CV_32F, (void*)b).clone(), wOut,
                 cv::Mat(1, 5, CV_32F, (void*)bOut).clone() };
    return lp;
}

/** Three RoIs with the same box (10,20)-(50,40): a real one, one below the 0.5 score threshold, padding. */
std::vector<cv::Mat> handInputs()
{
    cv::Mat rois = (cv::Mat_<float>(3, 5) << 0, 10, 20, 50, 40, 0, 10, 20, 50, 40, -1, 0, 0, 0, 0);
    cv::Mat scores = (cv::Mat_<float>(3, 1) << 0.9f, 0.4f, 0.9f);
    return { blob({ 3, 2 }, 1.f), scores, rois };
}

cv::dnn::LayerParams validParams()
{
    const float b[4] = { 0, 0, 0, 0 }, bOut[5] = { 0, 0, 0, 0, 0 };
    return handParams(b, bOut, 4, 2);
}

cv::Ptr<cv::dnn::Layer> createLayer(cv::dnn::LayerParams lp)
{
    return PointPairDecoderLayer::create(lp);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(point_pair_decoder_layer)

BOOST_AUTO_TEST_CASE(random_sweep_matches_numpy)
{
    for (int i = 0; i < 4; ++i)  // sweep3 has [K,C,h,w] features
        checkCase("sweep" + std::to_string(i));
}

BOOST_AUTO_TEST_CASE(single_roi)
{
    checkCase("k1");
}

BOOST_AUTO_TEST_CASE(all_padding_rows_give_zeros)
{
    checkCase("all_padding");
    cv::dnn::Net net = loadCase("all_padding");
    const std::vector<cv::Mat> out = forwardNet(net, "all_padding");
    BOOST_CHECK_EQUAL(cv::countNonZero(out[0].reshape(1, 1)), 0);
    BOOST_CHECK_EQUAL(cv::countNonZero(out[1]), 0);
}

BOOST_AUTO_TEST_CASE(max_steps_reached_without_a_stop)
{
    checkCase("no_stop");
}

BOOST_AUTO_TEST_CASE(stop_at_the_first_permitted_step)
{
    checkCase("first_stop");       // min_steps = 1: one pair
    checkCase("first_stop_min3");  // min_steps = 3: three pairs although stop fires from step 0
}

BOOST_AUTO_TEST_CASE(score_threshold_skips_rows)
{
    // One real RoI's score equals the threshold exactly: it is decoded (the rule is "score < threshold").
    checkCase("score_skip");
}

BOOST_AUTO_TEST_CASE(score_threshold_can_change_at_run_time)
{
    cv::dnn::Net net = loadCase("score_skip");
    cv::Ptr<PointPairDecoderLayer> decoder;
    for (const cv::String& name : net.getLayerNames())
    {
        cv::Ptr<cv::dnn::Layer> layer = net.getLayer(net.getLayerId(name));
        if (layer->type == "adaptivetext.PointPairDecoder")
            decoder = layer.dynamicCast<PointPairDecoderLayer>();
    }
    BOOST_REQUIRE(decoder);
    BOOST_CHECK_EQUAL(decoder->getScoreThreshold(), 0.5f);
    for (int i = 0; i < 2; ++i)
    {
        const std::string tag = std::to_string(i);
        const float threshold = load("score_skip", "thr" + tag).at<float>(0);
        decoder->setScoreThreshold(threshold);
        BOOST_CHECK_EQUAL(decoder->getScoreThreshold(), threshold);
        BOOST_TEST_CONTEXT("threshold " << threshold)
        {
            checkOutputs(forwardNet(net, "score_skip"), load("score_skip", "pairs_thr" + tag),
                         load("score_skip", "num_pairs_thr" + tag));
        }
    }
}

BOOST_AUTO_TEST_CASE(same_result_with_one_thread)
{
    const int threads = cv::getNumThreads();
    cv::setNumThreads(1);
    checkCase("sweep1");
    cv::setNumThreads(threads);
    checkCase("sweep1");
}

BOOST_AUTO_TEST_CASE(hand_worked_constant_gates)
{
    // All gates equal B = 0: i = f = o = 0.5, g = 0, so c = h = 0 and y = B_out at every step.
    // stop = sigmoid(-1) = 0.27 < 0.5: the RoI runs to T = 3. Box (10,20)-(50,40), width 40, height 20:
    // top = (10 + 0.25*40, 20 + 0.5*20) = (20, 30), bottom = (10 + 0.75*40, 20 + 1*20) = (40, 40).
    const float b[4] = { 0, 0, 0, 0 }, bOut[5] = { 0.25f, 0.5f, 0.75f, 1.f, -1.f };
    const std::vector<cv::Mat> out = forwardLayer(createLayer(handParams(b, bOut, 3, 2)), handInputs());
    BOOST_REQUIRE(out[0].dims == 3 && out[0].size[0] == 3 && out[0].size[1] == 3 && out[0].size[2] == 4);
    const float expected[4] = { 20.f, 30.f, 40.f, 40.f };
    for (int t = 0; t < 3; ++t)
        for (int j = 0; j < 4; ++j)
            BOOST_CHECK_CLOSE(out[0].ptr<float>(0)[t * 4 + j], expected[j], 1e-4);
    BOOST_CHECK_EQUAL(out[1].at<float>(0), 3.f);
    // Row 1 (score 0.4 < 0.5) and row 2 (padding) are skipped: zeros over the garbage the buffers held.
    BOOST_CHECK_EQUAL(out[1].at<float>(1), 0.f);
    BOOST_CHECK_EQUAL(out[1].at<float>(2), 0.f);
    for (int k = 1; k < 3; ++k)
        for (int i = 0; i < 12; ++i)
            BOOST_CHECK_EQUAL(out[0].ptr<float>(k)[i], 0.f);
}

BOOST_AUTO_TEST_CASE(hand_worked_cell_state_and_min_steps)
{
    // B = (0, 0, 1, 0): i = f = o = 0.5, g = tanh(1) = 0.761594. c1 = 0.5*g = 0.380797,
    // h1 = 0.5*tanh(c1) = 0.181700; c2 = 0.5*c1 + 0.5*g = 0.571196, h2 = 0.5*tanh(c2) = 0.258118.
    // u_top = h, so x_top = 10 + 40*h: 17.267990, 20.324736. stop = sigmoid(10) fires at once, but
    // min_steps = 2 keeps two pairs.
    const float b[4] = { 0, 0, 1, 0 }, bOut[5] = { 0, 0, 1, 1, 10 };
    const std::vector<cv::Mat> out = forwardLayer(createLayer(handParams(b, bOut, 4, 2)), handInputs());
    const float* p = out[0].ptr<float>(0);
    BOOST_CHECK_CLOSE(p[0], 17.267990f, 1e-4);
    BOOST_CHECK_CLOSE(p[4], 20.324736f, 1e-4);
    BOOST_CHECK_CLOSE(p[1], 20.f, 1e-4);  // v_top = 0
    BOOST_CHECK_CLOSE(p[2], 50.f, 1e-4);  // u_bottom = 1
    BOOST_CHECK_CLOSE(p[7], 40.f, 1e-4);  // v_bottom = 1
    BOOST_CHECK_EQUAL(out[1].at<float>(0), 2.f);
    for (int i = 8; i < 16; ++i)  // zeros after the stop
        BOOST_CHECK_EQUAL(p[i], 0.f);
}

BOOST_AUTO_TEST_CASE(output_shapes_with_dynamic_k)
{
    const cv::Ptr<cv::dnn::Layer> layer = createLayer(validParams());
    std::vector<cv::dnn::MatShape> out = outputShapes(layer, { { 0, 2 }, { 0, 1 }, { 0, 5 } });
    BOOST_REQUIRE_EQUAL(out.size(), 2u);
    BOOST_CHECK(out[0] == cv::dnn::MatShape({ 0, 4, 4 }));
    out = outputShapes(layer, { { 7, 2, 1, 1 }, { 7, 1 }, { 7, 5 } });  // [K,D,1,1] features
    BOOST_CHECK(out[0] == cv::dnn::MatShape({ 7, 4, 4 }));
    BOOST_CHECK(out[1] == cv::dnn::MatShape({ 7, 1 }));
}

BOOST_AUTO_TEST_CASE(bad_weights_are_refused)
{
    cv::dnn::LayerParams lp = validParams();
    lp.blobs.pop_back();
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "expects 5 initializers");

    lp = validParams();
    lp.blobs[1] = blob({ 3, 1 });  // W_hh not [4Hd, Hd]
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "W_hh must be [4Hd, Hd]");

    lp = validParams();
    lp.blobs[0] = blob({ 8, 2 });  // W_ih with another Hd
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "W_ih must be [4Hd, D]");

    lp = validParams();
    lp.blobs[2] = blob({ 1, 5 });
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "B must be [4Hd]");

    lp = validParams();
    lp.blobs[3] = blob({ 4, 1 });
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "W_out must be [5, Hd]");

    lp = validParams();
    lp.blobs[4] = blob({ 1, 4 });
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "B_out must be [5]");
}

BOOST_AUTO_TEST_CASE(bad_attributes_are_refused)
{
    cv::dnn::LayerParams lp = validParams();
    lp.set("max_steps", 1);
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "max_steps (T) must be at least 2");

    lp = validParams();
    lp.set("min_steps", 0);
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "min_steps must be at least 1");

    lp = validParams();
    lp.erase("score_threshold");
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "missing required attribute 'score_threshold'");

    lp = validParams();
    lp.set("version", 2);
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "version 2");

    lp = validParams();
    lp.erase("version");
    CHECK_HAS(errorOf([&] { createLayer(lp); }), "no 'version' attribute");
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_refused)
{
    const cv::Ptr<cv::dnn::Layer> layer = createLayer(validParams());
    CHECK_HAS(errorOf([&] { outputShapes(layer, { { 3, 2 }, { 3, 1 }, { 3, 4 } }); }), "rois must be [K,5]");
    CHECK_HAS(errorOf([&] { outputShapes(layer, { { 3, 2 }, { 3, 1 }, { 3, 5, 1 } }); }), "rois must be 2-D");
    CHECK_HAS(errorOf([&] { outputShapes(layer, { { 4, 2 }, { 3, 1 }, { 3, 5 } }); }),
              "features and rois differ in K");
    CHECK_HAS(errorOf([&] { outputShapes(layer, { { 3, 2 }, { 2, 1 }, { 3, 5 } }); }),
              "text_scores and rois differ in K");
    CHECK_HAS(errorOf([&] { outputShapes(layer, { { 3, 3, 1, 1 }, { 3, 1 }, { 3, 5 } }); }), "feature size D");
    CHECK_HAS(errorOf([&] { outputShapes(layer, { { 3, 2 }, { 3, 1 } }); }), "expects 3 inputs");
    // The same checks run at forward time, with the real shapes.
    CHECK_HAS(errorOf([&] { forwardLayer(layer, { blob({ 4, 2 }), blob({ 3, 1 }), blob({ 3, 5 }) }); }),
              "features and rois differ in K");
}

BOOST_AUTO_TEST_SUITE_END()
