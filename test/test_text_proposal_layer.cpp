// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// adaptivetext.TextProposal (doc/model_format.md, section 3.3). Reference outputs come from the NumPy
// implementation in tools/testdata/gen_text_proposal.py; the models are loaded with cv::dnn::readNet so
// the ONNX import path (dynamic map sizes, attribute parsing) is exercised too.
#include "test_utils.hpp"

#include <opencv2/adaptivetext/layers.hpp>

#include <boost/test/unit_test.hpp>

namespace {

using namespace adaptivetext_test;

/** Runs text_proposal_<name>.onnx on the stored inputs; returns {rois, rpn_scores}. */
std::vector<cv::Mat> runCase(const std::string& name)
{
    cv::adaptivetext::registerLayers();
    const std::string base = "text_proposal_" + name;
    const cv::Mat imageShape = readNpy(dataPath(base + ".image_shape.npy"));
    const int imgDims[] = { 1, 3, (int)imageShape.at<float>(2), (int)imageShape.at<float>(3) };
    const cv::Mat image(4, imgDims, CV_32F, cv::Scalar(0));  // only its shape is read
    return runModel(base, { "scores", "deltas", "image" },
                    { readNpy(dataPath(base + ".scores.npy")), readNpy(dataPath(base + ".deltas.npy")), image },
                    { "rois", "rpn_scores" });
}

/** Compares both outputs of a case with the NumPy reference (max abs error <= 1e-4 of the scale). */
void checkCase(const std::string& name)
{
    BOOST_TEST_CONTEXT("case " << name)
    {
        const std::vector<cv::Mat> out = runCase(name);
        BOOST_REQUIRE_EQUAL(out.size(), 2u);
        const std::string base = "text_proposal_" + name;
        const cv::Mat refRois = readNpy(dataPath(base + ".rois.npy"));
        const cv::Mat refScores = readNpy(dataPath(base + ".rpn_scores.npy"));
        BOOST_REQUIRE_EQUAL(out[0].dims, 2);
        BOOST_CHECK_EQUAL(out[0].size[0], refRois.size[0]);
        BOOST_CHECK_EQUAL(out[0].size[1], 5);
        BOOST_CHECK_EQUAL(out[1].size[0], refScores.size[0]);
        checkClose(out[0], refRois, "rois");
        checkClose(out[1], refScores, "rpn_scores");
    }
}

/** Valid attributes: 2 sizes x 3 ratios = 6 anchors, K = 8. */
cv::dnn::LayerParams validParams()
{
    cv::dnn::LayerParams lp = layerParams("tp", "TextProposal");
    const float sizes[] = { 16.f, 32.f };
    const float ratios[] = { 0.5f, 1.f, 2.f };
    lp.set("feat_stride", 16);
    lp.set("anchor_sizes", cv::dnn::DictValue::arrayReal(sizes, 2));
    lp.set("anchor_ratios", cv::dnn::DictValue::arrayReal(ratios, 3));
    lp.set("pre_nms_top_n", 100);
    lp.set("post_nms_top_n", 8);
    lp.set("nms_threshold", 0.7f);
    lp.set("min_size", 1.f);
    return lp;
}

cv::Ptr<cv::dnn::Layer> createLayer(cv::dnn::LayerParams lp)
{
    return cv::adaptivetext::TextProposalLayer::create(lp);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(text_proposal_layer)

BOOST_AUTO_TEST_CASE(random_sweep_matches_numpy)
{
    for (int i = 0; i < 5; ++i)
        checkCase("sweep" + std::to_string(i));
}

BOOST_AUTO_TEST_CASE(single_output_row)
{
    checkCase("k1");
}

BOOST_AUTO_TEST_CASE(one_by_one_score_map)
{
    checkCase("map1x1");
}

// All 36 best-scored boxes of a 6x6 map fall under min_size but one: the pre-NMS top N counts only the boxes
// that pass the size filter, so the output holds boxes ranked far below the first N scores.
BOOST_AUTO_TEST_CASE(top_n_counts_only_boxes_above_min_size)
{
    checkCase("small_best");
}

BOOST_AUTO_TEST_CASE(boxes_partly_outside_are_clipped_to_the_image)
{
    checkCase("clip");
    checkCase("clip_bounds");
    // Independent of the reference: every real row lies inside [0, W] x [0, H] of the `image` input.
    const std::vector<cv::Mat> out = runCase("clip_bounds");
    const cv::Mat& rois = out[0];
    int real = 0;
    for (int k = 0; k < rois.size[0]; ++k)
    {
        const float* r = rois.ptr<float>(k);
        if (r[0] < 0)
            continue;
        ++real;
        BOOST_CHECK(r[1] >= 0.f && r[3] <= 37.f && r[2] >= 0.f && r[4] <= 30.f);
        BOOST_CHECK(r[1] <= r[3] && r[2] <= r[4]);
    }
    BOOST_CHECK_GT(real, 0);
}

BOOST_AUTO_TEST_CASE(large_dw_dh_are_clamped)
{
    // 4 px anchors, dw/dh up to 6 in a 320x320 image: the generator checked that the output differs
    // without the clamp at log(1000/16).
    checkCase("dw_clamp");
}

BOOST_AUTO_TEST_CASE(all_boxes_below_min_size_give_padding_rows)
{
    checkCase("all_small");
    const std::vector<cv::Mat> out = runCase("all_small");
    for (int k = 0; k < out[0].size[0]; ++k)
    {
        const float* r = out[0].ptr<float>(k);
        BOOST_CHECK_EQUAL(r[0], -1.f);
        BOOST_CHECK_EQUAL(r[1], 0.f);
        BOOST_CHECK_EQUAL(r[4], 0.f);
        BOOST_CHECK_EQUAL(out[1].at<float>(k), 0.f);
    }
}

BOOST_AUTO_TEST_CASE(exact_score_ties_go_to_the_lower_flat_index)
{
    // The generator checked that this case's output changes when ties are broken the other way.
    checkCase("ties");
}

BOOST_AUTO_TEST_CASE(hand_worked_tiling)
{
    // One 16x16 anchor on a 2x2 map with stride 16 and zero deltas gives the four quarters of the 32x32
    // image; scores (0.3, 0.9 / 0.6, 0.9) order them (x=1,y=0), (x=1,y=1) [tie: lower index], (0,1), (0,0).
    checkCase("hand");
    const std::vector<cv::Mat> out = runCase("hand");
    const float expected[6][5] = { { 0, 16, 0, 32, 16 }, { 0, 16, 16, 32, 32 }, { 0, 0, 16, 16, 32 },
                                   { 0, 0, 0, 16, 16 }, { -1, 0, 0, 0, 0 }, { -1, 0, 0, 0, 0 } };
    const float scores[6] = { 0.9f, 0.9f, 0.6f, 0.3f, 0.f, 0.f };
    BOOST_REQUIRE_EQUAL(out[0].size[0], 6);
    for (int k = 0; k < 6; ++k)
    {
        for (int j = 0; j < 5; ++j)
            BOOST_CHECK_SMALL(out[0].at<float>(k, j) - expected[k][j], 1e-4f);
        BOOST_CHECK_EQUAL(out[1].at<float>(k), scores[k]);
    }
}

BOOST_AUTO_TEST_CASE(output_shapes_depend_only_on_attributes)
{
    const cv::Ptr<cv::dnn::Layer> layer = createLayer(validParams());
    // At import the dynamic dims are 0; outputs must still be [K,5] and [K,1].
    std::vector<cv::dnn::MatShape> out = outputShapes(layer, { { 1, 6, 0, 0 }, { 1, 24, 0, 0 }, { 1, 3, 0, 0 } });
    BOOST_REQUIRE_EQUAL(out.size(), 2u);
    BOOST_CHECK(out[0] == cv::dnn::MatShape({ 8, 5 }));
    BOOST_CHECK(out[1] == cv::dnn::MatShape({ 8, 1 }));
    out = outputShapes(layer, { { 1, 6, 40, 30 }, { 1, 24, 40, 30 }, { 1, 3, 640, 480 } });
    BOOST_CHECK(out[0] == cv::dnn::MatShape({ 8, 5 }));
    BOOST_CHECK(out[1] == cv::dnn::MatShape({ 8, 1 }));
}

BOOST_AUTO_TEST_CASE(direct_forward_with_fewer_boxes_than_rows_pads)
{
    // 1x1 map, 6 anchors centred at (8, 8) with zero deltas in a 16x16 image: all clipped into the image.
    // Anchors of the same ratio nest, so with nms_threshold 0.7 some are suppressed; rows after the survivors
    // must be exact padding whatever the output buffer held before.
    const cv::Ptr<cv::dnn::Layer> layer = createLayer(validParams());
    const std::vector<cv::Mat> out = forwardLayer(layer, { blob({ 1, 6, 1, 1 }, 0.5f), blob({ 1, 24, 1, 1 }),
                                                          blob({ 1, 3, 16, 16 }) });
    int real = 0;
    for (int k = 0; k < 8; ++k)
    {
        const float* r = out[0].ptr<float>(k);
        if (r[0] >= 0)
        {
            BOOST_CHECK_EQUAL(k, real);  // real rows first
            ++real;
            continue;
        }
        BOOST_CHECK(r[0] == -1.f && r[1] == 0.f && r[2] == 0.f && r[3] == 0.f && r[4] == 0.f);
        BOOST_CHECK_EQUAL(out[1].at<float>(k), 0.f);
    }
    BOOST_CHECK(real >= 1 && real < 6);
}

BOOST_AUTO_TEST_CASE(bad_attributes_are_refused)
{
    cv::dnn::LayerParams lp = validParams();
    lp.set("version", 2);
    std::string msg = errorOf([&] { createLayer(lp); });
    CHECK_HAS(msg, "version 2");

    lp = validParams();
    lp.erase("version");
    msg = errorOf([&] { createLayer(lp); });
    CHECK_HAS(msg, "no 'version' attribute");

    lp = validParams();
    lp.set("post_nms_top_n", 0);
    msg = errorOf([&] { createLayer(lp); });
    CHECK_HAS(msg, "post_nms_top_n");

    lp = validParams();
    lp.set("pre_nms_top_n", 0);
    msg = errorOf([&] { createLayer(lp); });
    CHECK_HAS(msg, "pre_nms_top_n");

    lp = validParams();
    lp.erase("min_size");
    msg = errorOf([&] { createLayer(lp); });
    CHECK_HAS(msg, "missing required attribute 'min_size'");

    lp = validParams();
    lp.set("nms_threshold", 1.5f);
    msg = errorOf([&] { createLayer(lp); });
    CHECK_HAS(msg, "nms_threshold");
}

BOOST_AUTO_TEST_CASE(bad_input_shapes_are_refused)
{
    const cv::Ptr<cv::dnn::Layer> layer = createLayer(validParams());
    std::string msg = errorOf([&] { outputShapes(layer, { { 1, 5, 4, 4 }, { 1, 20, 4, 4 }, { 1, 3, 64, 64 } }); });
    CHECK_HAS(msg, "anchor count");

    msg = errorOf([&] { outputShapes(layer, { { 1, 6, 4, 4 }, { 1, 20, 4, 4 }, { 1, 3, 64, 64 } }); });
    CHECK_HAS(msg, "deltas channels must be 4A");

    msg = errorOf([&] { outputShapes(layer, { { 2, 6, 4, 4 }, { 2, 24, 4, 4 }, { 2, 3, 64, 64 } }); });
    CHECK_HAS(msg, "batch must be 1");

    msg = errorOf([&] { outputShapes(layer, { { 1, 6, 4, 4 }, { 1, 24, 4, 5 }, { 1, 3, 64, 64 } }); });
    CHECK_HAS(msg, "differ in size");

    msg = errorOf([&] { outputShapes(layer, { { 1, 6, 4, 4 }, { 1, 24, 4, 4 } }); });
    CHECK_HAS(msg, "expects 3 inputs");

    // The same checks run at forward time, when the real shapes are known.
    msg = errorOf([&] { forwardLayer(layer, { blob({ 1, 6, 2, 2 }), blob({ 1, 12, 2, 2 }), blob({ 1, 3, 8, 8 }) }); });
    CHECK_HAS(msg, "deltas channels must be 4A");
}

BOOST_AUTO_TEST_CASE(version_2_model_is_refused_at_import)
{
    cv::adaptivetext::registerLayers();
    const std::string msg = errorOf([] { cv::dnn::readNet(dataPath("text_proposal_version2.onnx")); });
    CHECK_HAS(msg, "version 2");
}

BOOST_AUTO_TEST_SUITE_END()
