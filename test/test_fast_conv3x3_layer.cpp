// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// FastConv3x3Layer, the module's direct 3x3 convolution: against NumPy references from
// tools/testdata/gen_fast_conv3x3.py (through OpenCV's ONNX importer and its ReLU fusion, as the detector uses
// it), the convolutions it must leave to OpenCV, and the shipped model and detector with and without it.
// The kernels need AVX-512F or AVX2 + FMA: on other CPUs the cases that run them are reported as skipped, with
// that reason. Where the CPU has both, the cases run both (ADAPTIVETEXT_FAST_CONV_ISA=avx2 picks the AVX2 one).
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdlib>

namespace {

using namespace adaptivetext_test;

const std::string kModel = std::string(ADAPTIVETEXT_SOURCE_DIR) + "/data/models/adaptivetext_default.onnx";
const std::string kImage = std::string(ADAPTIVETEXT_SOURCE_DIR) + "/data/samples/curved_text.jpg";

boost::test_tools::assertion_result kernelAvailable(boost::unit_test::test_unit_id)
{
    boost::test_tools::assertion_result r(cv::adaptivetext::FastConv3x3Layer::isAvailable());
    r.message() << "this CPU has neither AVX-512F nor AVX2 + FMA (or the module was built for another "
                   "architecture): FastConv3x3Layer::create hands every convolution to OpenCV";
    return r;
}

/** The kernels this CPU runs, as ADAPTIVETEXT_FAST_CONV_ISA values ("" = the default choice, the best). */
std::vector<std::string> kernelsOfThisCpu()
{
    std::vector<std::string> isas;
#if defined(__x86_64__) || defined(__i386__)
    if (cv::checkHardwareSupport(CV_CPU_AVX_512F))
        isas.push_back("avx512");
    if (cv::checkHardwareSupport(CV_CPU_AVX2) && cv::checkHardwareSupport(CV_CPU_FMA3))
        isas.push_back("avx2");
#endif
    return isas;
}

/** FastConv3x3Layer::create stands in for "Convolution" while it lives, as in readModel(..., true). */
struct ConvolutionOverride
{
    ConvolutionOverride() { cv::dnn::LayerFactory::registerLayer("Convolution", &cv::adaptivetext::FastConv3x3Layer::create); }
    ~ConvolutionOverride() { cv::dnn::LayerFactory::unregisterLayer("Convolution"); }
};

int countFastLayers(cv::dnn::Net& net)
{
    int count = 0;
    for (const cv::String& name : net.getLayerNames())
        count += net.getLayer(name).dynamicCast<cv::adaptivetext::FastConv3x3Layer>().empty() ? 0 : 1;
    return count;
}

/** Imports test/data/fast_conv3x3_<name>.onnx with the override, checks how many layers took the kernel, runs
 *  it on the stored X and compares with the stored Y. */
void checkCase(const std::string& name, int expectedFastLayers)
{
    cv::dnn::Net net;
    {
        ConvolutionOverride fast;
        net = cv::dnn::readNetFromONNX(dataPath("fast_conv3x3_" + name + ".onnx"));
    }
    BOOST_TEST_CONTEXT("case " << name)
    {
        BOOST_CHECK_EQUAL(countFastLayers(net), expectedFastLayers);
        net.setInput(readNpy(dataPath("fast_conv3x3_" + name + ".X.npy")), "X");
        const cv::Mat y = net.forward("Y");
        checkClose(y, readNpy(dataPath("fast_conv3x3_" + name + ".Y.npy")), name, 1e-5);
        // A second forward reuses the layer's buffers (cv::dnn may share them with other layers): same result.
        checkClose(net.forward("Y"), y, name + " (second forward)", 0);
        // The same layer called directly, with buffers of exactly the sizes it asks for (under the sanitizers,
        // tools/run_sanitizers.sh --tests fast_conv3x3_layer, a read or write past them is reported).
        for (const cv::String& layerName : net.getLayerNames())
        {
            cv::Ptr<cv::dnn::Layer> layer = net.getLayer(layerName);
            if (!layer.dynamicCast<cv::adaptivetext::FastConv3x3Layer>().empty())
                checkClose(forwardLayer(layer, { readNpy(dataPath("fast_conv3x3_" + name + ".X.npy")) })[0], y,
                           name + " (layer called directly)", 0);
        }
    }
}

/** LayerParams of a "Convolution" node as OpenCV 4.6's ONNX importer makes them. */
cv::dnn::LayerParams convParams(int cout, int cin, int k, int stride, int pad, int dilation, int group = 1)
{
    cv::dnn::LayerParams lp;
    lp.name = "conv";
    lp.type = "Convolution";
    const int ks[] = { k, k }, st[] = { stride, stride }, dl[] = { dilation, dilation }, pd[] = { pad, pad, pad, pad };
    lp.set("kernel_size", cv::dnn::DictValue::arrayInt(ks, 2));
    lp.set("stride", cv::dnn::DictValue::arrayInt(st, 2));
    lp.set("dilation", cv::dnn::DictValue::arrayInt(dl, 2));
    lp.set("pad", cv::dnn::DictValue::arrayInt(pd, 4));
    lp.set("group", group);
    lp.set("num_output", cout);
    lp.set("bias_term", true);
    lp.blobs.push_back(blob({ cout, cin / group, k, k }, 0.5f));
    lp.blobs.push_back(blob({ 1, cout }, 0.25f));
    return lp;
}

cv::Mat sampleBlob()
{
    cv::Mat img = cv::imread(kImage);
    BOOST_REQUIRE(!img.empty());
    return cv::dnn::blobFromImage(img, 1.0 / 255, cv::Size(512, 384), cv::Scalar(), true);
}

/** Sets an environment variable for the scope, restoring what was there. */
struct ScopedEnv
{
    ScopedEnv(const char* name, const std::string& value) : name_(name)
    {
        const char* old = std::getenv(name);
        had_ = old != nullptr;
        saved_ = had_ ? old : "";
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv()
    {
        if (had_)
            setenv(name_, saved_.c_str(), 1);
        else
            unsetenv(name_);
    }
    const char* name_;
    bool had_;
    std::string saved_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(fast_conv3x3_layer)

BOOST_AUTO_TEST_CASE(matches_numpy_over_widths_dilations_batches_and_fused_relu,
                     *boost::unit_test::precondition(kernelAvailable))
{
    for (const std::string& isa : kernelsOfThisCpu())
    {
        ScopedEnv kernel("ADAPTIVETEXT_FAST_CONV_ISA", isa);
        BOOST_TEST_CONTEXT("kernel " << isa)
        {
            for (const char* name : { "d1_w37_relu", "d2_w20_batch2", "d1_w16_nobias_relu", "d1_w64_c24",
                                      "d1_w33_c64_relu", "d2_w3_tiny", "d1_w1_batch3" })
                checkCase(name, 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(declined_convolutions_run_opencvs_layer_with_the_same_results)
{
    for (const char* name : { "fallback_stride2", "fallback_dil3", "fallback_k5", "fallback_group2", "fallback_cout12",
                              "fallback_pad0" })
        checkCase(name, 0);
}

BOOST_AUTO_TEST_CASE(fits_only_the_documented_convolutions)
{
    using cv::adaptivetext::FastConv3x3Layer;
    BOOST_CHECK(FastConv3x3Layer::fits(convParams(8, 3, 3, 1, 1, 1)));
    BOOST_CHECK(FastConv3x3Layer::fits(convParams(64, 64, 3, 1, 2, 2)));
    BOOST_CHECK(!FastConv3x3Layer::fits(convParams(8, 3, 3, 2, 1, 1)));   // stride 2
    BOOST_CHECK(!FastConv3x3Layer::fits(convParams(8, 3, 3, 1, 0, 1)));   // no padding: smaller output
    BOOST_CHECK(!FastConv3x3Layer::fits(convParams(8, 3, 3, 1, 1, 2)));   // padding != dilation
    BOOST_CHECK(!FastConv3x3Layer::fits(convParams(8, 3, 3, 1, 3, 3)));   // dilation 3
    BOOST_CHECK(!FastConv3x3Layer::fits(convParams(8, 4, 3, 1, 1, 1, 2)));  // two groups
    BOOST_CHECK(!FastConv3x3Layer::fits(convParams(12, 3, 3, 1, 1, 1)));  // 12 output channels
    BOOST_CHECK(!FastConv3x3Layer::fits(convParams(8, 3, 1, 1, 0, 1)));   // 1x1
    BOOST_CHECK(!FastConv3x3Layer::fits(convParams(8, 3, 5, 1, 2, 1)));   // 5x5

    cv::dnn::LayerParams same = convParams(8, 3, 3, 1, 1, 1);
    same.set("pad_mode", "SAME");
    BOOST_CHECK(!FastConv3x3Layer::fits(same));
    cv::dnn::LayerParams noWeights = convParams(8, 3, 3, 1, 1, 1);
    noWeights.blobs.clear();  // weights as a second input
    BOOST_CHECK(!FastConv3x3Layer::fits(noWeights));
    cv::dnn::LayerParams halfWeights = convParams(8, 3, 3, 1, 1, 1);
    halfWeights.blobs[0].convertTo(halfWeights.blobs[0], CV_16F);
    BOOST_CHECK(!FastConv3x3Layer::fits(halfWeights));
    cv::dnn::LayerParams wrongBias = convParams(8, 3, 3, 1, 1, 1);
    wrongBias.blobs[1] = blob({ 1, 4 }, 0.f);
    BOOST_CHECK(!FastConv3x3Layer::fits(wrongBias));
}

BOOST_AUTO_TEST_CASE(create_hands_declined_convolutions_to_opencv)
{
    cv::dnn::LayerParams lp = convParams(8, 3, 3, 2, 1, 1);
    cv::Ptr<cv::dnn::Layer> layer = cv::adaptivetext::FastConv3x3Layer::create(lp);
    BOOST_REQUIRE(layer);
    BOOST_CHECK(layer.dynamicCast<cv::adaptivetext::FastConv3x3Layer>().empty());
    BOOST_CHECK(!layer.dynamicCast<cv::dnn::ConvolutionLayer>().empty());
}

BOOST_AUTO_TEST_CASE(fuses_plain_relu_only, *boost::unit_test::precondition(kernelAvailable))
{
    cv::dnn::LayerParams lp = convParams(8, 3, 3, 1, 1, 1);
    cv::Ptr<cv::dnn::Layer> layer = cv::adaptivetext::FastConv3x3Layer::create(lp);
    BOOST_REQUIRE(!layer.dynamicCast<cv::adaptivetext::FastConv3x3Layer>().empty());
    cv::dnn::LayerParams act;
    act.set("negative_slope", 0.1f);
    BOOST_CHECK(!layer->setActivation(cv::dnn::ReLULayer::create(act)));  // leaky
    BOOST_CHECK(!layer->setActivation(cv::dnn::ReLU6Layer::create(cv::dnn::LayerParams())));
    BOOST_CHECK(!layer->setActivation(cv::dnn::SigmoidLayer::create(cv::dnn::LayerParams())));
    BOOST_CHECK(layer->setActivation(cv::dnn::ReLULayer::create(cv::dnn::LayerParams())));

    // Weights 0.5, bias 0.25, input -1 everywhere: a corner pixel sums 4 taps x 3 channels, 0.25 - 6 < 0 -> 0.
    const std::vector<cv::Mat> out = forwardLayer(layer, { blob({ 1, 3, 4, 5 }, -1.f) });
    double lo, hi;
    cv::minMaxLoc(out[0].reshape(1, 1), &lo, &hi);
    BOOST_CHECK_EQUAL(lo, 0.0);
    BOOST_CHECK_EQUAL(hi, 0.0);
}

BOOST_AUTO_TEST_CASE(wrong_input_channels_are_refused, *boost::unit_test::precondition(kernelAvailable))
{
    cv::dnn::LayerParams lp = convParams(8, 3, 3, 1, 1, 1);
    cv::Ptr<cv::dnn::Layer> layer = cv::adaptivetext::FastConv3x3Layer::create(lp);
    const std::string msg = errorOf([&] { outputShapes(layer, { { 1, 4, 5, 5 } }); });
    BOOST_CHECK_MESSAGE(msg.find("input channels differ") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(shipped_model_gives_the_same_outputs_with_it, *boost::unit_test::precondition(kernelAvailable))
{
    cv::dnn::Net opencv = cv::adaptivetext::readModel(kModel);
    BOOST_CHECK_EQUAL(countFastLayers(opencv), 0);
    const cv::Mat input = sampleBlob();
    opencv.setInput(input);
    // The dense outputs before any thresholding: RPN scores of every anchor.
    const cv::Mat a = opencv.forward("rpn_scores").clone();
    for (const std::string& isa : kernelsOfThisCpu())
    {
        ScopedEnv kernel("ADAPTIVETEXT_FAST_CONV_ISA", isa);
        cv::dnn::Net fast = cv::adaptivetext::readModel(kModel, true);
        // The SE-VGG16 backbone's 13 convolutions are all 3x3, stride 1, padding 1 or 2 (doc/architecture.md).
        const int taken = countFastLayers(fast);
        BOOST_TEST_MESSAGE("shipped line model: " << taken << " convolutions of one Net take the " << isa << " kernel");
        BOOST_CHECK_GE(taken, 13);
        fast.setInput(input);
        checkClose(fast.forward("rpn_scores"), a, "rpn_scores, " + isa + " kernel vs OpenCV's convolutions", 1e-4);
    }
    // After the import, "Convolution" is OpenCV's again.
    BOOST_CHECK_EQUAL(countFastLayers(opencv = cv::adaptivetext::readModel(kModel)), 0);
}

BOOST_AUTO_TEST_CASE(detector_finds_the_same_polygons_with_it, *boost::unit_test::precondition(kernelAvailable))
{
    const cv::Mat img = cv::imread(kImage);
    std::vector<std::vector<cv::Point> > p0, p1;
    std::vector<float> s0, s1;
    {
        ScopedEnv off("ADAPTIVETEXT_FAST_CONV", "0");
        cv::AdaptiveTextDetector::create(kModel)->detect(img, p0, s0);
    }
    {
        ScopedEnv on("ADAPTIVETEXT_FAST_CONV", "1");
        cv::AdaptiveTextDetector::create(kModel)->detect(img, p1, s1);
    }
    BOOST_REQUIRE_GT(p0.size(), 0u);
    BOOST_REQUIRE_EQUAL(p0.size(), p1.size());
    for (size_t i = 0; i < p0.size(); ++i)
    {
        BOOST_CHECK_CLOSE_FRACTION(s0[i], s1[i], 1e-4);
        BOOST_REQUIRE_EQUAL(p0[i].size(), p1[i].size());
        for (size_t j = 0; j < p0[i].size(); ++j)
            BOOST_CHECK_LE(cv::norm(p0[i][j] - p1[i][j]), 1.0);  // rounding to whole pixels may differ by one
    }
}

namespace {

int g_opencvConvolutions = 0;

/** Counts the convolutions that reach the factory's "Convolution" entry below the detector's override. */
cv::Ptr<cv::dnn::Layer> countingConvolution(cv::dnn::LayerParams& params)
{
    ++g_opencvConvolutions;
    return cv::dnn::ConvolutionLayer::create(params);
}

struct CountingConvolution
{
    CountingConvolution() { cv::dnn::LayerFactory::registerLayer("Convolution", &countingConvolution); }
    ~CountingConvolution() { cv::dnn::LayerFactory::unregisterLayer("Convolution"); }
};

}  // namespace

// The detector's wiring, seen from the factory: while it imports a Net with the kernel, FastConv3x3Layer::create is
// on top of "Convolution" and builds the convolutions itself (those it declines go straight to OpenCV's layer), so
// a constructor registered below it sees none of them; without the kernel it sees every one. The verifier's Net is
// always imported without it.
BOOST_AUTO_TEST_CASE(detector_uses_it_on_the_cpu_only, *boost::unit_test::precondition(kernelAvailable))
{
    CountingConvolution counting;
    g_opencvConvolutions = 0;
    cv::Ptr<cv::AdaptiveTextDetector> cpu = cv::AdaptiveTextDetector::create(kModel);
    const int verifierOnly = g_opencvConvolutions;

    int everyConvolution;
    {
        ScopedEnv off("ADAPTIVETEXT_FAST_CONV", "0");
        g_opencvConvolutions = 0;
        cv::AdaptiveTextDetector::create(kModel);
        everyConvolution = g_opencvConvolutions;
    }
    // The difference is the detection Net's convolutions (13 in the backbone alone), which the import with the
    // kernel built without this constructor.
    BOOST_CHECK_GE(everyConvolution - verifierOnly, 13);

    g_opencvConvolutions = 0;
    cv::AdaptiveTextDetector::create(kModel, cv::Size(), 0.7f, 0.1f, cv::dnn::DNN_BACKEND_CUDA, cv::dnn::DNN_TARGET_CUDA);
    BOOST_CHECK_EQUAL(g_opencvConvolutions, everyConvolution);  // CUDA keeps OpenCV's (cuDNN's) convolutions

    // Switching a CPU detector to CUDA re-imports its Nets without the kernel (two passes: two Nets), and back.
    const cv::Mat img = cv::imread(kImage);
    std::vector<std::vector<cv::Point> > polygons;
    std::vector<float> scores;
    cpu->detect(img, polygons, scores);
    g_opencvConvolutions = 0;
    cpu->setPreferableBackend(cv::dnn::DNN_BACKEND_CUDA);
    cpu->setPreferableTarget(cv::dnn::DNN_TARGET_CUDA);
    cpu->detect(img, polygons, scores);  // Debian's OpenCV has no CUDA: it runs on the CPU
    BOOST_CHECK_EQUAL(g_opencvConvolutions, 2 * (everyConvolution - verifierOnly));
    g_opencvConvolutions = 0;
    cpu->setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    cpu->setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    cpu->detect(img, polygons, scores);
    BOOST_CHECK_EQUAL(g_opencvConvolutions, 0);
}

BOOST_AUTO_TEST_SUITE_END()
