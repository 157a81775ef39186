// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// STUB: to be replaced by the real TextProposal layer.
#include "../precomp.hpp"
#include "layer_utils.hpp"

namespace cv {
namespace adaptivetext {

Ptr<dnn::Layer> TextProposalLayer::create(dnn::LayerParams& params)
{
    detail::checkContractVersion(params, "TextProposal");
    CV_Error(Error::StsNotImplemented, "adaptivetext.TextProposal: not implemented yet");
}

}  // namespace adaptivetext
}  // namespace cv
