// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// cv::adaptivetext::readModel / readModelFromBuffer: every way a model can be wrong gives a message that
// says what is wrong, and what plain cv::dnn::readNet does before registerLayers(). Models come from
// tools/testdata/gen_model_loading.py.
#include "test_utils.hpp"

#include <opencv2/adaptivetext.hpp>

#include <boost/test/unit_test.hpp>

#include <iterator>

namespace {

using namespace adaptivetext_test;

/** Stands in for the real adaptivetext.SEBlock while the loader is tested, so that these tests depend on
 *  the loader only (the layer has its own suite). It copies its input. LayerFactory keeps a stack per type:
 *  this shadows the real layer until the guard pops it. */
class PassThroughLayer CV_FINAL : public cv::dnn::Layer
{
public:
    explicit PassThroughLayer(const cv::dnn::LayerParams& params) { setParamsFrom(params); }
    static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams& params)
    {
        return cv::makePtr<PassThroughLayer>(params);
    }
    void forward(cv::InputArrayOfArrays inputsArr, cv::OutputArrayOfArrays outputsArr,
                 cv::OutputArrayOfArrays) CV_OVERRIDE
    {
        std::vector<cv::Mat> inputs, outputs;
        inputsArr.getMatVector(inputs);
        outputsArr.getMatVector(outputs);
        inputs[0].copyTo(outputs[0]);
    }
};

struct PassThroughSEBlock
{
    PassThroughSEBlock()
    {
        cv::adaptivetext::registerLayers();
        cv::dnn::LayerFactory::registerLayer("adaptivetext.SEBlock", &PassThroughLayer::create);
    }
    ~PassThroughSEBlock() { cv::dnn::LayerFactory::unregisterLayer("adaptivetext.SEBlock"); }
};

const char* const kOutputs[] = { "rois", "rpn_scores", "text_scores", "box_deltas", "pairs", "num_pairs" };

}  // namespace

BOOST_AUTO_TEST_SUITE(model_loading)

BOOST_AUTO_TEST_CASE(complete_model_loads_and_runs)
{
    PassThroughSEBlock guard;
    const std::string path = dataPath("model_loading_complete.onnx");
    for (int fromBuffer = 0; fromBuffer < 2; ++fromBuffer)
    {
        cv::dnn::Net net = fromBuffer ? cv::adaptivetext::readModelFromBuffer(readBytes(path))
                                      : cv::adaptivetext::readModel(path);
        BOOST_REQUIRE(!net.empty());
        // Graph outputs are addressable by their ONNX names, whatever order OpenCV lists them in.
        const int dims[] = { 1, 4, 3, 3 };
        cv::Mat x(4, dims, CV_32F);
        cv::randu(x, -1.f, 1.f);
        net.setInput(x, "x");
        std::vector<cv::Mat> outs;
        net.forward(outs, std::vector<cv::String>(std::begin(kOutputs), std::end(kOutputs)));
        BOOST_REQUIRE_EQUAL(outs.size(), 6u);
        for (const cv::Mat& out : outs)
            BOOST_CHECK_EQUAL(maxAbsDiff(out, x), 0.0);
    }
}

BOOST_AUTO_TEST_CASE(missing_file_names_the_path)
{
    const std::string msg = errorOf([] { cv::adaptivetext::readModel("/nonexistent/dir/detector.onnx"); });
    CHECK_HAS(msg, "'/nonexistent/dir/detector.onnx' does not exist");
}

BOOST_AUTO_TEST_CASE(directory_is_refused)
{
    const std::string msg = errorOf([] { cv::adaptivetext::readModel(dataDir()); });
    CHECK_HAS(msg, "(it is a directory)");
}

BOOST_AUTO_TEST_CASE(empty_path_and_empty_buffer)
{
    CHECK_HAS(errorOf([] { cv::adaptivetext::readModel(""); }), "the model path is empty");
    CHECK_HAS(errorOf([] { cv::adaptivetext::readModelFromBuffer(std::vector<uchar>()); }), "the buffer is empty");
}

BOOST_AUTO_TEST_CASE(text_file_is_not_onnx)
{
    const std::string text = "# not a model\nhello\n";
    TempFile file(std::vector<uchar>(text.begin(), text.end()));
    const std::string msg = errorOf([&] { cv::adaptivetext::readModel(file.path); });
    CHECK_HAS(msg, "'" + file.path + "' is not a readable ONNX model (not an ONNX file, or truncated)");
}

BOOST_AUTO_TEST_CASE(truncated_model_file_and_buffer)
{
    std::vector<uchar> bytes = readBytes(dataPath("model_loading_complete.onnx"));
    bytes.resize(bytes.size() / 2);
    TempFile file(bytes);
    CHECK_HAS(errorOf([&] { cv::adaptivetext::readModel(file.path); }), "is not a readable ONNX model");
    const std::string msg = errorOf([&] { cv::adaptivetext::readModelFromBuffer(bytes); });
    CHECK_HAS(msg, cv::format("model buffer of %zu bytes is not a readable ONNX model", bytes.size()));
}

BOOST_AUTO_TEST_CASE(standard_ops_only_is_not_adaptivetext)
{
    // Both with unrelated outputs and with our output names: without our ops it is somebody else's model.
    for (const char* name : { "model_loading_plain.onnx", "model_loading_plain_named.onnx" })
    {
        const std::string msg = errorOf([&] { cv::adaptivetext::readModel(dataPath(name)); });
        CHECK_HAS(msg, "is not an adaptivetext model: it has none of the custom ops of domain 'adaptivetext'");
        CHECK_HAS(msg, name);
    }
}

BOOST_AUTO_TEST_CASE(missing_outputs_are_named)
{
    PassThroughSEBlock guard;
    const std::string msg = errorOf([] { cv::adaptivetext::readModel(dataPath("model_loading_seblock.onnx")); });
    CHECK_HAS(msg, "is not an adaptivetext model: it lacks the graph outputs "
                   "rois, rpn_scores, text_scores, box_deltas, pairs, num_pairs (it has: y)");
}

BOOST_AUTO_TEST_CASE(other_contract_version_keeps_the_layer_message)
{
    // The real layer is used here: its refusal must reach the caller through OpenCV's importer.
    cv::adaptivetext::registerLayers();
    const std::string path = dataPath("model_loading_version2.onnx");
    const std::string msg = errorOf([&] { cv::adaptivetext::readModel(path); });
    CHECK_HAS(msg, "cannot load the model file '" + path + "'");
    CHECK_HAS(msg, "adaptivetext.SEBlock: the model uses op contract version 2 but this module implements version 1");
}

BOOST_AUTO_TEST_CASE(unknown_op_of_our_domain)
{
    const std::string msg =
        errorOf([] { cv::adaptivetext::readModel(dataPath("model_loading_unknown_op.onnx")); });
    CHECK_HAS(msg, "uses the op 'adaptivetext.FancyHead', which this module does not implement");
}

BOOST_AUTO_TEST_CASE(plain_readnet_before_registration)
{
    // What a user sees when calling cv::dnn::readNet without registerLayers() (OpenCV 4.6's own message).
    cv::adaptivetext::unregisterLayers();
    BOOST_CHECK(!cv::dnn::LayerFactory::isLayerRegistered("adaptivetext.SEBlock"));
    const std::string msg =
        errorOf([] { cv::dnn::readNet(dataPath("model_loading_complete.onnx")); });
    CHECK_HAS(msg, "Node [SEBlock@adaptivetext]:(onnx_node!se) parse error");
    CHECK_HAS(msg, "Can't create layer \"onnx_node!se\" of type \"adaptivetext.SEBlock\"");
    cv::adaptivetext::registerLayers();
    BOOST_CHECK(cv::dnn::LayerFactory::isLayerRegistered("adaptivetext.SEBlock"));
}

BOOST_AUTO_TEST_CASE(read_model_registers_the_layers_itself)
{
    cv::adaptivetext::unregisterLayers();
    // Without registration the message would be "Can't create layer"; the layer's own refusal proves
    // readModel registered it.
    const std::string msg =
        errorOf([] { cv::adaptivetext::readModel(dataPath("model_loading_version2.onnx")); });
    CHECK_HAS(msg, "op contract version 2");
    BOOST_CHECK(msg.find("Can't create layer") == std::string::npos);
    BOOST_CHECK(cv::adaptivetext::layersRegistered());
}

BOOST_AUTO_TEST_SUITE_END()
