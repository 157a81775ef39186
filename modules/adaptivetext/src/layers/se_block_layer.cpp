// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// STUB: to be replaced by the real SEBlock layer.
#include "../precomp.hpp"
#include "layer_utils.hpp"

namespace cv {
namespace adaptivetext {

Ptr<dnn::Layer> SEBlockLayer::create(dnn::LayerParams& params)
{
    detail::checkContractVersion(params, "SEBlock");
    CV_Error(Error::StsNotImplemented, "adaptivetext.SEBlock: not implemented yet");
}

}  // namespace adaptivetext
}  // namespace cv
