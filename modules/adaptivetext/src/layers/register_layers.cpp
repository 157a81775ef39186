// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Registers the custom layers under the names OpenCV 4.6's ONNX importer gives custom-domain nodes
// ("<domain>.<op_type>"). The names contain dots, so CV_DNN_REGISTER_LAYER_CLASS (which stringises its
// argument) cannot be used. LayerFactory throws when the same constructor is registered twice in a row,
// hence the flag under a mutex.
#include "../precomp.hpp"

#include <mutex>

namespace cv {
namespace adaptivetext {

namespace {

struct LayerEntry
{
    const char* type;
    dnn::LayerFactory::Constructor ctor;
};

const LayerEntry kLayers[] = {
    { CV_ADAPTIVETEXT_ONNX_DOMAIN ".SEBlock", &SEBlockLayer::create },
    { CV_ADAPTIVETEXT_ONNX_DOMAIN ".RoIAlign", &RoIAlignLayer::create },
    { CV_ADAPTIVETEXT_ONNX_DOMAIN ".TextProposal", &TextProposalLayer::create },
    { CV_ADAPTIVETEXT_ONNX_DOMAIN ".PointPairDecoder", &PointPairDecoderLayer::create },
};

std::mutex& registryMutex()
{
    static std::mutex m;
    return m;
}

bool g_registered = false;

}  // namespace

void registerLayers()
{
    std::lock_guard<std::mutex> lock(registryMutex());
    if (g_registered)
        return;
    for (const LayerEntry& e : kLayers)
        dnn::LayerFactory::registerLayer(e.type, e.ctor);
    g_registered = true;
}

void unregisterLayers()
{
    std::lock_guard<std::mutex> lock(registryMutex());
    if (!g_registered)
        return;
    for (const LayerEntry& e : kLayers)
        dnn::LayerFactory::unregisterLayer(e.type);
    g_registered = false;
}

bool layersRegistered()
{
    std::lock_guard<std::mutex> lock(registryMutex());
    return g_registered;
}

}  // namespace adaptivetext
}  // namespace cv
