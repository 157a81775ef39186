// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// readModel / readModelFromBuffer: cv::dnn::readNetFromONNX plus messages that say what is wrong with the
// model and what to do. OpenCV 4.6's own messages for these cases ("Failed to parse ONNX model",
// "Can't create layer ... of type ...", an assertion on model_proto.has_graph()) name neither the cause
// nor the fix; see doc/design/opencv_observations.md for the exact texts they are recognised by.
#include "precomp.hpp"
#include "onnx_payload_check.hpp"

#include <opencv2/core/utils/filesystem.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>

namespace cv {
namespace adaptivetext {

namespace {

// Graph outputs every adaptivetext model has (doc/model_format.md, section 2).
const char* const kContractOutputs[] = { "rois", "rpn_scores", "text_scores", "box_deltas", "pairs", "num_pairs" };

const char* const kFormatHint = "an adaptivetext model is one ONNX file exported as doc/model_format.md describes";

bool contains(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

// Quoted text that follows `key` in an OpenCV message, e.g. the layer type after 'of type "'.
std::string quotedAfter(const std::string& text, const std::string& key)
{
    const size_t start = text.find(key);
    if (start == std::string::npos)
        return std::string();
    const size_t begin = start + key.size();
    const size_t end = text.find('"', begin);
    return end == std::string::npos ? std::string() : text.substr(begin, end - begin);
}

// Turns an exception of the ONNX importer into one that says what is wrong. `source` names the model
// ("model file '<path>'" or "model buffer of N bytes").
CV_NORETURN void rethrowImportError(const cv::Exception& e, const std::string& source)
{
    const std::string& msg = e.err;
    // The protobuf parser failed (not ONNX, truncated), or parsed something that holds no graph.
    if (e.code == Error::StsUnsupportedFormat || contains(msg, "Failed to parse ONNX") || contains(msg, "has_graph"))
        CV_Error(Error::StsUnsupportedFormat,
                 format("adaptivetext::readModel: the %s is not a readable ONNX model (not an ONNX file, or "
                        "truncated); re-export or re-download it (%s). OpenCV said: %s",
                        source.c_str(), kFormatHint, msg.c_str()));
    // A node whose type has no registered layer. registerLayers() ran, so the op is not one of ours.
    const std::string type = quotedAfter(msg, "of type \"");
    if (contains(msg, "Can't create layer") && !type.empty())
    {
        if (type.rfind(CV_ADAPTIVETEXT_ONNX_DOMAIN ".", 0) == 0)
            CV_Error(Error::StsNotImplemented,
                     format("adaptivetext::readModel: the %s uses the op '%s', which this module does not "
                            "implement (it knows adaptivetext.SEBlock, .RoIAlign, .TextProposal and "
                            ".PointPairDecoder of op contract version %d); the model was exported by a newer "
                            "training package: update the module or re-export the model",
                            source.c_str(), type.c_str(), (int)OP_CONTRACT_VERSION));
        CV_Error(Error::StsNotImplemented,
                 format("adaptivetext::readModel: the %s uses the op '%s', which neither OpenCV nor this module "
                        "implements; it is not an adaptivetext model (%s)", source.c_str(), type.c_str(), kFormatHint));
    }
    // Anything else, e.g. a layer refusing a node of another contract version: keep the layer's message,
    // which already says what to do, and add which model it came from.
    CV_Error(e.code, format("adaptivetext::readModel: cannot load the %s: %s", source.c_str(), msg.c_str()));
}

// A network is ours when it holds at least one adaptivetext layer and every contract output.
void checkIsAdaptiveTextModel(dnn::Net& net, const std::string& source)
{
    CV_Assert(!net.empty());
    std::vector<String> types;
    net.getLayerTypes(types);
    bool hasCustomOp = false;
    for (const String& t : types)
        hasCustomOp = hasCustomOp || t.rfind(CV_ADAPTIVETEXT_ONNX_DOMAIN ".", 0) == 0;

    // OpenCV 4.6 registers each ONNX graph output as an Identity layer named after it (sorted by name).
    const std::vector<String> outputs = net.getUnconnectedOutLayersNames();
    std::string missing, found;
    for (const char* name : kContractOutputs)
        if (std::find(outputs.begin(), outputs.end(), name) == outputs.end())
            missing += (missing.empty() ? "" : ", ") + std::string(name);
    for (const String& name : outputs)
        found += (found.empty() ? "" : ", ") + name;

    if (!hasCustomOp)
        CV_Error(Error::StsBadArg,
                 format("adaptivetext::readModel: the %s is not an adaptivetext model: it has none of the custom "
                        "ops of domain '" CV_ADAPTIVETEXT_ONNX_DOMAIN "' (outputs: %s); %s",
                        source.c_str(), found.c_str(), kFormatHint));
    if (!missing.empty())
        CV_Error(Error::StsBadArg,
                 format("adaptivetext::readModel: the %s is not an adaptivetext model: it lacks the graph "
                        "outputs %s (it has: %s); %s", source.c_str(), missing.c_str(), found.c_str(), kFormatHint));
}

// The bytes of a model file. They are read once, checked, and imported from memory, so that the bytes that
// were checked are the ones OpenCV parses.
std::vector<uchar> readModelFile(const String& path)
{
    std::ifstream f(path.c_str(), std::ios::binary);
    if (!f.is_open())
        CV_Error(Error::StsError, format("adaptivetext::readModel: cannot open model file '%s' for reading",
                                         path.c_str()));
    return std::vector<uchar>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

/** OpenCV 4.6's importer warns "missing dispatch map for domain='adaptivetext'" once per custom node even when
 *  the layers are registered: expected here, so warnings are muted during our import (errors still show).
 *  The log level is process-wide; it is restored on every exit path. */
class QuietImporterWarnings
{
public:
    QuietImporterWarnings()
        : saved_(utils::logging::getLogLevel())
    {
        if (saved_ > utils::logging::LOG_LEVEL_ERROR)
            utils::logging::setLogLevel(utils::logging::LOG_LEVEL_ERROR);
    }
    ~QuietImporterWarnings() { utils::logging::setLogLevel(saved_); }

private:
    utils::logging::LogLevel saved_;
};

/** While it lives, FastConv3x3Layer::create stands in for "Convolution" in cv::dnn's LayerFactory, which the
 *  ONNX importer calls for every Conv node (it instantiates layers while importing). The factory keeps a stack
 *  per type, so unregistering restores whatever was there before. One override at a time (the mutex): the
 *  factory refuses the same constructor twice in a row. */
class FastConvolutionOverride
{
public:
    explicit FastConvolutionOverride(bool wanted)
    {
        if (!wanted || !FastConv3x3Layer::isAvailable())
            return;
        lock_ = std::unique_lock<std::mutex>(mutex());
        try
        {
            dnn::LayerFactory::registerLayer("Convolution", &FastConv3x3Layer::create);
            active_ = true;
        }
        catch (const cv::Exception&)
        {
            // Someone registered it already (outside this class): it is in place, and theirs to remove.
        }
    }
    ~FastConvolutionOverride()
    {
        if (active_)
            dnn::LayerFactory::unregisterLayer("Convolution");
    }

private:
    static std::mutex& mutex()
    {
        static std::mutex m;
        return m;
    }
    std::unique_lock<std::mutex> lock_;
    bool active_ = false;
};

dnn::Net importChecked(const std::function<dnn::Net()>& import, const std::string& source, bool fastConvolutions)
{
    registerLayers();  // readNetFromONNX instantiates the layers while importing
    dnn::Net net;
    try
    {
        QuietImporterWarnings quiet;
        FastConvolutionOverride fast(fastConvolutions);
        net = import();
    }
    catch (const cv::Exception& e)
    {
        rethrowImportError(e, source);
    }
    if (net.empty())
        CV_Error(Error::StsError, format("adaptivetext::readModel: OpenCV returned an empty network for the %s; %s",
                                         source.c_str(), kFormatHint));
    checkIsAdaptiveTextModel(net, source);
    return net;
}

}  // namespace

dnn::Net readModel(const String& model, bool fastCpuConvolutions)
{
    CV_TRACE_FUNCTION();
    if (model.empty())
        CV_Error(Error::StsBadArg, "adaptivetext::readModel: the model path is empty");
    if (!utils::fs::exists(model) || utils::fs::isDirectory(model))
        CV_Error(Error::StsObjectNotFound,
                 format("adaptivetext::readModel: model file '%s' does not exist%s; pass the path of an "
                        "adaptivetext .onnx model", model.c_str(),
                        utils::fs::isDirectory(model) ? " (it is a directory)" : ""));
    const std::vector<uchar> bytes = readModelFile(model);
    const std::string source = "model file '" + model + "'";
    detail::checkBeforeImport(bytes, source);  // bytes that OpenCV 4.6's importer mishandles (doc/fuzzing.md)
    return importChecked([&bytes]() { return dnn::readNetFromONNX(bytes); }, source, fastCpuConvolutions);
}

dnn::Net readModelFromBuffer(const std::vector<uchar>& buffer, bool fastCpuConvolutions)
{
    CV_TRACE_FUNCTION();
    if (buffer.empty())
        CV_Error(Error::StsBadArg, "adaptivetext::readModelFromBuffer: the buffer is empty; pass the bytes of an "
                                   "adaptivetext .onnx file");
    const std::string source = format("model buffer of %zu bytes", buffer.size());
    detail::checkBeforeImport(buffer, source);
    return importChecked([&buffer]() { return dnn::readNetFromONNX(buffer); }, source, fastCpuConvolutions);
}

}  // namespace adaptivetext
}  // namespace cv
