// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// adaptivetext.RoIAlign (doc/model_format.md §3.2) against torchvision.ops.roi_align(aligned=True) references
// from tools/testdata/gen_roi_align.py, one hand-worked case, and the ways a node or its inputs can be wrong.
#include "test_utils.hpp"

#include <opencv2/adaptivetext/layers.hpp>

#include <boost/test/unit_test.hpp>

#include <limits>

namespace {

using namespace adaptivetext_test;

/** Runs test/data/<name>.onnx on its stored X, rois and compares with its stored Y; returns the output. */
cv::Mat checkCase(const std::string& name)
{
    cv::adaptivetext::registerLayers();
    const cv::Mat x = readNpy(dataPath(name + ".X.npy"));
    const cv::Mat rois = readNpy(dataPath(name + ".rois.npy"));
    const cv::Mat ref = readNpy(dataPath(name + ".Y.npy"));
    const std::vector<cv::Mat> out = runModel(name, { "X", "rois" }, { x, rois }, { "Y" });
    checkClose(out[0], ref, name);
    return out[0];
}

/** Loads test/data/<name>.onnx and runs it on zeros of the given shapes; returns the error message. */
std::string errorOfModel(const std::string& name, const std::vector<int>& xShape, const std::vector<int>& roisShape)
{
    return adaptivetext_test::errorOfModel(name, { "X", "rois" }, { xShape, roisShape }, { "Y" });
}

cv::dnn::LayerParams roiParams(int outH, int outW, double scale, int samplingRatio)
{
    cv::dnn::LayerParams lp = layerParams("roi_align", "RoIAlign");
    lp.set("output_height", outH);
    lp.set("output_width", outW);
    lp.set("spatial_scale", scale);
    lp.set("sampling_ratio", samplingRatio);
    return lp;
}

/** Runs a directly created layer on x and rois. */
cv::Mat runLayer(cv::dnn::LayerParams lp, const cv::Mat& x, const cv::Mat& rois)
{
    return forwardLayer(cv::adaptivetext::RoIAlignLayer::create(lp), { x, rois })[0];
}

}  // namespace

BOOST_AUTO_TEST_SUITE(roi_align_layer)

BOOST_AUTO_TEST_CASE(matches_torchvision_over_a_sweep_of_parameters)
{
    // Sampling ratios 0..3, scales 1/16..1 and 0.3, output sizes 1x1..7x14, C 2..8, N 1 and 2.
    for (const char* name : { "roi_align_s0_c4", "roi_align_s1_c3", "roi_align_s2_n2", "roi_align_s3_c2",
                              "roi_align_s0_1x1_out", "roi_align_head_7x14", "roi_align_odd_scale" })
        checkCase(name);
}

BOOST_AUTO_TEST_CASE(rois_outside_empty_or_inverted_with_an_adaptive_grid)
{
    const cv::Mat out = checkCase("roi_align_edges_sr0");
    // Row 4 is padding, rows 6 and 7 have no adaptive grid (zero width, negative size): all must be exactly 0.
    const cv::Mat rows = out.reshape(1, out.size[0]);
    for (int k : { 4, 6, 7 })
        BOOST_CHECK_EQUAL(cv::countNonZero(rows.row(k)), 0);
}

BOOST_AUTO_TEST_CASE(rois_outside_empty_or_inverted_with_a_fixed_grid)
{
    checkCase("roi_align_edges_sr2");
}

BOOST_AUTO_TEST_CASE(works_on_a_1x1_feature_map)
{
    checkCase("roi_align_map_1x1");
}

BOOST_AUTO_TEST_CASE(works_with_a_single_roi)
{
    checkCase("roi_align_k1");
}

BOOST_AUTO_TEST_CASE(all_rows_padding_give_zeros)
{
    const cv::Mat out = checkCase("roi_align_all_padding");
    BOOST_CHECK_EQUAL(cv::countNonZero(out.reshape(1, 1)), 0);
}

BOOST_AUTO_TEST_CASE(reads_the_second_image_of_a_batch)
{
    checkCase("roi_align_batch1");
}

BOOST_AUTO_TEST_CASE(one_net_with_dynamic_shapes_runs_two_sizes)
{
    cv::adaptivetext::registerLayers();
    cv::dnn::Net net = cv::dnn::readNetFromONNX(dataPath("roi_align_dynamic.onnx"));
    for (int i = 0; i < 2; ++i)
    {
        const cv::Mat x = readNpy(dataPath(cv::format("roi_align_dynamic.X%d.npy", i)));
        const cv::Mat rois = readNpy(dataPath(cv::format("roi_align_dynamic.rois%d.npy", i)));
        const cv::Mat ref = readNpy(dataPath(cv::format("roi_align_dynamic.Y%d.npy", i)));
        net.setInput(x, "X");
        net.setInput(rois, "rois");
        checkClose(net.forward("Y"), ref, cv::format("dynamic size %d", i));
    }
}

// Worked by hand on X = [[0, 1], [2, 3]], i.e. X(y, x) = 2y + x, which bilinear sampling reproduces exactly.
// The box (0.5, 0.5)-(2.5, 2.5) at scale 1 maps to feature (0, 0)-(2, 2); 2x2 bins of size 1, one sample each
// at their centres (0.5, 0.5), (0.5, 1.5), (1.5, 0.5), (1.5, 1.5); a coordinate >= W-1 is clamped to 1.
BOOST_AUTO_TEST_CASE(hand_worked_bilinear_samples)
{
    const int xShape[] = { 1, 1, 2, 2 };
    cv::Mat x(4, xShape, CV_32F);
    for (int i = 0; i < 4; ++i)
        x.ptr<float>()[i] = (float)i;
    const cv::Mat rois = (cv::Mat_<float>(2, 5) << 0, 0.5f, 0.5f, 2.5f, 2.5f,  //
                          -1, 0, 0, 0, 0);
    const cv::Mat out = runLayer(roiParams(2, 2, 1.0, 1), x, rois);
    BOOST_REQUIRE_EQUAL(out.size[0], 2);
    const float expected[] = { 1.5f, 2.f, 2.5f, 3.f, 0.f, 0.f, 0.f, 0.f };
    for (int i = 0; i < 8; ++i)
        BOOST_CHECK_CLOSE(out.ptr<float>()[i] + 1.f, expected[i] + 1.f, 1e-4);
}

BOOST_AUTO_TEST_CASE(shapes_tolerate_import_time_zeros)
{
    cv::dnn::LayerParams lp = roiParams(7, 14, 0.0625, 2);
    cv::Ptr<cv::dnn::Layer> layer = cv::adaptivetext::RoIAlignLayer::create(lp);
    std::vector<cv::dnn::MatShape> outs, internals;
    layer->getMemoryShapes({ cv::dnn::MatShape{ 0, 32, 0, 0 }, cv::dnn::MatShape{ 100, 5 } }, 0, outs, internals);
    BOOST_REQUIRE_EQUAL(outs.size(), 1u);
    BOOST_CHECK(outs[0] == (cv::dnn::MatShape{ 100, 32, 7, 14 }));
    BOOST_CHECK(layer->supportBackend(cv::dnn::DNN_BACKEND_OPENCV));
    BOOST_CHECK(!layer->supportBackend(cv::dnn::DNN_BACKEND_CUDA));
}

BOOST_AUTO_TEST_CASE(refuses_a_batch_index_beyond_the_batch)
{
    const int xShape[] = { 1, 2, 4, 4 };
    const cv::Mat x(4, xShape, CV_32F, cv::Scalar(1));
    const cv::Mat rois = (cv::Mat_<float>(2, 5) << 0, 0, 0, 2, 2,  //
                          1, 0, 0, 2, 2);
    CHECK_HAS(errorOf([&] { runLayer(roiParams(2, 2, 1.0, 0), x, rois); }), "batch index is >= N");
}

BOOST_AUTO_TEST_CASE(refuses_non_finite_rois)
{
    const int xShape[] = { 1, 2, 4, 4 };
    const cv::Mat x(4, xShape, CV_32F, cv::Scalar(1));
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const cv::Mat nanBatch = (cv::Mat_<float>(1, 5) << nan, 0, 0, 2, 2);
    CHECK_HAS(errorOf([&] { runLayer(roiParams(2, 2, 1.0, 0), x, nanBatch); }), "batch index is >= N");
    const cv::Mat infBox = (cv::Mat_<float>(1, 5) << 0, 0, 0, inf, 2);
    CHECK_HAS(errorOf([&] { runLayer(roiParams(2, 2, 1.0, 0), x, infBox); }), "too many samples");
    // With a fixed grid a NaN corner only makes its samples fall outside the map: zeros, no crash.
    const cv::Mat nanBox = (cv::Mat_<float>(1, 5) << 0, nan, 0, 2, 2);
    BOOST_CHECK_EQUAL(cv::countNonZero(runLayer(roiParams(2, 2, 1.0, 2), x, nanBox).reshape(1, 1)), 0);
}

BOOST_AUTO_TEST_CASE(refuses_nodes_of_another_or_no_contract_version)
{
    CHECK_HAS(errorOfModel("roi_align_bad_version2", { 1, 2, 4, 4 }, { 3, 5 }), "op contract version 2");
    CHECK_HAS(errorOfModel("roi_align_bad_no_version", { 1, 2, 4, 4 }, { 3, 5 }), "no 'version' attribute");
}

BOOST_AUTO_TEST_CASE(refuses_inputs_of_the_wrong_rank_or_width)
{
    CHECK_HAS(errorOfModel("roi_align_bad_rank", { 2, 4, 4 }, { 3, 5 }), "must be 4-D");
    CHECK_HAS(errorOfModel("roi_align_bad_rois", { 1, 2, 4, 4 }, { 3, 4 }), "must have 5 columns");
}

BOOST_AUTO_TEST_CASE(refuses_invalid_attributes)
{
    CHECK_HAS(errorOfModel("roi_align_bad_output_size", { 1, 2, 4, 4 }, { 3, 5 }), "output_height must be >= 1");
    CHECK_HAS(errorOfModel("roi_align_bad_scale", { 1, 2, 4, 4 }, { 3, 5 }), "spatial_scale must be > 0");
    cv::dnn::LayerParams width = roiParams(2, 0, 1.0, 0);
    CHECK_HAS(errorOf([&] { cv::adaptivetext::RoIAlignLayer::create(width); }), "output_width must be >= 1");
    cv::dnn::LayerParams negScale = roiParams(2, 2, -0.5, 0);
    CHECK_HAS(errorOf([&] { cv::adaptivetext::RoIAlignLayer::create(negScale); }), "spatial_scale must be > 0");
    cv::dnn::LayerParams ratio = roiParams(2, 2, 1.0, -1);
    CHECK_HAS(errorOf([&] { cv::adaptivetext::RoIAlignLayer::create(ratio); }), "sampling_ratio must be >= 0");
    cv::dnn::LayerParams missing = roiParams(2, 2, 1.0, 0);
    missing.erase("spatial_scale");
    CHECK_HAS(errorOf([&] { cv::adaptivetext::RoIAlignLayer::create(missing); }),
              "missing required attribute 'spatial_scale'");
}

BOOST_AUTO_TEST_SUITE_END()
